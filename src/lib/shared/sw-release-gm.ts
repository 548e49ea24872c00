/**
 * The SM2 release check of the installed app's service worker (国密, issue 21). Browsers have no SM2 in Web
 * Crypto, so a GM build bundles this module (scripts/sw-release-gm.ts) into one classic script,
 * /sw-release-gm.js, which the generated sw.js imports after static/sw-release.js; NaCl builds neither emit nor
 * import it. It adds `self.qingfengReleaseGm.verify(manifest, signature, rootPublicKey)`: the same check as
 * `verifyRelease(…, gmCeremony)` in ./build-root.ts (SM2 with SM3 and the default id, over
 * `qingfeng/gm1/release-manifest\n` ‖ the manifest; the manifest must name suite `gm`), with the app's own SM2
 * (`GM_ENTRIES`, src/lib/crypto/gm/directory.ts) and domain line (./release-signature.ts).
 */
import { decodeBase64 } from '@oslojs/encoding';
import { GM_ENTRIES } from '../crypto/gm/directory';
import { verifyReleaseIn } from './release-signature';

/** Where the GM build serves the bundled verifier (static/sw-release.js names the same path). */
export const GM_RELEASE_VERIFIER_PATH = '/sw-release-gm.js';

/** Does `signature` (base64) sign the manifest bytes, naming suite gm, under the SM2 root (base64, 65 bytes)? */
export function verifyGmRelease(manifest: Uint8Array, signature: string, rootPublicKey: string): boolean {
	let root: Uint8Array;
	try {
		root = decodeBase64(rootPublicKey.trim());
	} catch {
		return false;
	}
	try {
		return verifyReleaseIn(manifest, signature, root, { id: 'gm', entries: GM_ENTRIES });
	} catch {
		return false;
	}
}

/** What the bundled script adds to the worker's global scope. */
export interface GmReleaseVerifier {
	suite: 'gm';
	verify: typeof verifyGmRelease;
}

export function installGmReleaseVerifier(scope: { qingfengReleaseGm?: GmReleaseVerifier }): void {
	scope.qingfengReleaseGm = Object.freeze({ suite: 'gm' as const, verify: verifyGmRelease });
}
