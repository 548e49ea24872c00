/**
 * Symmetric keys: report keys, sub-key derivation and the generic "wrapped key" format
 * (a 32-byte key secretbox-encrypted under a key-encryption key).
 *
 * Wrapped key, 74 bytes: 01 57 | nonce (24, random) | secretbox(key (32), nonce, kek) (48)
 */
import nacl from 'tweetnacl';
import { hmac } from '@oslojs/crypto/hmac';
import { SHA512 } from '@oslojs/crypto/sha2';
import { CryptoAuthError, CryptoFormatError } from './errors';
import { ByteReader, ByteWriter, HEADER_LENGTH, Kind, checkHeader, expectLength } from './format';
import { randomBytes } from './random';
import { concatBytes, utf8 } from './encoding';

/** Length of every symmetric key (report keys, KEKs, sub-keys). */
export const KEY_LENGTH = 32;
/** Length of a secretbox / box nonce. */
export const NONCE_LENGTH = 24;
/** Length of the Poly1305 tag secretbox and box add. */
export const TAG_LENGTH = 16;
/** Length of a wrapped key. */
export const WRAPPED_KEY_LENGTH = HEADER_LENGTH + NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH;

/** Generates a fresh random report key (32 bytes). */
export function generateReportKey(): Uint8Array {
	return randomBytes(KEY_LENGTH);
}

/** Throws `CryptoFormatError('BAD_LENGTH')` unless `key` is a 32-byte key. */
export function checkKey(key: Uint8Array, what = 'key'): void {
	if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH) {
		throw new CryptoFormatError('BAD_LENGTH', `${what} must be ${KEY_LENGTH} bytes`);
	}
}

/**
 * Derives an independent 32-byte sub-key: HMAC-SHA-512(key, "qingfeng/v1/" + label ‖ context)[0..32].
 * Gives each use of a key its own key (content, each attachment, recovery KEK …).
 */
export function subkey(key: Uint8Array, label: string, context: Uint8Array = new Uint8Array(0)): Uint8Array {
	checkKey(key);
	return hmac(SHA512, key, concatBytes(utf8(`qingfeng/v1/${label}`), context)).subarray(0, KEY_LENGTH);
}

/** Wraps a 32-byte key under `kek` with the given nonce (exported for test vectors; use `wrapKey`). */
export function wrapKeyWithNonce(key: Uint8Array, kek: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(key);
	checkKey(kek, 'key-encryption key');
	expectLength(nonce, NONCE_LENGTH, 'nonce');
	return new ByteWriter(WRAPPED_KEY_LENGTH)
		.header(Kind.wrappedKey)
		.raw(nonce)
		.raw(nacl.secretbox(key, nonce, kek)).bytes;
}

/** Wraps a 32-byte key under a key-encryption key with a random nonce. */
export function wrapKey(key: Uint8Array, kek: Uint8Array): Uint8Array {
	return wrapKeyWithNonce(key, kek, randomBytes(NONCE_LENGTH));
}

/**
 * Unwraps a key wrapped by `wrapKey`. Throws `CryptoFormatError` for a malformed blob and
 * `CryptoAuthError('DECRYPT_FAILED')` for a wrong KEK or tampered bytes.
 */
export function unwrapKey(wrapped: Uint8Array, kek: Uint8Array): Uint8Array {
	checkKey(kek, 'key-encryption key');
	checkHeader(wrapped, Kind.wrappedKey, 'wrapped key');
	expectLength(wrapped, WRAPPED_KEY_LENGTH, 'wrapped key');
	const r = new ByteReader(wrapped, 'wrapped key');
	r.raw(HEADER_LENGTH);
	const nonce = r.raw(NONCE_LENGTH);
	const key = nacl.secretbox.open(r.raw(KEY_LENGTH + TAG_LENGTH), nonce, kek);
	if (!key) throw new CryptoAuthError('DECRYPT_FAILED', 'wrapped key: wrong key or tampered');
	return key;
}
