/**
 * The 国密 primitives of the GM suite (issue 21): SM3 (GB/T 32905), HMAC-SM3 and PBKDF2-HMAC-SM3, SM4-GCM
 * (GB/T 32907 in the GCM mode of RFC 8998), SM2 signatures and public-key encryption (GB/T 32918) on the
 * recommended curve. One library does the arithmetic in the browser and in Node alike: `sm-crypto-v2`
 * (MIT, built on the audited @noble curves/hashes; docs/crypto.md, "The GM suite", says why it was chosen
 * over `sm-crypto`). This module only adapts it to bytes in, bytes out; it is imported by GM deployments only,
 * so the NaCl reporter bundle does not carry it.
 */
import { sm2, sm3 as sm3hex, sm4 } from 'sm-crypto-v2';
import { CryptoFormatError } from '../errors';

const hex = (b: Uint8Array): string => {
	let s = '';
	for (const x of b) s += x.toString(16).padStart(2, '0');
	return s;
};
const unhex = (s: string): Uint8Array => {
	if (s.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(s)) throw new CryptoFormatError('MALFORMED', 'not hex');
	const out = new Uint8Array(s.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
	return out;
};

/** SM3 digest (32 bytes). */
export function sm3(data: Uint8Array): Uint8Array {
	return unhex(sm3hex(data));
}

/** HMAC-SM3 (RFC 2104 with SM3; 32 bytes). */
export function hmacSm3(key: Uint8Array, data: Uint8Array): Uint8Array {
	return unhex(sm3hex(data, { key, mode: 'hmac' }));
}

/** PBKDF2 (RFC 8018) with HMAC-SM3: the conforming password and receipt KDF of the GM suite. */
export function pbkdf2HmacSm3(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
	if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations');
	if (!Number.isInteger(length) || length < 1 || length > 1024) throw new RangeError('length');
	const out = new Uint8Array(length);
	const block = new Uint8Array(salt.length + 4);
	block.set(salt);
	for (let i = 1, at = 0; at < length; i++, at += 32) {
		new DataView(block.buffer).setUint32(salt.length, i);
		let u = hmacSm3(password, block);
		const t = u.slice();
		for (let j = 1; j < iterations; j++) {
			u = hmacSm3(password, u);
			for (let k = 0; k < 32; k++) t[k]! ^= u[k]!;
		}
		out.set(t.subarray(0, Math.min(32, length - at)), at);
	}
	return out;
}

export const SM4_KEY_BYTES = 16;
export const SM4_GCM_NONCE_BYTES = 12;
export const SM4_GCM_TAG_BYTES = 16;

function checkKey(key: Uint8Array, nonce: Uint8Array): void {
	if (key.length !== SM4_KEY_BYTES) throw new CryptoFormatError('BAD_LENGTH', 'SM4 key: 16 bytes');
	if (nonce.length !== SM4_GCM_NONCE_BYTES) throw new CryptoFormatError('BAD_LENGTH', 'SM4-GCM nonce: 12 bytes');
}

/** SM4-GCM encryption: ciphertext || 16-byte tag. */
export function sm4GcmSeal(
	key: Uint8Array,
	nonce: Uint8Array,
	plaintext: Uint8Array,
	aad: Uint8Array = new Uint8Array(0)
): Uint8Array {
	checkKey(key, nonce);
	const r = sm4.encrypt(plaintext, key, {
		mode: 'gcm',
		iv: nonce,
		associatedData: aad,
		padding: 'none',
		output: 'array',
		outputTag: true
	});
	if (!r.tag || r.tag.length !== SM4_GCM_TAG_BYTES) throw new Error('SM4-GCM: no tag');
	const out = new Uint8Array(r.output.length + SM4_GCM_TAG_BYTES);
	out.set(r.output);
	out.set(r.tag, r.output.length);
	return out;
}

/** SM4-GCM decryption; null when the tag does not verify (wrong key, nonce, data or tampering). */
export function sm4GcmOpen(
	key: Uint8Array,
	nonce: Uint8Array,
	sealed: Uint8Array,
	aad: Uint8Array = new Uint8Array(0)
): Uint8Array | null {
	checkKey(key, nonce);
	if (sealed.length < SM4_GCM_TAG_BYTES) return null;
	const body = sealed.subarray(0, sealed.length - SM4_GCM_TAG_BYTES);
	const tag = sealed.subarray(sealed.length - SM4_GCM_TAG_BYTES);
	try {
		return sm4.decrypt(body, key, {
			mode: 'gcm',
			iv: nonce,
			associatedData: aad,
			tag,
			padding: 'none',
			output: 'array'
		});
	} catch {
		return null;
	}
}

/** An SM2 key pair: the 32-byte private scalar and the 65-byte uncompressed public point (04 || x || y). */
export interface Sm2KeyPair {
	privateKey: Uint8Array;
	publicKey: Uint8Array;
}

export function sm2KeyPair(): Sm2KeyPair {
	const k = sm2.generateKeyPairHex();
	return { privateKey: unhex(k.privateKey.padStart(64, '0')), publicKey: unhex(k.publicKey) };
}

export function sm2PublicOf(privateKey: Uint8Array): Uint8Array {
	return unhex(sm2.getPublicKeyFromPrivateKey(hex(privateKey)));
}

function checkPublic(publicKey: Uint8Array): string {
	const h = hex(publicKey);
	if (publicKey.length !== 65 || publicKey[0] !== 4 || !sm2.verifyPublicKey(h)) {
		throw new CryptoFormatError('INVALID_ARGUMENT', 'SM2 public key: not a point of the curve');
	}
	return h;
}

/** The signer's distinguishing identifier (GB/T 35276's default, which OpenSSL uses too). */
export const SM2_DEFAULT_ID = '1234567812345678';

/** SM2 signature (with Z_A over the signer's id and public key, SM3): r || s, 64 bytes. */
export function sm2Sign(message: Uint8Array, privateKey: Uint8Array, userId = SM2_DEFAULT_ID): Uint8Array {
	const publicKey = sm2.getPublicKeyFromPrivateKey(hex(privateKey));
	return unhex(sm2.doSignature(message, hex(privateKey), { hash: true, publicKey, userId }));
}

export function sm2Verify(
	message: Uint8Array,
	signature: Uint8Array,
	publicKey: Uint8Array,
	userId = SM2_DEFAULT_ID
): boolean {
	if (signature.length !== 64) return false;
	try {
		return sm2.doVerifySignature(message, hex(signature), checkPublic(publicKey), { hash: true, userId });
	} catch {
		return false;
	}
}

/** SM2 public-key encryption, C1 || C3 || C2 (GB/T 32918.4, the order GM/T 0009 specifies), C1 uncompressed. */
export function sm2Encrypt(publicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
	if (plaintext.length === 0) throw new RangeError('SM2 encryption of nothing');
	return unhex('04' + sm2.doEncrypt(plaintext, checkPublic(publicKey), 1));
}

/** SM2 decryption; null when C3 does not verify or C1 is not on the curve. */
export function sm2Decrypt(privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
	if (ciphertext.length < 65 + 32 + 1 || ciphertext[0] !== 4) return null;
	try {
		const out = sm2.doDecrypt(hex(ciphertext.subarray(1)), hex(privateKey), 1, { output: 'array' });
		return out.length > 0 ? out : null;
	} catch {
		return null;
	}
}
