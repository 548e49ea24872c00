/**
 * How bytes and identifiers look on the wire, for both sides: strict base64 and base64url, and the
 * grammars of the identifiers the endpoints take (locator, UUID, unit and organ ids, intake ids).
 *
 * Base64 is standard with padding, in whole groups of four, nothing else; as Node's Buffer does, the bits
 * of the last character beyond the last byte are ignored. Base64url (challenges, intake ids, tokens) is
 * without padding and canonical: one text per byte string. A malformed field is a 400, never a 500. The
 * portable codec (@oslojs/encoding) runs everywhere; the server injects its Buffer codec
 * (src/lib/server/http/base64.ts) where bodies are large (docs/performance.md), and both decode every text
 * `isBase64` accepts to the same bytes (encoding.test.ts compares them).
 */
import { decodeBase64, decodeBase64urlIgnorePadding, encodeBase64, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { MAX_FIELD_BYTES } from './limits';

/** Standard base64 (with padding) both ways; `decode` may assume a text `isBase64` accepted. */
export interface Base64Codec {
	decode(text: string): Uint8Array;
	encode(bytes: Uint8Array): string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same text with the unused bits of its last character cleared (what Buffer decodes it as). */
function canonical(text: string): string {
	const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
	if (pad === 0) return text;
	const at = text.length - 1 - pad;
	const bits = ALPHABET.indexOf(text[at] as string) & (pad === 2 ? 0x30 : 0x3c);
	return text.slice(0, at) + ALPHABET[bits] + text.slice(at + 1);
}

/** The codec that runs in browsers, workers and Node alike. */
export const portableBase64: Base64Codec = {
	decode: (text) => decodeBase64(canonical(text)),
	encode: encodeBase64
};

/** True if `text` is standard base64 with padding, in whole groups (the empty string included). */
export function isBase64(text: string): boolean {
	// Two simple checks, not one grouped regex: that regex was a tenth of the server's CPU on inline commits.
	return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/** Decodes strict base64 of 1 to about `maxBytes` bytes; null for anything else (any type, any text). */
export function fromBase64(
	value: unknown,
	maxBytes = MAX_FIELD_BYTES,
	codec: Base64Codec = portableBase64
): Uint8Array | null {
	if (typeof value !== 'string' || value.length === 0 || value.length > Math.ceil(maxBytes / 3) * 4) return null;
	if (!isBase64(value)) return null;
	try {
		return codec.decode(value);
	} catch {
		return null;
	}
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array, codec: Base64Codec = portableBase64): string {
	return codec.encode(bytes);
}

/** Base64url without padding, canonical, of 1 to `maxBytes` bytes (challenges, intake ids, tokens); else null. */
export function fromBase64Url(value: unknown, maxBytes: number): Uint8Array | null {
	if (typeof value !== 'string' || value.length === 0 || value.length > Math.ceil((maxBytes * 4) / 3)) return null;
	if (!/^[A-Za-z0-9_-]+$/.test(value) || value.length % 4 === 1) return null;
	try {
		// Refuses non-zero unused bits, so only the canonical text of each byte string passes.
		return decodeBase64urlIgnorePadding(value);
	} catch {
		return null;
	}
}

/** Base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
	return encodeBase64urlNoPadding(bytes);
}

/* ------------------------------------------------------------------ grammars */

/** A receipt locator in canonical form: 10 Crockford base32 characters (src/lib/crypto/receipt.ts). */
export const LOCATOR_PATTERN = /^[0-9A-HJKMNP-TV-Z]{10}$/;

/** A UUID as PostgreSQL prints it (lower case): report, staff, file and attachment ids. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A directory id (units and organs): letters, digits and `_.:-`, 1 to 100 characters. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,100}$/;

/** An intake id: base64url of its 16 random bytes. */
export const INTAKE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export const isLocator = (s: unknown): s is string => typeof s === 'string' && LOCATOR_PATTERN.test(s);
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_PATTERN.test(s);
export const isId = (s: unknown): s is string => typeof s === 'string' && ID_PATTERN.test(s);
