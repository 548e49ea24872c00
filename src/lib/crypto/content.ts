/**
 * Report content (a UTF-8 JSON payload, treated as bytes), padded to a bucket and secretbox-encrypted.
 *
 * Content blob: 01 43 | nonce (24, random) | secretbox(P, nonce, K_c) (|P| + 16)
 *   P   = length (u32 BE) | content | zero bytes, |P| = contentBucket(4 + length) ∈ {1 KiB … 1 MiB}
 *   K_c = subkey(reportKey, "content")
 */
import nacl from 'tweetnacl';
import { CryptoAuthError, CryptoFormatError } from './errors';
import { ByteWriter, HEADER_LENGTH, Kind, checkHeader, expectLength } from './format';
import { NONCE_LENGTH, TAG_LENGTH, checkKey, subkey } from './keys';
import { MAX_CONTENT_BUCKET, contentBucket, isContentBucket } from './padding';
import { randomBytes } from './random';

/** Largest content (bytes) that fits the largest bucket. */
export const MAX_CONTENT_LENGTH = MAX_CONTENT_BUCKET - 4;
/** Bytes a content blob adds on top of the padded plaintext. */
export const CONTENT_OVERHEAD = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;

/** Size of the blob `encryptContent` produces for `length` content bytes. */
export function contentCiphertextLength(length: number): number {
	return CONTENT_OVERHEAD + contentBucket(4 + length);
}

/** Encrypts with an explicit nonce (exported for test vectors; use `encryptContent`). */
export function encryptContentWithNonce(reportKey: Uint8Array, content: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	expectLength(nonce, NONCE_LENGTH, 'nonce');
	if (content.length > MAX_CONTENT_LENGTH) throw new CryptoFormatError('TOO_LARGE', 'content exceeds 1 MiB − 4 bytes');
	const padded = new Uint8Array(contentBucket(4 + content.length));
	new DataView(padded.buffer).setUint32(0, content.length);
	padded.set(content, 4);
	const sealed = nacl.secretbox(padded, nonce, subkey(reportKey, 'content'));
	return new ByteWriter(CONTENT_OVERHEAD + padded.length).header(Kind.content).raw(nonce).raw(sealed).bytes;
}

/** Pads and encrypts report content under the report key (random nonce). */
export function encryptContent(reportKey: Uint8Array, content: Uint8Array): Uint8Array {
	return encryptContentWithNonce(reportKey, content, randomBytes(NONCE_LENGTH));
}

/**
 * Decrypts a content blob and strips the padding. Throws `CryptoFormatError` for a wrong version,
 * kind or a length that is not a bucket, and `CryptoAuthError('DECRYPT_FAILED')` for a wrong key or
 * any modified byte.
 */
export function decryptContent(reportKey: Uint8Array, blob: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	checkHeader(blob, Kind.content, 'content');
	if (!isContentBucket(blob.length - CONTENT_OVERHEAD)) {
		throw new CryptoFormatError('BAD_LENGTH', `content: ${blob.length} bytes is not a bucketed size`);
	}
	const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
	const padded = nacl.secretbox.open(blob.subarray(HEADER_LENGTH + NONCE_LENGTH), nonce, subkey(reportKey, 'content'));
	if (!padded) throw new CryptoAuthError('DECRYPT_FAILED', 'content: wrong key or tampered');
	const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
	if (length > padded.length - 4) throw new CryptoFormatError('MALFORMED', 'content: length prefix out of range');
	for (let i = 4 + length; i < padded.length; i++) {
		if (padded[i] !== 0) throw new CryptoFormatError('MALFORMED', 'content: non-zero padding');
	}
	return padded.slice(4, 4 + length);
}
