/**
 * The key stay's wire format (issue 18; docs/security.md, "The key stays unlocked across page loads"): what the
 * browser uploads and fetches back, `version ‖ nonce ‖ AES-GCM(secret key) ‖ tag`, base64 on the wire. The
 * AES-GCM key is a non-extractable CryptoKey in the browser's IndexedDB; the server only stores the bytes.
 */

/** Format byte of the blob. */
export const KEY_STAY_VERSION = 1;
/** AES-GCM nonce length. */
export const KEY_STAY_NONCE_BYTES = 12;
/** version (1) + nonce (12) + X25519 secret key (32) + GCM tag (16). */
export const KEY_STAY_BYTES = 1 + KEY_STAY_NONCE_BYTES + 32 + 16;
/** The staff API path of the key stay (GET, PUT, PATCH, DELETE). */
export const KEY_STAY_PATH = '/staff/api/key-stay';

/** The answer of GET: the stored blob (base64), or null when there is none (never stored, expired, dropped). */
export interface KeyStayAnswer {
	wrapped: string | null;
}
