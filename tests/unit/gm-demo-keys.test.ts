/**
 * Issue 21: the keyed demo seeds a GM deployment (SM2 root, SM2 staff keys, SM2-signed entries the reporter's
 * check accepts under the GM suite only), the start-up check passes with the SM2 root pinned, and the root
 * ceremony's seed file and signing work in the GM suite.
 */
import { afterAll, expect, it } from 'vitest';
import { gmSuite } from '$lib/crypto/gm/suite';
import { gmCeremony } from '$lib/crypto/gm/directory';
import { NACL_DIRECTORY, verifyServedDirectory } from '$lib/client/directory-verify';
import { TEST_ONLY_CHEAP_KDF } from '$lib/crypto/kdf';
import { toBase64 } from '$lib/shared/encoding';
import { CeremonyError, parseSeedFile, seedFile, signPending } from '$lib/shared/root-ceremony';
import { checkPinnedRoot, getActiveRootKey, pinRootKey } from '$lib/server/keys/root-key';
import { getStaffKey } from '$lib/server/keys/staff-keys';
import { signedEntriesForOrgan } from '$lib/server/keys/directory';
import { exportPending } from '$lib/server/keys/ceremony';
import { generateDemo } from '$lib/server/demo/province';
import { keyDemoOrgans } from '$lib/server/demo/keys';
import { loadDemo } from '$lib/server/org/store';
import { describeDb } from '../support/db';

const NOW = new Date('2026-11-27T10:00:00Z');

afterAll(() => pinRootKey(undefined));

describeDb('a GM keyed demo', (get) => {
	it('seeds an SM2 root, SM2 staff keys and SM2-signed entries; the server starts with the SM2 root pinned', async () => {
		const { db } = get();
		await loadDemo(db, generateDemo());
		const organId = 'o-sf-c01';
		const keyed = await keyDemoOrgans(db, {
			organIds: [organId],
			password: 'pw',
			kdfParams: TEST_ONLY_CHEAP_KDF,
			now: NOW,
			suite: 'gm'
		});
		expect(keyed.rootPublicKey.length).toBe(65);
		expect(keyed.fingerprint).toBe(gmSuite.rootFingerprint(keyed.rootPublicKey));
		expect((await getActiveRootKey(db))!.publicKey).toEqual(keyed.rootPublicKey);
		expect(await checkPinnedRoot(db, keyed.rootPublicKey)).toMatchObject({ ok: true, state: 'matches' });
		expect(keyed.staff.length).toBeGreaterThan(0);
		for (const s of keyed.staff) {
			const bundle = (await getStaffKey(db, s.staffId))!;
			expect(bundle.publicKey.length).toBe(65);
			expect((await gmSuite.unlockWithPassword(bundle, 'pw')).secretKey).toEqual(s.secretKey);
		}
		// The directory as served: valid under the GM suite, refused under NaCl's.
		const signed = await signedEntriesForOrgan(db, organId, NOW);
		const answer = {
			suite: 'gm',
			root: { publicKey: toBase64(keyed.rootPublicKey), fingerprint: keyed.fingerprint },
			entries: signed.map((e) => toBase64(e)),
			revocations: null
		};
		const ok = verifyServedDirectory(answer, { organId, now: NOW, suite: gmSuite });
		expect(ok.rejected).toEqual([]);
		expect(ok.valid.length).toBe(keyed.staff.filter((s) => s.organId === organId).length);
		expect(() => verifyServedDirectory(answer, { organId, now: NOW, suite: NACL_DIRECTORY })).toThrow(/SUITE_MISMATCH/);
		// Running it again with the same seed reuses everything.
		const again = await keyDemoOrgans(db, {
			organIds: [organId],
			password: 'pw',
			kdfParams: TEST_ONLY_CHEAP_KDF,
			now: NOW,
			rootSeed: keyed.rootSeed,
			suite: 'gm'
		});
		expect(again.created).toEqual({ rootKey: false, bundles: 0, entries: 0 });

		// The ceremony: a GM seed file round-trips, a NaCl reading refuses it, and nothing is pending now.
		const file = JSON.stringify(seedFile(keyed.rootSeed, NOW, gmCeremony));
		expect(parseSeedFile(file, gmCeremony).publicKey).toEqual(keyed.rootPublicKey);
		expect(() => parseSeedFile(file)).toThrow(CeremonyError);
		const pending = await exportPending(db, { now: NOW });
		expect(pending?.rootFingerprint).toBe(keyed.fingerprint);
		const out = signPending(
			{
				...pending!,
				entries: [
					{
						entryId: '00'.repeat(16),
						staffId: keyed.staff[0]!.staffId,
						username: keyed.staff[0]!.username,
						organId,
						role: 'inspector',
						publicKey: toBase64(keyed.staff[0]!.publicKey),
						notBefore: 1,
						notAfter: 2
					}
				]
			},
			keyed.rootSeed,
			gmCeremony
		);
		const entry = Uint8Array.from(atob(out.entries[0]!), (c) => c.charCodeAt(0));
		expect(entry[0]).toBe(gmSuite.version);
	});
});
