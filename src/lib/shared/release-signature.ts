/**
 * The pure core of the release manifest's signature (docs/security.md, "Checking the served code"): the format,
 * the per-suite domain line, the parser and the check, with no code of either suite. ./build-root.ts (the build,
 * the ceremony, verify:site) and the GM service worker's verifier (./sw-release-gm.ts, issue 21) both use it,
 * so the installed app checks a release exactly as `npm run verify:site` does.
 */
import { decodeBase64 } from '@oslojs/encoding';
import { DEFAULT_SUITE, isSuiteId, type SuiteId } from '../crypto/suite-id';
import type { EntryScheme } from '../crypto/directory';

export const RELEASE_FORMAT = 'qingfeng-release/v1';

export interface ReleaseManifest {
	format: typeof RELEASE_FORMAT;
	/** package.json version. */
	version: string;
	/** Fingerprint of the root key pinned when building (null: none was configured). */
	rootFingerprint: string | null;
	/** Root public key (base64), or null. */
	rootPublicKey: string | null;
	/** The cipher suite the release is built for (QF_CRYPTO_SUITE, issue 21); absent in older manifests: NaCl. */
	suite?: SuiteId;
	/** URL path of every client asset (e.g. `/_app/immutable/…`, `/sw.js`) → lower-case hex SHA-256. */
	assets: Record<string, string>;
}

/**
 * The signed message: a per-suite domain line, then the manifest's exact bytes. The GM suite has its own
 * line, so a signature made for one suite is never a message of the other.
 */
export const RELEASE_DOMAIN: Readonly<Record<SuiteId, string>> = Object.freeze({
	nacl: 'qingfeng/v1/release-manifest\n',
	gm: 'qingfeng/gm1/release-manifest\n'
});

export function releaseMessage(manifest: Uint8Array, suite: SuiteId): Uint8Array {
	const domain = new TextEncoder().encode(RELEASE_DOMAIN[suite]);
	const m = new Uint8Array(domain.length + manifest.length);
	m.set(domain);
	m.set(manifest, domain.length);
	return m;
}

/** Reads a manifest's bytes; null when they are not a release manifest. */
export function parseReleaseManifest(bytes: Uint8Array): ReleaseManifest | null {
	let v: unknown;
	try {
		v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		return null;
	}
	const o = v as Partial<ReleaseManifest> | null;
	if (!o || o.format !== RELEASE_FORMAT || typeof o.version !== 'string') return null;
	if (typeof o.assets !== 'object' || o.assets === null || Array.isArray(o.assets)) return null;
	for (const [p, h] of Object.entries(o.assets)) {
		if (!p.startsWith('/') || typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) return null;
	}
	if (o.rootFingerprint !== null && typeof o.rootFingerprint !== 'string') return null;
	if (o.suite !== undefined && !isSuiteId(o.suite)) return null;
	return o as ReleaseManifest;
}

/** The suite a signature is checked in: its id and its signature scheme (the root ceremony's `CeremonySuite`). */
export interface ReleaseSuite {
	id: SuiteId;
	entries: Pick<EntryScheme, 'signatureLength' | 'rootKeyLength' | 'verify'>;
}

/**
 * Does `signature` (base64, surrounding whitespace ignored) sign these manifest bytes under `rootPublicKey` in
 * `suite`? False as well when the manifest names another suite than that one: the suite is signed, so a server
 * cannot offer a release of the other suite (issue 21).
 */
export function verifyReleaseIn(
	manifest: Uint8Array,
	signature: string,
	rootPublicKey: Uint8Array,
	suite: ReleaseSuite
): boolean {
	let sig: Uint8Array;
	try {
		sig = decodeBase64(signature.trim());
	} catch {
		return false;
	}
	if (sig.length !== suite.entries.signatureLength || rootPublicKey.length !== suite.entries.rootKeyLength)
		return false;
	const parsed = parseReleaseManifest(manifest);
	if (!parsed || (parsed.suite ?? DEFAULT_SUITE) !== suite.id) return false;
	return suite.entries.verify(releaseMessage(manifest, suite.id), sig, rootPublicKey);
}
