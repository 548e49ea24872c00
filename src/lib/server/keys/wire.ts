/**
 * Byte fields as they travel between the browser and the server: standard base64 strings. Decoding is
 * strict (alphabet, padding, a length cap) so a malformed upload is a 400, never a 500.
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';

/** Largest byte field accepted from a form or JSON body (a directory entry is well under 1 KiB). */
export const MAX_FIELD_BYTES = 4096;

/** Decodes a base64 string, or returns null for anything else. */
export function fromBase64(value: unknown, maxBytes = MAX_FIELD_BYTES): Uint8Array | null {
	if (typeof value !== 'string' || value.length === 0 || value.length > Math.ceil(maxBytes / 3) * 4) return null;
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
	try {
		return decodeBase64(value);
	} catch {
		return null;
	}
}

export function toBase64(bytes: Uint8Array): string {
	return encodeBase64(bytes);
}
