/**
 * Sealing a 32-byte key (a report key) to a recipient's X25519 public key with a fresh ephemeral
 * keypair, so only the holder of the recipient's secret key can open it and the sender keeps nothing.
 *
 * Sealed key, 82 bytes: 01 53 | ephemeralPublicKey (32) | box(key (32), N, recipientPublicKey, ephemeralSecretKey) (48)
 *   N = SHA-512(01 53 | ephemeralPublicKey | recipientPublicKey)[0..24]
 * The nonce is derived, not random: each ephemeral keypair is used for exactly one box, so the
 * (shared key, nonce) pair never repeats, and binding the recipient key into N means a sealed key
 * re-labelled for another recipient fails to open.
 */
import nacl from 'tweetnacl';
import { CryptoAuthError, CryptoFormatError } from './errors';
import { ByteWriter, FORMAT_VERSION, HEADER_LENGTH, Kind, checkHeader, expectLength } from './format';
import { KEY_LENGTH, NONCE_LENGTH, TAG_LENGTH, checkKey } from './keys';
import { randomBytes } from './random';
import { bytesEqual, concatBytes } from './encoding';

/** Length of an X25519 public or secret key. */
export const BOX_KEY_LENGTH = 32;
/** Length of a sealed key. */
export const SEALED_KEY_LENGTH = HEADER_LENGTH + BOX_KEY_LENGTH + KEY_LENGTH + TAG_LENGTH;

/** An X25519 keypair (nacl.box). */
export interface BoxKeyPair {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

/** Generates an X25519 keypair from the CSPRNG. */
export function generateBoxKeyPair(): BoxKeyPair {
	return nacl.box.keyPair();
}

function sealNonce(ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
	return nacl
		.hash(concatBytes(new Uint8Array([FORMAT_VERSION, Kind.sealedKey]), ephemeralPublicKey, recipientPublicKey))
		.subarray(0, NONCE_LENGTH);
}

/** Seals with an explicit ephemeral secret key (test vectors only; use `sealKey`). */
export function sealKeyWithEphemeral(
	key: Uint8Array,
	recipientPublicKey: Uint8Array,
	ephemeralSecretKey: Uint8Array
): Uint8Array {
	checkKey(key);
	expectLength(recipientPublicKey, BOX_KEY_LENGTH, 'recipient public key');
	expectLength(ephemeralSecretKey, BOX_KEY_LENGTH, 'ephemeral secret key');
	const eph = nacl.box.keyPair.fromSecretKey(ephemeralSecretKey);
	const boxed = nacl.box(key, sealNonce(eph.publicKey, recipientPublicKey), recipientPublicKey, eph.secretKey);
	eph.secretKey.fill(0);
	return new ByteWriter(SEALED_KEY_LENGTH).header(Kind.sealedKey).raw(eph.publicKey).raw(boxed).bytes;
}

/** Seals a 32-byte key to a recipient's X25519 public key (fresh ephemeral keypair each call). */
export function sealKey(key: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
	const ephemeralSecret = randomBytes(BOX_KEY_LENGTH);
	try {
		return sealKeyWithEphemeral(key, recipientPublicKey, ephemeralSecret);
	} finally {
		ephemeralSecret.fill(0);
	}
}

/**
 * Opens a sealed key with the recipient's keypair. Throws `CryptoFormatError` for malformed input
 * and `CryptoAuthError('DECRYPT_FAILED')` if it was sealed to someone else or modified.
 */
export function openSealedKey(sealed: Uint8Array, recipient: BoxKeyPair): Uint8Array {
	checkHeader(sealed, Kind.sealedKey, 'sealed key');
	expectLength(sealed, SEALED_KEY_LENGTH, 'sealed key');
	expectLength(recipient.secretKey, BOX_KEY_LENGTH, 'recipient secret key');
	expectLength(recipient.publicKey, BOX_KEY_LENGTH, 'recipient public key');
	if (!bytesEqual(nacl.box.keyPair.fromSecretKey(recipient.secretKey).publicKey, recipient.publicKey)) {
		throw new CryptoFormatError('KEY_MISMATCH', 'recipient public key does not belong to the secret key');
	}
	const eph = sealed.subarray(HEADER_LENGTH, HEADER_LENGTH + BOX_KEY_LENGTH);
	const key = nacl.box.open(
		sealed.subarray(HEADER_LENGTH + BOX_KEY_LENGTH),
		sealNonce(eph, recipient.publicKey),
		eph,
		recipient.secretKey
	);
	if (!key) throw new CryptoAuthError('DECRYPT_FAILED', 'sealed key: not sealed to this key, or tampered');
	return key;
}
