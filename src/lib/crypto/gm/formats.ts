/**
 * The GM suite's formats (国密, issue 21; docs/crypto.md, "The GM suite byte by byte"): the same framing as
 * the NaCl suite with byte 0 = `47` ('G'), SM4-GCM where NaCl has XSalsa20-Poly1305, SM2 public-key
 * encryption where it has X25519 boxes, SM3 where it has SHA-512. Report keys stay 32 random bytes; every
 * SM4 key is the first 16 bytes of an HMAC-SM3 sub-key of them.
 *
 *   subkey_gm(K, label, ctx) = HMAC-SM3(K, "qingfeng/gm1/" + label | ctx)            32 bytes
 *   content  = 47 43 | nonce (12, random) | SM4-GCM(subkey_gm(reportKey, "content")[0..16], nonce, P, AD = 47 43)
 *   wrapped  = 47 57 | nonce (12, random) | SM4-GCM(subkey_gm(KEK, "wrap")[0..16], nonce, key (32), AD = 47 57)   62 bytes
 *   sealed   = 47 53 | SM2-Encrypt(recipientPublicKey, key (32)) as C1 (65) | C3 (32) | C2 (32)             131 bytes
 *   chunk i  = SM4-GCM(K_f, N_i, S_i, AD_i), K_f = subkey_gm(reportKey, "attachment", fileId)[0..16]
 *              N_i = i (u32) | final (u8) | 00×7,  AD_i = 47 41 | fileId (16) | i (u32) | final (u8)
 * Only GM deployments import this module (through the dynamic import in ../suite.ts).
 */
import { CryptoAuthError, CryptoFormatError } from '../errors';
import { ByteWriter, GM_FORMAT_VERSION, HEADER_LENGTH, Kind, checkHeader, expectLength } from '../format';
import { KEY_LENGTH, checkKey } from '../keys';
import { MAX_CONTENT_BUCKET, contentBucket, isContentBucket } from '../padding';
import { randomBytes } from '../random';
import { bytesEqual, concatBytes, utf8 } from '../encoding';
import { FILE_ID_LENGTH, type ChunkCipher } from '../attachment-format';
import {
	SM4_GCM_NONCE_BYTES,
	SM4_GCM_TAG_BYTES,
	SM4_KEY_BYTES,
	hmacSm3,
	sm2Decrypt,
	sm2Encrypt,
	sm2KeyPair,
	sm2PublicOf,
	sm3,
	sm4GcmOpen,
	sm4GcmSeal
} from './primitives';

export const GM_VERSION = GM_FORMAT_VERSION;
/** SM2 public key: 04 | x | y. */
export const SM2_PUBLIC_KEY_LENGTH = 65;
/** SM2 private key (scalar). */
export const SM2_PRIVATE_KEY_LENGTH = 32;
/** Bytes a GM content blob adds to the padded plaintext. */
export const GM_CONTENT_OVERHEAD = HEADER_LENGTH + SM4_GCM_NONCE_BYTES + SM4_GCM_TAG_BYTES;
/** Length of a GM wrapped key. */
export const GM_WRAPPED_KEY_LENGTH = HEADER_LENGTH + SM4_GCM_NONCE_BYTES + KEY_LENGTH + SM4_GCM_TAG_BYTES;
/** Length of a GM sealed key: header, C1, C3, C2. */
export const GM_SEALED_KEY_LENGTH = HEADER_LENGTH + SM2_PUBLIC_KEY_LENGTH + 32 + KEY_LENGTH;

const header = (kind: Kind) => new Uint8Array([GM_VERSION, kind]);

/** HMAC-SM3(key, "qingfeng/gm1/" + label ‖ context): 32 bytes. */
export function gmSubkey(key: Uint8Array, label: string, context: Uint8Array = new Uint8Array(0)): Uint8Array {
	checkKey(key);
	return hmacSm3(key, concatBytes(utf8(`qingfeng/gm1/${label}`), context));
}

/** The 16-byte SM4 key of one use of a 32-byte key. */
export function sm4Key(key: Uint8Array, label: string, context?: Uint8Array): Uint8Array {
	return gmSubkey(key, label, context).slice(0, SM4_KEY_BYTES);
}

/** SM3 of the bytes (the suite's hash). */
export function gmHash(data: Uint8Array): Uint8Array {
	return sm3(data);
}

/** GM content with an explicit nonce (test vectors; use `gmEncryptContent`). */
export function gmEncryptContentWithNonce(reportKey: Uint8Array, content: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	expectLength(nonce, SM4_GCM_NONCE_BYTES, 'nonce');
	if (content.length > MAX_CONTENT_BUCKET - 4)
		throw new CryptoFormatError('TOO_LARGE', 'content exceeds 1 MiB − 4 bytes');
	const padded = new Uint8Array(contentBucket(4 + content.length));
	new DataView(padded.buffer).setUint32(0, content.length);
	padded.set(content, 4);
	const sealed = sm4GcmSeal(sm4Key(reportKey, 'content'), nonce, padded, header(Kind.content));
	return new ByteWriter(GM_CONTENT_OVERHEAD + padded.length).header(Kind.content, GM_VERSION).raw(nonce).raw(sealed)
		.bytes;
}

/** Pads and encrypts report content (random nonce). */
export function gmEncryptContent(reportKey: Uint8Array, content: Uint8Array): Uint8Array {
	return gmEncryptContentWithNonce(reportKey, content, randomBytes(SM4_GCM_NONCE_BYTES));
}

/** Decrypts GM content; typed errors as the NaCl `decryptContent`. */
export function gmDecryptContent(reportKey: Uint8Array, blob: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	checkHeader(blob, Kind.content, 'content', GM_VERSION);
	if (!isContentBucket(blob.length - GM_CONTENT_OVERHEAD))
		throw new CryptoFormatError('BAD_LENGTH', `content: ${blob.length} bytes is not a bucketed size`);
	const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + SM4_GCM_NONCE_BYTES);
	const body = blob.subarray(HEADER_LENGTH + SM4_GCM_NONCE_BYTES);
	const padded = sm4GcmOpen(sm4Key(reportKey, 'content'), nonce, body, header(Kind.content));
	if (!padded) throw new CryptoAuthError('DECRYPT_FAILED', 'content: wrong key or tampered');
	const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
	if (length > padded.length - 4) throw new CryptoFormatError('MALFORMED', 'content: length prefix out of range');
	for (let i = 4 + length; i < padded.length; i++) {
		if (padded[i] !== 0) throw new CryptoFormatError('MALFORMED', 'content: non-zero padding');
	}
	return padded.slice(4, 4 + length);
}

/** Wraps a 32-byte key under a 32-byte KEK with the given nonce (test vectors; use `gmWrapKey`). */
export function gmWrapKeyWithNonce(key: Uint8Array, kek: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(key);
	checkKey(kek, 'key-encryption key');
	expectLength(nonce, SM4_GCM_NONCE_BYTES, 'nonce');
	const sealed = sm4GcmSeal(sm4Key(kek, 'wrap'), nonce, key, header(Kind.wrappedKey));
	return new ByteWriter(GM_WRAPPED_KEY_LENGTH).header(Kind.wrappedKey, GM_VERSION).raw(nonce).raw(sealed).bytes;
}

export function gmWrapKey(key: Uint8Array, kek: Uint8Array): Uint8Array {
	return gmWrapKeyWithNonce(key, kek, randomBytes(SM4_GCM_NONCE_BYTES));
}

export function gmUnwrapKey(wrapped: Uint8Array, kek: Uint8Array): Uint8Array {
	checkKey(kek, 'key-encryption key');
	checkHeader(wrapped, Kind.wrappedKey, 'wrapped key', GM_VERSION);
	expectLength(wrapped, GM_WRAPPED_KEY_LENGTH, 'wrapped key');
	const nonce = wrapped.subarray(HEADER_LENGTH, HEADER_LENGTH + SM4_GCM_NONCE_BYTES);
	const key = sm4GcmOpen(
		sm4Key(kek, 'wrap'),
		nonce,
		wrapped.subarray(HEADER_LENGTH + SM4_GCM_NONCE_BYTES),
		header(Kind.wrappedKey)
	);
	if (!key) throw new CryptoAuthError('DECRYPT_FAILED', 'wrapped key: wrong key or tampered');
	return key;
}

/** An SM2 keypair as the suite's box keys: `secretKey` is the 32-byte scalar, `publicKey` 04 | x | y. */
export function gmGenerateBoxKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
	const k = sm2KeyPair();
	return { publicKey: k.publicKey, secretKey: k.privateKey };
}

/** Seals a 32-byte key to a recipient's SM2 public key (SM2 encryption, fresh k inside the library). */
export function gmSealKey(key: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
	checkKey(key);
	expectLength(recipientPublicKey, SM2_PUBLIC_KEY_LENGTH, 'recipient public key');
	const c = sm2Encrypt(recipientPublicKey, key);
	return new ByteWriter(GM_SEALED_KEY_LENGTH).header(Kind.sealedKey, GM_VERSION).raw(c).bytes;
}

/** Opens a GM sealed key; `KEY_MISMATCH` if the keypair does not belong together, `DECRYPT_FAILED` if not ours. */
export function gmOpenSealedKey(sealed: Uint8Array, recipient: { publicKey: Uint8Array; secretKey: Uint8Array }) {
	checkHeader(sealed, Kind.sealedKey, 'sealed key', GM_VERSION);
	expectLength(sealed, GM_SEALED_KEY_LENGTH, 'sealed key');
	expectLength(recipient.secretKey, SM2_PRIVATE_KEY_LENGTH, 'recipient secret key');
	expectLength(recipient.publicKey, SM2_PUBLIC_KEY_LENGTH, 'recipient public key');
	let own: Uint8Array;
	try {
		own = sm2PublicOf(recipient.secretKey);
	} catch {
		throw new CryptoFormatError('KEY_MISMATCH', 'recipient secret key is not an SM2 key');
	}
	if (!bytesEqual(own, recipient.publicKey))
		throw new CryptoFormatError('KEY_MISMATCH', 'recipient public key does not belong to the secret key');
	const key = sm2Decrypt(recipient.secretKey, sealed.subarray(HEADER_LENGTH));
	if (!key || key.length !== KEY_LENGTH)
		throw new CryptoAuthError('DECRYPT_FAILED', 'sealed key: not sealed to this key, or tampered');
	return key;
}

function chunkParams(fileId: Uint8Array, index: number, final: boolean): { nonce: Uint8Array; ad: Uint8Array } {
	const nonce = new Uint8Array(SM4_GCM_NONCE_BYTES);
	const v = new DataView(nonce.buffer);
	v.setUint32(0, index);
	nonce[4] = final ? 1 : 0;
	const ad = new Uint8Array(HEADER_LENGTH + FILE_ID_LENGTH + 5);
	ad[0] = GM_VERSION;
	ad[1] = Kind.attachment;
	ad.set(fileId, HEADER_LENGTH);
	ad.set(nonce.subarray(0, 5), HEADER_LENGTH + FILE_ID_LENGTH);
	return { nonce, ad };
}

/** The GM suite's attachment chunks (the framing of ../attachment.ts, SM4-GCM with index and final flag bound). */
export const GM_CHUNKS: ChunkCipher = Object.freeze({
	version: GM_VERSION,
	fileKey: (reportKey: Uint8Array, fileId: Uint8Array) => sm4Key(reportKey, 'attachment', fileId),
	seal(key: Uint8Array, fileId: Uint8Array, index: number, final: boolean, plaintext: Uint8Array): Uint8Array {
		const { nonce, ad } = chunkParams(fileId, index, final);
		return sm4GcmSeal(key, nonce, plaintext, ad);
	},
	open(key: Uint8Array, fileId: Uint8Array, index: number, final: boolean, ciphertext: Uint8Array) {
		const { nonce, ad } = chunkParams(fileId, index, final);
		return sm4GcmOpen(key, nonce, ciphertext, ad);
	}
});
