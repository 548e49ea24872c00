/**
 * The release manifest (docs/security.md, "Checking the served code"): the build writes build/release.json
 * listing every client asset with its SHA-256, the app version and the fingerprint of the pinned root key;
 * the root ceremony signs it (`npm run root -- sign-release` → release.sig); the server serves both at
 * /release.json and /release.sig, and `npm run verify:site` checks what a site serves against them.
 *
 * The signature is the root's, in the deployment's suite, over a domain line ‖ the manifest's exact bytes,
 * written as base64 (one line): Ed25519 over `qingfeng/v1/release-manifest\n` ‖ bytes (NaCl), SM2 (SM3, default
 * id) over `qingfeng/gm1/release-manifest\n` ‖ bytes (GM, issue 21). The manifest names its suite, inside the
 * signed bytes. Pure: no I/O.
 */
import { encodeBase64 } from '@oslojs/encoding';
import { DEFAULT_SUITE } from '../crypto/suite-id';
import { NACL_CEREMONY, type CeremonySuite } from './root-ceremony';
import { parseReleaseManifest, releaseMessage, verifyReleaseIn, type ReleaseManifest } from './release-signature';

// The format, the domain lines, the parser and the check live in ./release-signature.ts (no suite code), which
// the GM service worker's verifier shares (./sw-release-gm.ts).
export { parseReleaseManifest, RELEASE_DOMAIN, RELEASE_FORMAT, type ReleaseManifest } from './release-signature';

/** The manifest's canonical bytes: sorted asset paths, tab-indented JSON, a final newline. */
export function encodeReleaseManifest(m: ReleaseManifest): Uint8Array {
	const assets = Object.fromEntries(Object.entries(m.assets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	return new TextEncoder().encode(JSON.stringify({ ...m, assets }, null, '\t') + '\n');
}

/**
 * Signs manifest bytes with the root seed of a suite (NaCl by default; a GM deployment passes `gmCeremony`).
 * Refused when the manifest names another root (or none), since browsers and verify:site check it against the
 * pinned key, or another cipher suite than the root's (the suite is inside the signed bytes).
 */
export function signRelease(
	manifest: Uint8Array,
	seed: Uint8Array,
	suite: CeremonySuite = NACL_CEREMONY
): { ok: true; signature: string } | { ok: false; message: string } {
	const parsed = parseReleaseManifest(manifest);
	if (!parsed) return { ok: false, message: 'not a release manifest' };
	const built = parsed.suite ?? DEFAULT_SUITE;
	if (built !== suite.id)
		return { ok: false, message: `the manifest was built for the ${built} suite, this seed is a ${suite.id} root` };
	const root = suite.rootFromSeed(seed);
	try {
		const fingerprint = suite.rootFingerprint(root.publicKey);
		if (parsed.rootFingerprint !== fingerprint)
			return {
				ok: false,
				message: `the manifest was built for root ${parsed.rootFingerprint ?? '(none pinned)'}, this seed is root ${fingerprint}`
			};
		return {
			ok: true,
			signature: encodeBase64(suite.entries.sign(releaseMessage(manifest, suite.id), root.secretKey))
		};
	} finally {
		root.secretKey.fill(0);
	}
}

/**
 * Does `signature` (base64, surrounding whitespace ignored) sign these manifest bytes under `rootPublicKey`
 * in the pinned suite (NaCl by default)? False as well when the manifest names another suite than the
 * pinned one: the suite is signed, so a server cannot offer a release of the other suite (issue 21).
 */
export function verifyRelease(
	manifest: Uint8Array,
	signature: string,
	rootPublicKey: Uint8Array,
	suite: Pick<CeremonySuite, 'id' | 'entries'> = NACL_CEREMONY
): boolean {
	return verifyReleaseIn(manifest, signature, rootPublicKey, suite);
}

/** Lower-case hex SHA-256 of bytes (Web Crypto: Node and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
	return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The assets an HTML page makes the browser load: `<script src>`, `<link href>` of stylesheets, module
 * preloads, icons and the web manifest (not links to other pages) and the `import("…")` of SvelteKit's inline bootstrap script, as
 * absolute URLs (resolved against the page).
 */
export function assetUrlsOfPage(html: string, page: URL): URL[] {
	const found = new Set<string>();
	for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) found.add(m[1]!);
	for (const m of html.matchAll(/<link\b[^>]*>/g)) {
		const rel = /\brel="([^"]+)"/.exec(m[0])?.[1] ?? '';
		const href = /\bhref="([^"]+)"/.exec(m[0])?.[1];
		if (href && /\b(stylesheet|modulepreload|preload|icon|apple-touch-icon|manifest)\b/.test(rel)) found.add(href);
	}
	for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g))
		for (const i of m[1]!.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) found.add(i[1]!);
	return [...found].map((u) => new URL(u.replace(/&amp;/g, '&'), page));
}
