/**
 * Small byte and text helpers that run unchanged in browsers, workers and Node (no Buffer).
 * Hex and base64 come from @oslojs/encoding; the human-facing base32 is Crockford's alphabet,
 * implemented here because its decoding must forgive case, spaces, dashes and look-alike letters.
 */
import { decodeHex, encodeHexLowerCase, encodeBase64, decodeBase64 } from '@oslojs/encoding';
import { CryptoFormatError } from './errors';

export { encodeBase64, decodeBase64 };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
	return encoder.encode(text);
}

/** Decodes UTF-8 strictly; invalid sequences throw `CryptoFormatError('MALFORMED')`. */
export function fromUtf8(bytes: Uint8Array): string {
	try {
		return decoder.decode(bytes);
	} catch {
		throw new CryptoFormatError('MALFORMED', 'invalid UTF-8');
	}
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
	return encodeHexLowerCase(bytes);
}

/** Bytes from hex (either case); malformed hex throws `CryptoFormatError('MALFORMED')`. */
export function fromHex(hex: string): Uint8Array {
	try {
		return decodeHex(hex);
	} catch {
		throw new CryptoFormatError('MALFORMED', 'invalid hex');
	}
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	let total = 0;
	for (const p of parts) total += p.length;
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
	return diff === 0;
}

/** Crockford base32 alphabet (no I, L, O, U). */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const CROCKFORD_DECODE: Record<string, number> = (() => {
	const map: Record<string, number> = {};
	for (let i = 0; i < CROCKFORD_ALPHABET.length; i++) map[CROCKFORD_ALPHABET[i] as string] = i;
	map['O'] = 0;
	map['I'] = 1;
	map['L'] = 1;
	return map;
})();

/**
 * Normalizes typed Crockford base32: upper-cases, drops spaces, dashes, dots and underscores (including
 * full-width forms an IME may produce), maps O→0 and I/L→1. Any other character throws
 * `CryptoFormatError('MALFORMED')`. Returns canonical characters only.
 */
export function normalizeCrockford(text: string): string {
	const folded = text.normalize('NFKC').toUpperCase();
	let out = '';
	for (const ch of folded) {
		if (
			ch === ' ' ||
			ch === '-' ||
			ch === '_' ||
			ch === '.' ||
			ch === '\t' ||
			ch === '\n' ||
			ch === '\r' ||
			ch === '\u3000'
		)
			continue;
		const v = CROCKFORD_DECODE[ch];
		if (v === undefined) throw new CryptoFormatError('MALFORMED', `character not allowed: ${JSON.stringify(ch)}`);
		out += CROCKFORD_ALPHABET[v];
	}
	return out;
}

/** Encodes bytes as Crockford base32, most significant bit first, zero-padding the final group of bits. */
export function encodeCrockford(bytes: Uint8Array): string {
	let out = '';
	let acc = 0;
	let bits = 0;
	for (const b of bytes) {
		acc = ((acc << 8) | b) & 0xffff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out += CROCKFORD_ALPHABET[(acc >>> bits) & 31];
		}
	}
	if (bits > 0) out += CROCKFORD_ALPHABET[(acc << (5 - bits)) & 31];
	return out;
}

/**
 * Decodes canonical Crockford base32 (run `normalizeCrockford` first) into exactly `length` bytes.
 * Throws `CryptoFormatError('BAD_LENGTH')` if the character count does not match and
 * `CryptoFormatError('MALFORMED')` if the unused trailing bits are not zero.
 */
export function decodeCrockford(text: string, length: number): Uint8Array {
	if (text.length !== Math.ceil((length * 8) / 5)) {
		throw new CryptoFormatError('BAD_LENGTH', `expected ${Math.ceil((length * 8) / 5)} characters, got ${text.length}`);
	}
	const out = new Uint8Array(length);
	let acc = 0;
	let bits = 0;
	let at = 0;
	for (const ch of text) {
		const v = CROCKFORD_DECODE[ch];
		if (v === undefined) throw new CryptoFormatError('MALFORMED', 'not canonical base32');
		acc = ((acc << 5) | v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[at++] = (acc >>> bits) & 0xff;
		}
	}
	if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) throw new CryptoFormatError('MALFORMED', 'non-zero padding bits');
	return out;
}

/** Splits a string into groups of `size` characters joined by `sep` (for printing codes). */
export function group(text: string, size = 4, sep = '-'): string {
	const parts: string[] = [];
	for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
	return parts.join(sep);
}
