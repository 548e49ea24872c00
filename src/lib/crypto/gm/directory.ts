/**
 * The GM suite's signatures and key directory (国密, issue 21): the root key is an SM2 keypair, entries and
 * revocation lists have the NaCl layout (../directory.ts) with byte 0 = `47`, 65-byte SM2 public keys and
 * 64-byte SM2 signatures (r ‖ s, SM3 with Z_A over the default id `1234567812345678`).
 *
 *   entry = 47 44 | entryId (16) | staffId | organId | role | SM2 publicKey (65) | notBefore (u64) | notAfter (u64) | SM2 signature (64)
 *   revocation list = 47 52 | issuedAt (u64) | count (u32) | entryIds | count (u32) | SM2 publicKeys (65 each) | SM2 signature (64)
 *   fingerprint = SM3("qingfeng/gm1/root-fingerprint" | rootPublicKey), read as the NaCl fingerprint is
 */
import { concatBytes, utf8 } from '../encoding';
import { expectLength } from '../format';
import type { EntryScheme } from '../directory';
import { SM2_DEFAULT_ID, sm2KeyPair, sm2PublicOf, sm2Sign, sm2Verify, sm3 } from './primitives';
import { GM_VERSION, SM2_PRIVATE_KEY_LENGTH, SM2_PUBLIC_KEY_LENGTH } from './formats';

/** SM2 signature length (r ‖ s). */
export const SM2_SIGNATURE_LENGTH = 64;

/** SM2 signature over `message` with the default signer id. */
export function gmSign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
	expectLength(secretKey, SM2_PRIVATE_KEY_LENGTH, 'SM2 secret key');
	return sm2Sign(message, secretKey, SM2_DEFAULT_ID);
}

/** Verifies an SM2 signature (false for any malformed key or signature). */
export function gmVerify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
	if (publicKey.length !== SM2_PUBLIC_KEY_LENGTH || signature.length !== SM2_SIGNATURE_LENGTH) return false;
	return sm2Verify(message, signature, publicKey, SM2_DEFAULT_ID);
}

/** A new SM2 signing keypair (`secretKey` the 32-byte scalar). */
export function gmGenerateSigningKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
	const k = sm2KeyPair();
	return { publicKey: k.publicKey, secretKey: k.privateKey };
}

/** The SM2 keypair of a 32-byte secret scalar (the GM root's seed). */
export function gmKeyPairFromSecret(secretKey: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
	expectLength(secretKey, SM2_PRIVATE_KEY_LENGTH, 'SM2 secret key');
	return { publicKey: sm2PublicOf(secretKey), secretKey: secretKey.slice() };
}

/** The GM suite's directory scheme. */
export const GM_ENTRIES: EntryScheme = Object.freeze({
	version: GM_VERSION,
	rootKeyLength: SM2_PUBLIC_KEY_LENGTH,
	entryKeyLength: SM2_PUBLIC_KEY_LENGTH,
	signatureLength: SM2_SIGNATURE_LENGTH,
	sign: (body: Uint8Array, rootSecretKey: Uint8Array) => gmSign(body, rootSecretKey),
	verify: (body: Uint8Array, signature: Uint8Array, rootPublicKey: Uint8Array) =>
		gmVerify(body, signature, rootPublicKey)
});

/** The root's 校验码 in the GM suite: six groups of five digits from SM3 (≈ 99.7 bits). */
export function gmRootFingerprint(publicKey: Uint8Array): string {
	expectLength(publicKey, SM2_PUBLIC_KEY_LENGTH, 'root public key');
	const h = sm3(concatBytes(utf8('qingfeng/gm1/root-fingerprint'), publicKey));
	const groups: string[] = [];
	for (let g = 0; g < 6; g++) {
		let v = 0;
		for (let i = 0; i < 5; i++) v = v * 256 + (h[g * 5 + i] as number);
		groups.push(String(v % 100000).padStart(5, '0'));
	}
	return groups.join(' ');
}

/** The root ceremony's view of the GM suite (src/lib/shared/root-ceremony.ts `CeremonySuite`). */
export const gmCeremony = Object.freeze({
	id: 'gm' as const,
	rootFromSeed: gmKeyPairFromSecret,
	rootFingerprint: gmRootFingerprint,
	entries: GM_ENTRIES,
	newSeed: () => gmGenerateSigningKeyPair().secretKey
});
