/**
 * Issue 21, the trust tools under SM2, end to end on both databases: the command lines' own functions
 * (`npm run root`: scripts/root-cli.ts; `npm run directory`: scripts/directory-cli.ts) hold a GM root ceremony
 * (SM2 seed file, 65-byte ROOT_PUBLIC_KEY, pending entries exported from the database, signed offline with SM2,
 * imported, a revocation list, a rotation), the server's start-up check (`checkPinnedRoot`) and the reporter's
 * check of the served directory (`verifyServedDirectory` under the GM suite) accept the result and the NaCl
 * suite refuses it; the release manifest the build writes is signed with SM2 and verified; the attestation key
 * (`root attest`) signs proofs of having reported with SM2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeBase64 } from '@oslojs/encoding';
import { NACL_DIRECTORY, verifyServedDirectory } from '$lib/client/directory-verify';
import { gmCeremony, gmVerify } from '$lib/crypto/gm/directory';
import { gmSuite } from '$lib/crypto/gm/suite';
import { NACL_CEREMONY } from '$lib/shared/root-ceremony';
import { signProof, verifyProof } from '$lib/crypto/proof';
import { verifyRelease } from '$lib/shared/build-root';
import { loadConfig, setConfig } from '$lib/server/config';
import { disciplineOrgan, organStaff, staffUser } from '$lib/server/db/schema';
import { readDirectory } from '$lib/server/keys/api';
import { checkPinnedRoot, getActiveRootKey, pinRootKey } from '$lib/server/keys/root-key';
import { enrolStaffKey } from '$lib/server/keys/staff-keys';
import { proofKeysFrom } from '$lib/server/reports/proof';
import { describeDb } from '$support/db';
import { runDirectory } from '../../scripts/directory-cli';
import { runRoot } from '../../scripts/root-cli';
import { buildRootKey, releaseManifest } from '../../scripts/release-manifest.js';
import type { ToolIo } from '../../scripts/tool-io';

const ORGAN = 'o-gm';

function io(env: Record<string, string | undefined> = {}) {
	const out: string[] = [];
	const err: string[] = [];
	const tool: ToolIo = { log: (l) => out.push(l), error: (l) => err.push(l), env, stdin: () => '' };
	return { tool, out, err, text: () => out.join('\n') };
}

const publicKeyPrinted = (text: string) => /ROOT_PUBLIC_KEY=([A-Za-z0-9+/=]+)/.exec(text)![1]!;

afterAll(() => {
	pinRootKey(undefined);
	setConfig(loadConfig(process.env));
});

describeDb('the GM root ceremony through the command lines', (get) => {
	let dir = '';
	const file = (name: string) => path.join(dir, name);
	let rootKey = '';
	let gmEnv: Record<string, string | undefined> = {};
	const staff: string[] = [];
	const tool = async () => ({ ...get(), close: async () => {} });

	beforeAll(() => {
		dir = mkdtempSync(path.join(tmpdir(), 'qf-gmtrust-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it('init --suite gm writes an SM2 seed file and prints the 65-byte ROOT_PUBLIC_KEY; the server pins it', async () => {
		const { db } = get();
		const r = io();
		expect(runRoot(['init', '--out', file('seed.json'), '--suite', 'gm'], r.tool)).toBe(0);
		rootKey = publicKeyPrinted(r.text());
		const pub = decodeBase64(rootKey);
		expect(pub.length).toBe(65);
		expect(pub[0]).toBe(4);
		const seedFile = JSON.parse(readFileSync(file('seed.json'), 'utf8'));
		expect(seedFile).toMatchObject({ format: 'qingfeng-root-seed/v1', suite: 'gm', publicKey: rootKey });
		expect(r.text()).toContain(`校验码, publish it):     ${gmCeremony.rootFingerprint(pub)}`);
		expect(r.text()).toMatch(/Paper backup[^\n]*\n {2}(\d{5} ){16}\d{5}/);
		// The paper backup restores the same SM2 root; refusing to overwrite a seed file.
		const digits = /\n {2}((\d{5} ){16}\d{5})/.exec(r.text())![1]!;
		const restored = io();
		expect(
			runRoot(['restore', '--out', file('restored.json'), '--digits', digits, '--suite', 'gm'], restored.tool)
		).toBe(0);
		expect(publicKeyPrinted(restored.text())).toBe(rootKey);
		expect(runRoot(['init', '--out', file('seed.json'), '--suite', 'gm'], io().tool)).toBe(1);
		// `show` reads the suite from the seed file; a NaCl reading of it is refused.
		const shown = io();
		expect(runRoot(['show', '--seed', file('seed.json')], shown.tool)).toBe(0);
		expect(shown.text()).toContain('Cipher suite:      gm');
		const wrong = io({ QF_CRYPTO_SUITE: 'nacl' });
		expect(runRoot(['show', '--seed', file('seed.json')], wrong.tool)).toBe(1);
		expect(wrong.err.join('\n')).toContain('the seed file is a gm root, this deployment is nacl');
		expect(runRoot(['show', '--public', rootKey], io({ QF_CRYPTO_SUITE: 'gm' }).tool)).toBe(0);
		expect(runRoot(['show', '--public', rootKey], io().tool)).toBe(1);

		gmEnv = { ...process.env, QF_CRYPTO_SUITE: 'gm', ROOT_PUBLIC_KEY: rootKey };
		const cfg = loadConfig(gmEnv);
		expect(cfg.cryptoSuite).toBe('gm');
		setConfig(cfg);
		expect(await checkPinnedRoot(db, cfg.rootPublicKey)).toMatchObject({
			ok: true,
			state: 'registered',
			fingerprint: gmCeremony.rootFingerprint(pub)
		});
		expect(await checkPinnedRoot(db, cfg.rootPublicKey)).toMatchObject({ ok: true, state: 'matches' });

		await db.insert(disciplineOrgan).values({ id: ORGAN, name: '青山市纪委监委', kind: 'commission', level: 'city' });
		const users = await db
			.insert(staffUser)
			.values(
				['li', 'wang'].map((u) => ({
					username: u,
					displayName: u,
					authSalt: new Uint8Array(16),
					authParams: { m: 64, t: 1, p: 1 },
					authHash: '!'
				}))
			)
			.returning();
		for (const [i, u] of users.entries()) {
			staff.push(u.id);
			await db.insert(organStaff).values({ staffId: u.id, organId: ORGAN, role: i === 0 ? 'inspector' : 'head' });
			const keys = await gmSuite.createStaffKeys('pw', { testOnlyCheap: true });
			expect(await enrolStaffKey(db, u.id, keys.bundle, { allowWeakKdf: true })).toMatchObject({ ok: true });
		}
	});

	it('export-pending, root sign (SM2) and import-signed: the reporter accepts the served directory under GM only', async () => {
		const { db } = get();
		// A NaCl configuration cannot even read the SM2 root; a --suite that contradicts the deployment is refused.
		const nacl = io({ ...gmEnv, QF_CRYPTO_SUITE: undefined });
		expect(await runDirectory(['export-pending', '--out', file('p.json')], nacl.tool, tool)).toBe(1);
		expect(nacl.err.join('\n')).toMatch(/ROOT_PUBLIC_KEY/);
		expect(
			await runDirectory(['export-pending', '--out', file('p.json'), '--suite', 'nacl'], io(gmEnv).tool, tool)
		).toBe(1);

		const exp = io(gmEnv);
		expect(await runDirectory(['export-pending', '--out', file('pending.json'), '--days', '30'], exp.tool, tool)).toBe(
			0
		);
		expect(exp.text()).toContain(
			`2 entries to sign under gm root ${gmCeremony.rootFingerprint(decodeBase64(rootKey))}`
		);
		const pending = JSON.parse(readFileSync(file('pending.json'), 'utf8'));
		expect(pending.entries.map((e: { publicKey: string }) => decodeBase64(e.publicKey).length)).toEqual([65, 65]);

		// Offline: the seed file names its suite; signing it as NaCl is refused.
		expect(
			runRoot(
				['sign', '--seed', file('seed.json'), '--in', file('pending.json'), '--out', file('x.json'), '--suite', 'nacl'],
				io().tool
			)
		).toBe(1);
		const sign = io();
		expect(
			runRoot(
				['sign', '--seed', file('seed.json'), '--in', file('pending.json'), '--out', file('signed.json')],
				sign.tool
			)
		).toBe(0);
		expect(sign.text()).toContain('Signed 2 entries');
		const signed = JSON.parse(readFileSync(file('signed.json'), 'utf8')) as { entries: string[] };
		for (const e of signed.entries) expect(decodeBase64(e)[0]).toBe(gmSuite.version);

		const imp = io(gmEnv);
		expect(await runDirectory(['import-signed', '--in', file('signed.json')], imp.tool, tool)).toBe(0);
		expect(imp.text()).toContain('Stored 2 of 2 signed entries.');

		const served = await readDirectory(db, new URLSearchParams({ organ: ORGAN }));
		if (!served.ok) throw new Error(served.code);
		const answer = JSON.parse(JSON.stringify(served.value));
		expect(answer.suite).toBe('gm');
		const pinned = decodeBase64(rootKey);
		const ok = verifyServedDirectory(answer, {
			organId: ORGAN,
			now: new Date(),
			suite: gmSuite,
			pinnedRootPublicKey: pinned
		});
		expect(ok.rejected).toEqual([]);
		expect(ok.valid.map((e) => e.staffId).sort()).toEqual([...staff].sort());
		expect(() => verifyServedDirectory(answer, { organId: ORGAN, now: new Date(), suite: NACL_DIRECTORY })).toThrow(
			/SUITE_MISMATCH/
		);
		// Relabelled as NaCl, the SM2 entries and root are still refused by a NaCl page.
		expect(() =>
			verifyServedDirectory({ ...answer, suite: 'nacl' }, { organId: ORGAN, now: new Date(), suite: NACL_DIRECTORY })
		).toThrow(/MALFORMED|root public key/);

		// Revoking one member: an SM2-signed revocation list the reporter's check applies.
		const rev = io(gmEnv);
		expect(
			await runDirectory(['export-pending', '--out', file('rev.json'), '--revoke-staff', staff[0]!], rev.tool, tool)
		).toBe(0);
		expect(
			runRoot(
				['sign', '--seed', file('seed.json'), '--in', file('rev.json'), '--out', file('rev-signed.json')],
				io().tool
			)
		).toBe(0);
		const revImp = io(gmEnv);
		expect(await runDirectory(['import-signed', '--in', file('rev-signed.json')], revImp.tool, tool)).toBe(0);
		expect(revImp.text()).toContain('Revocation list stored.');
		const after = await readDirectory(db, new URLSearchParams({ organ: ORGAN }));
		if (!after.ok) throw new Error(after.code);
		const checked = verifyServedDirectory(JSON.parse(JSON.stringify(after.value)), {
			organId: ORGAN,
			now: new Date(),
			suite: gmSuite,
			pinnedRootPublicKey: pinned
		});
		expect(checked.valid.map((e) => e.staffId)).toEqual([staff[1]]);
	});

	it('sign-release signs the GM build manifest with SM2; verifyRelease accepts it under GM only', () => {
		const client = mkdtempSync(path.join(dir, 'client-'));
		writeFileSync(path.join(client, 'a.js'), 'console.log(1)');
		writeFileSync(path.join(client, 'index.html'), '<p>清风</p>');
		const key = buildRootKey({ ROOT_PUBLIC_KEY: rootKey }, 'gm');
		const text = releaseManifest(client, '0.1.0-test', key, 'gm');
		expect(JSON.parse(text)).toMatchObject({
			suite: 'gm',
			rootPublicKey: rootKey,
			rootFingerprint: gmCeremony.rootFingerprint(decodeBase64(rootKey))
		});
		writeFileSync(file('release.json'), text);
		const r = io();
		expect(runRoot(['sign-release', '--seed', file('seed.json'), '--manifest', file('release.json')], r.tool)).toBe(0);
		expect(r.text()).toContain('(gm suite) signed by root');
		const sig = readFileSync(file('release.sig'), 'utf8');
		const bytes = new Uint8Array(readFileSync(file('release.json')));
		const pinned = decodeBase64(rootKey);
		expect(verifyRelease(bytes, sig, pinned, gmCeremony)).toBe(true);
		expect(verifyRelease(bytes, sig, pinned, NACL_CEREMONY)).toBe(false);
		expect(verifyRelease(bytes, sig, pinned)).toBe(false);
	});

	it('attest --suite gm: an SM2 attestation key whose proofs verify under the pinned SM2 root', () => {
		const a = io();
		expect(
			runRoot(['attest', '--seed', file('seed.json'), '--organ', ORGAN, '--keys', file('proof-keys.json')], a.tool)
		).toBe(0);
		expect(a.text()).toContain('Attestation key (SM2)');
		const keys = proofKeysFrom(readFileSync(file('proof-keys.json'), 'utf8'), 'gm');
		const key = keys.get(ORGAN)!;
		expect(key.suite.id).toBe('gm');
		expect(key.secretKey.length).toBe(32);
		expect(() => proofKeysFrom(readFileSync(file('proof-keys.json'), 'utf8'), 'nacl')).toThrow(/gm|nacl/);
		// Acknowledged tomorrow: a proof is checked at noon (China) of that day, after the key's entry begins.
		const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
		const s = { locator: 'K7M2P9QX4R', receivedOn: day(0), organId: ORGAN, acknowledgedOn: day(1) };
		const proof = signProof(s, '青山市纪委监委', key.secretKey, key.entry, key.suite);
		expect(verifyProof(proof, decodeBase64(rootKey), gmSuite).statement).toEqual(s);
		expect(() => verifyProof(proof, decodeBase64(rootKey))).toThrow();
	});

	it('rotate: a new SM2 root, the statement signed by the old one; activate-root makes it the active root', async () => {
		const { db } = get();
		const r = io();
		expect(runRoot(['rotate', '--seed', file('seed.json'), '--out', file('seed2.json')], r.tool)).toBe(0);
		const next = publicKeyPrinted(r.text());
		const { statement, signature } = JSON.parse(readFileSync(file('seed2.json.rotation.json'), 'utf8'));
		expect(statement).toMatchObject({ suite: 'gm', oldPublicKey: rootKey, newPublicKey: next });
		const bytes = new TextEncoder().encode(JSON.stringify(statement));
		expect(gmVerify(bytes, decodeBase64(signature), decodeBase64(rootKey))).toBe(true);
		const env = { ...gmEnv, ROOT_PUBLIC_KEY: next };
		const act = io(env);
		expect(await runDirectory(['activate-root'], act.tool, tool)).toBe(0);
		expect(act.text()).toContain(`Root ${gmCeremony.rootFingerprint(decodeBase64(next))} is now active`);
		expect((await getActiveRootKey(db))!.publicKey).toEqual(decodeBase64(next));
		expect(await checkPinnedRoot(db, decodeBase64(next))).toMatchObject({ ok: true, state: 'matches' });
	});
});
