/**
 * Issue 21, the trust of a deployment in its suite: the release manifest signed by the root in the pinned
 * suite (accepted; refused when tampered with, relabelled to the other suite, or checked under the other
 * suite), the build's manifest half (scripts/release-manifest.js) naming an SM2 root, and the proof of having
 * reported signed by the organ's attestation key in the deployment's suite (SM2 under GM, Ed25519 under NaCl),
 * with a NaCl proof made before issue 21 still verifiable, and issued by the server on both databases.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { gmCeremony } from '$lib/crypto/gm/directory';
import { gmSuite } from '$lib/crypto/gm/suite';
import { CryptoError } from '$lib/crypto/errors';
import { ATTEST_ROLE, NACL_PROOF, proofScheme, signProof, verifyProof, type ProofScheme } from '$lib/crypto/proof';
import type { SuiteId } from '$lib/crypto/suite-id';
import { encodeReleaseManifest, RELEASE_FORMAT, signRelease, verifyRelease } from '$lib/shared/build-root';
import { addAttestKey } from '$lib/shared/attest-keys';
import { NACL_CEREMONY, type CeremonySuite } from '$lib/shared/root-ceremony';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { staffUser } from '$lib/server/db/schema';
import { issueProof, proofKeysFrom } from '$lib/server/reports/proof';
import { applyAction } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld } from '$support/backoffice';
import { describeDb } from '$support/db';
import { buildRootKey, fingerprint } from '../../scripts/release-manifest.js';

const SUITES: [SuiteId, CeremonySuite, ProofScheme][] = [
	['nacl', NACL_CEREMONY, NACL_PROOF],
	['gm', gmCeremony, gmSuite]
];
const other = (id: SuiteId) => SUITES.find(([o]) => o !== id)!;

const codeOf = (f: () => unknown): string => {
	try {
		f();
	} catch (e) {
		return (e as CryptoError).code ?? (e as Error).message;
	}
	return 'accepted';
};

function manifestFor(suite: CeremonySuite, publicKey: Uint8Array, relabel?: SuiteId): Uint8Array {
	return encodeReleaseManifest({
		format: RELEASE_FORMAT,
		version: '0.1.0-abcdef123456',
		rootFingerprint: suite.rootFingerprint(publicKey),
		rootPublicKey: encodeBase64(publicKey),
		suite: relabel ?? suite.id,
		assets: { '/_app/immutable/entry/start.js': 'ab'.repeat(32), '/sw.js': 'cd'.repeat(32) }
	});
}

describe.each(SUITES)('the release manifest under the %s root', (id, suite) => {
	const seed = suite.newSeed();
	const root = suite.rootFromSeed(seed);
	const bytes = manifestFor(suite, root.publicKey);

	it('is signed by the root and verified in the pinned suite', () => {
		const r = signRelease(bytes, seed, suite);
		if (!r.ok) throw new Error(r.message);
		expect(decodeBase64(r.signature).length).toBe(64);
		expect(verifyRelease(bytes, `${r.signature}\n`, root.publicKey, suite)).toBe(true);
		if (id === 'nacl') expect(verifyRelease(bytes, r.signature, root.publicKey)).toBe(true); // the default, as before
	});

	it('is refused once tampered with, under another root, or with a bad signature', () => {
		const r = signRelease(bytes, seed, suite);
		if (!r.ok) throw new Error(r.message);
		const changed = bytes.slice();
		changed[changed.length - 5]! ^= 1;
		expect(verifyRelease(changed, r.signature, root.publicKey, suite)).toBe(false);
		const stranger = suite.rootFromSeed(suite.newSeed()).publicKey;
		expect(verifyRelease(bytes, r.signature, stranger, suite)).toBe(false);
		const sig = decodeBase64(r.signature);
		sig[10]! ^= 1;
		expect(verifyRelease(bytes, encodeBase64(sig), root.publicKey, suite)).toBe(false);
		expect(verifyRelease(bytes, 'not base64!', root.publicKey, suite)).toBe(false);
	});

	it('cannot be offered in the other suite: relabelled, signed for it, or checked under it', () => {
		const [otherId, otherSuite] = other(id);
		// The suite is inside the signed bytes: relabelling breaks the signature.
		const r = signRelease(bytes, seed, suite);
		if (!r.ok) throw new Error(r.message);
		const relabelled = new TextEncoder().encode(
			new TextDecoder().decode(bytes).replace(`"suite": "${id}"`, `"suite": "${otherId}"`)
		);
		expect(relabelled).not.toEqual(bytes);
		expect(verifyRelease(relabelled, r.signature, root.publicKey, suite)).toBe(false);
		// This root refuses to sign a manifest built for the other suite, even one naming its own key.
		expect(signRelease(manifestFor(suite, root.publicKey, otherId), seed, suite)).toEqual({
			ok: false,
			message: `the manifest was built for the ${otherId} suite, this seed is a ${id} root`
		});
		// A verifier pinned to the other suite refuses this release (wrong key length, wrong scheme, wrong label).
		expect(verifyRelease(bytes, r.signature, root.publicKey, otherSuite)).toBe(false);
		const otherRoot = otherSuite.rootFromSeed(otherSuite.newSeed());
		const theirs = manifestFor(otherSuite, otherRoot.publicKey);
		const theirSig = signRelease(theirs, otherSuite.newSeed(), otherSuite);
		expect(theirSig.ok).toBe(false); // another seed than the manifest's root
		expect(verifyRelease(theirs, r.signature, root.publicKey, suite)).toBe(false);
	});
});

describe('the build half of the manifest (scripts/release-manifest.js)', () => {
	it('reads and fingerprints an SM2 root for a GM build, and a NaCl root as before', () => {
		const gm = gmCeremony.rootFromSeed(gmCeremony.newSeed()).publicKey;
		const nacl = NACL_CEREMONY.rootFromSeed(NACL_CEREMONY.newSeed()).publicKey;
		expect(buildRootKey({ ROOT_PUBLIC_KEY: encodeBase64(gm) }, 'gm')).toEqual(gm);
		expect(() => buildRootKey({ ROOT_PUBLIC_KEY: encodeBase64(gm) }, 'nacl')).toThrow(/32-byte Ed25519/);
		expect(() => buildRootKey({ ROOT_PUBLIC_KEY: encodeBase64(nacl) }, 'gm')).toThrow(/65-byte uncompressed SM2/);
		expect(fingerprint(gm, 'gm')).toBe(gmCeremony.rootFingerprint(gm));
		expect(fingerprint(nacl)).toBe(NACL_CEREMONY.rootFingerprint(nacl));
	});
});

const STATEMENT = { locator: 'K7M2P9QX4R', receivedOn: '2026-11-27', organId: 'o-city', acknowledgedOn: '2026-11-30' };

describe.each(SUITES)('the proof of having reported in the %s suite', (id, suite, scheme) => {
	const rootSeed = suite.newSeed();
	const root = suite.rootFromSeed(rootSeed);
	const keysText = addAttestKey(null, 'o-city', rootSeed, new Date('2026-11-01T00:00:00Z'), 2, suite).text;
	const [line] = JSON.parse(keysText) as { seed: string; entry: string }[];
	const attest = suite.rootFromSeed(Uint8Array.from(Buffer.from(line!.seed, 'hex')));
	const entry = decodeBase64(line!.entry);
	const proof = () =>
		JSON.parse(JSON.stringify(signProof(STATEMENT, '青山市纪委监委', attest.secretKey, entry, scheme))) as Record<
			string,
			string
		>;

	it(`is signed by the organ's ${id === 'gm' ? 'SM2' : 'Ed25519'} attestation key and verifies under the root`, async () => {
		expect(entry[0]).toBe(suite.entries.version);
		expect(attest.publicKey.length).toBe(suite.entries.entryKeyLength);
		const p = proof();
		expect(decodeBase64(p.signature!).length).toBe(64);
		const { statement, entry: e } = verifyProof(p, root.publicKey, scheme);
		expect(statement).toEqual(STATEMENT);
		expect(e.role).toBe(ATTEST_ROLE);
		// The page's scheme for the pinned suite is the same.
		expect(verifyProof(p, root.publicKey, await proofScheme(id)).statement).toEqual(STATEMENT);
	});

	it('fails on a changed field, another root, another organ or a forged signature', () => {
		expect(codeOf(() => verifyProof({ ...proof(), locator: 'K7M2P9QX4S' }, root.publicKey, scheme))).toBe(
			'BAD_SIGNATURE'
		);
		expect(codeOf(() => verifyProof({ ...proof(), acknowledgedOn: '2026-12-01' }, root.publicKey, scheme))).toBe(
			'BAD_SIGNATURE'
		);
		expect(codeOf(() => verifyProof({ ...proof(), organId: 'o-k1' }, root.publicKey, scheme))).toBe('WRONG_ORGAN');
		const stranger = suite.rootFromSeed(suite.newSeed()).publicKey;
		expect(codeOf(() => verifyProof(proof(), stranger, scheme))).toBe('BAD_SIGNATURE');
		const forger = suite.rootFromSeed(suite.newSeed());
		const forged = signProof(STATEMENT, 'x', forger.secretKey, entry, scheme);
		expect(codeOf(() => verifyProof(forged, root.publicKey, scheme))).toBe('BAD_SIGNATURE');
	});

	it('is refused by a verifier pinned to the other suite, and cannot be signed with the other scheme', () => {
		const [, otherSuite, otherScheme] = other(id);
		const otherRoot = otherSuite.rootFromSeed(otherSuite.newSeed()).publicKey;
		expect(codeOf(() => verifyProof(proof(), otherRoot, otherScheme))).toMatch(/UNSUPPORTED_VERSION|BAD_LENGTH/);
		expect(codeOf(() => verifyProof(proof(), root.publicKey, otherScheme))).not.toBe('accepted');
		expect(codeOf(() => signProof(STATEMENT, 'x', attest.secretKey, entry, otherScheme))).toBe('INVALID_ARGUMENT');
		// The server reads keys of its own suite only.
		expect(() => proofKeysFrom(keysText, other(id)[0])).toThrow(/not of the deployment/);
		expect(proofKeysFrom(keysText, id).get('o-city')!.suite.id).toBe(id);
	});
});

describe('a NaCl proof made before issue 21', () => {
	// Signed by the code of main before this change (fixed seeds 11…, 22…, entry id 33…).
	const root = decodeBase64('0EqyMnQrtKs6E2i9RhXk5tAiSrcaAWuvhSCjMsl3hzc=');
	const proof = {
		format: 'qingfeng-proof-v1',
		locator: 'K7M2P9QX4R',
		receivedOn: '2026-11-27',
		organId: 'o-city',
		organName: '青山市纪委监委',
		acknowledgedOn: '2026-11-30',
		entry:
			'AUQzMzMzMzMzMzMzMzMzMzMzDG9yZ2FuOm8tY2l0eQZvLWNpdHkGYXR0ZXN0oJql9HpnWYAv+VX43C0qFKXJnSO+l/hkEn/5ODRVpPAAAAAAaSzagAAAAABs70GAV94a5yVQYU/WR6pgFv0q0PtDefQzgTTTKg6DvbFUwLb1QrClLIKDOC3D7QgaYrLMawEGWAlOT4pCWdk/20yHDQ==',
		signature: 'D7gz/fwodXi8p/bowXJgD5Dj5eX3t907VGd0JAr6wsw+dpWFvQ+EluFR2y8UiDta3sAgUiRg0kJc6xoCcziOCA=='
	};

	it('still verifies (the default scheme and the NaCl page scheme), and a GM page refuses it', async () => {
		expect(verifyProof(proof, root).statement).toEqual(STATEMENT);
		expect(verifyProof(proof, root, await proofScheme('nacl')).statement).toEqual(STATEMENT);
		expect(codeOf(() => verifyProof(proof, root, gmSuite))).not.toBe('accepted');
		expect(codeOf(() => verifyProof({ ...proof, receivedOn: '2026-11-26' }, root))).toBe('BAD_SIGNATURE');
	});
});

describeDb('the server issues the proof in the deployment suite', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('signs with the SM2 attestation key of a GM keys file; the proof verifies under the SM2 root only', async () => {
		const gmRootSeed = gmCeremony.newSeed();
		const gmRoot = gmCeremony.rootFromSeed(gmRootSeed).publicKey;
		const gmKeys = proofKeysFrom(addAttestKey(null, 'o-city', gmRootSeed, NOW, 2, gmCeremony).text, 'gm');
		const r = await storeReport(db, { recipients: [w.alice, w.hank], unitId: 'u-k1' });
		expect(await issueProof(db, r.id, gmKeys)).toMatchObject({ ok: false, code: 'not_acknowledged' });
		const registered = await applyAction({ db, user: users.get(w.alice.id)!, now: NOW }, r.id, { action: 'register' });
		expect(registered.status).toBe(200);
		const issued = await issueProof(db, r.id, gmKeys);
		if (!issued.ok) throw new Error(issued.code);
		const proof = JSON.parse(JSON.stringify(issued.value));
		expect(decodeBase64(proof.entry)[0]).toBe(gmSuite.version);
		expect(verifyProof(proof, gmRoot, gmSuite).statement.locator).toBe(r.locator);
		expect(codeOf(() => verifyProof(proof, gmRoot))).not.toBe('accepted');
		expect(codeOf(() => verifyProof(proof, w.root.publicKey))).toBe('UNSUPPORTED_VERSION');

		// The NaCl deployment's key for the same report: an Ed25519 proof, as before.
		const naclKeys = proofKeysFrom(addAttestKey(null, 'o-city', w.root.seed, NOW, 2).text, 'nacl');
		const nacl = await issueProof(db, r.id, naclKeys);
		if (!nacl.ok) throw new Error(nacl.code);
		expect(verifyProof(JSON.parse(JSON.stringify(nacl.value)), w.root.publicKey).statement.locator).toBe(r.locator);
	});
});
