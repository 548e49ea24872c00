/**
 * The proof of having reported as the server issues it (issue 19): refused until staff acknowledge the
 * report; then signed by the holding organ's attestation key, verifiable offline with the pinned root,
 * and refused by the verifier once its date or locator is changed.
 */
import nacl from 'tweetnacl';
import { beforeAll, expect, it } from 'vitest';
import { newEntryId, signDirectoryEntry } from '$lib/crypto/directory';
import { ATTEST_ROLE, verifyProof } from '$lib/crypto/proof';
import { CryptoError } from '$lib/crypto/errors';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { staffUser } from '$lib/server/db/schema';
import { describeDb } from '$support/db';
import { applyAction } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld } from '$support/backoffice';
import { issueProof, proofKeysFrom } from './proof';

describeDb('the proof of having reported', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('is issued only after acknowledgement, verifies with the pinned root, fails on a changed date or locator', async () => {
		const seed = nacl.randomBytes(32);
		const pair = nacl.sign.keyPair.fromSeed(seed);
		const entry = signDirectoryEntry(
			{
				entryId: newEntryId(),
				staffId: 'organ:o-city',
				organId: 'o-city',
				role: ATTEST_ROLE,
				publicKey: pair.publicKey,
				notBefore: Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000),
				notAfter: Math.floor(Date.parse('2028-01-01T00:00:00Z') / 1000)
			},
			w.root.secretKey
		);
		const keys = proofKeysFrom(
			JSON.stringify([{ seed: Buffer.from(seed).toString('hex'), entry: Buffer.from(entry).toString('base64') }])
		);
		const r = await storeReport(db, { recipients: [w.alice, w.hank], unitId: 'u-k1' });

		expect(await issueProof(db, r.id, keys)).toMatchObject({ ok: false, code: 'not_acknowledged' });

		const registered = await applyAction({ db, user: users.get(w.alice.id)!, now: NOW }, r.id, { action: 'register' });
		expect(registered.status).toBe(200);
		const issued = await issueProof(db, r.id, keys);
		if (!issued.ok) throw new Error(issued.code);
		const proof = JSON.parse(JSON.stringify(issued.value));
		expect(proof).toMatchObject({
			locator: r.locator,
			receivedOn: '2026-11-27',
			organId: 'o-city',
			acknowledgedOn: '2026-11-27'
		});
		expect(verifyProof(proof, w.root.publicKey).statement.locator).toBe(r.locator);

		const code = (p: unknown) => {
			try {
				verifyProof(p, w.root.publicKey);
				return 'ok';
			} catch (e) {
				return e instanceof CryptoError ? e.code : 'other';
			}
		};
		expect(code({ ...proof, receivedOn: '2026-11-20' })).toBe('BAD_SIGNATURE');
		expect(code({ ...proof, acknowledgedOn: '2026-11-28' })).toBe('BAD_SIGNATURE');
		const other = r.locator.endsWith('0') ? `${r.locator.slice(0, 9)}1` : `${r.locator.slice(0, 9)}0`;
		expect(code({ ...proof, locator: other })).toBe('BAD_SIGNATURE');

		// Another organ without a configured attestation key: no proof, said plainly.
		const elsewhere = await storeReport(db, { recipients: [w.olga], organId: 'o-k1', unitId: 'u-k1' });
		const olgaRegisters = await applyAction({ db, user: users.get(w.olga.id)!, now: NOW }, elsewhere.id, {
			action: 'register'
		});
		expect(olgaRegisters.status).toBe(200);
		expect(await issueProof(db, elsewhere.id, keys)).toMatchObject({ ok: false, code: 'proof_unavailable' });
	});
});
