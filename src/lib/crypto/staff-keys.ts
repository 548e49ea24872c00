/**
 * Staff key material: an X25519 keypair whose secret key is stored server-side only wrapped, once
 * under a KEK derived from the password (Argon2id, its own salt, distinct from the sign-in salt) and
 * once under a printed recovery key.
 *
 * Recovery key: 32 random bytes R. Printed text = Crockford base32 of R | SHA-512("qingfeng/v1/recovery-check" | R)[0..3]
 *   (35 bytes = 56 characters, 14 groups of 4; a typo is caught with probability 1 − 2⁻²⁴).
 *   Recovery KEK = subkey(R, "recovery-kek"); recovery wrap = wrapped-key format (keys.ts).
 * Password wrap: password-wrapped-key format (kdf-spec.ts) with STAFF_KDF.
 */
import nacl from 'tweetnacl';
import { CryptoFormatError } from './errors';
import { bytesEqual, concatBytes, decodeCrockford, encodeCrockford, group, normalizeCrockford, utf8 } from './encoding';
import { STAFF_KDF, type Argon2Params } from './kdf';
import { passwordUnwrapKey, passwordWrapKey } from './kdf-spec';
import { KEY_LENGTH, checkKey, subkey, unwrapKey, wrapKey } from './keys';
import { randomBytes } from './random';
import type { BoxKeyPair } from './seal';
import type { Suite } from './suite';

/** Characters in a recovery key (without separators). */
export const RECOVERY_KEY_CHARS = 56;
const RECOVERY_CHECK_BYTES = 3;

/** What the server stores for a staff member's keys (all of it safe to hand to the server). */
export interface StaffKeyBundle {
	/** X25519 public key (32 bytes); goes into the signed directory. */
	publicKey: Uint8Array;
	/** Secret key wrapped under the password KEK (99 bytes). */
	passwordWrapped: Uint8Array;
	/** Secret key wrapped under the recovery KEK (74 bytes). */
	recoveryWrapped: Uint8Array;
}

function recoveryCheck(key: Uint8Array): Uint8Array {
	return nacl.hash(concatBytes(utf8('qingfeng/v1/recovery-check'), key)).slice(0, RECOVERY_CHECK_BYTES);
}

/** Prints a 32-byte recovery key: 14 groups of 4 characters with a 24-bit checksum built in. */
export function formatRecoveryKey(key: Uint8Array): string {
	checkKey(key, 'recovery key');
	return group(encodeCrockford(concatBytes(key, recoveryCheck(key))), 4);
}

/**
 * Parses a typed recovery key. Throws `CryptoFormatError` with `MALFORMED`, `BAD_LENGTH` or
 * `BAD_CHECKSUM` (a typo) so the user can be told to check what they typed.
 */
export function parseRecoveryKey(text: string): Uint8Array {
	const canonical = normalizeCrockford(text);
	if (canonical.length !== RECOVERY_KEY_CHARS)
		throw new CryptoFormatError('BAD_LENGTH', `recovery key must have ${RECOVERY_KEY_CHARS} characters`);
	const bytes = decodeCrockford(canonical, KEY_LENGTH + RECOVERY_CHECK_BYTES);
	const key = bytes.slice(0, KEY_LENGTH);
	if (!bytesEqual(recoveryCheck(key), bytes.subarray(KEY_LENGTH)))
		throw new CryptoFormatError('BAD_CHECKSUM', 'recovery key: checksum does not match');
	return key;
}

/** Generates a recovery key; returns the bytes and the printable text. */
export function generateRecoveryKey(): { key: Uint8Array; text: string } {
	const key = randomBytes(KEY_LENGTH);
	return { key, text: formatRecoveryKey(key) };
}

/** Wraps a 32-byte secret under a recovery key (bytes or printed text). */
export function recoveryWrapKey(secret: Uint8Array, recoveryKey: Uint8Array | string): Uint8Array {
	const r = typeof recoveryKey === 'string' ? parseRecoveryKey(recoveryKey) : recoveryKey;
	return wrapKey(secret, subkey(r, 'recovery-kek'));
}

/** Unwraps a secret wrapped by `recoveryWrapKey`; wrong key → `CryptoAuthError('DECRYPT_FAILED')`. */
export function recoveryUnwrapKey(wrapped: Uint8Array, recoveryKey: Uint8Array | string): Uint8Array {
	const r = typeof recoveryKey === 'string' ? parseRecoveryKey(recoveryKey) : recoveryKey;
	return unwrapKey(wrapped, subkey(r, 'recovery-kek'));
}

function keyPairFor(secretKey: Uint8Array, expectedPublicKey: Uint8Array): BoxKeyPair {
	const pair = nacl.box.keyPair.fromSecretKey(secretKey);
	if (!bytesEqual(pair.publicKey, expectedPublicKey)) {
		throw new CryptoFormatError('KEY_MISMATCH', 'unwrapped secret key does not match the public key');
	}
	return pair;
}

/**
 * Creates a staff keypair, wraps its secret under the password and a new recovery key.
 * Returns the bundle for the server, the keypair for this session, and the recovery key to print.
 */
export async function createStaffKeys(
	password: string,
	params: Argon2Params = STAFF_KDF
): Promise<{ bundle: StaffKeyBundle; keyPair: BoxKeyPair; recoveryKey: string }> {
	const keyPair = nacl.box.keyPair();
	const recovery = generateRecoveryKey();
	const bundle: StaffKeyBundle = {
		publicKey: keyPair.publicKey,
		passwordWrapped: await passwordWrapKey(keyPair.secretKey, password, params),
		recoveryWrapped: recoveryWrapKey(keyPair.secretKey, recovery.key)
	};
	recovery.key.fill(0);
	return { bundle, keyPair, recoveryKey: recovery.text };
}

/** Unlocks the keypair with the password. Wrong password → `CryptoAuthError('DECRYPT_FAILED')`. */
export async function unlockWithPassword(bundle: StaffKeyBundle, password: string): Promise<BoxKeyPair> {
	return keyPairFor(await passwordUnwrapKey(bundle.passwordWrapped, password), bundle.publicKey);
}

/** Unlocks the keypair with the printed recovery key (typo → `BAD_CHECKSUM`, wrong key → `DECRYPT_FAILED`). */
export function unlockWithRecoveryKey(bundle: StaffKeyBundle, recoveryKey: string): BoxKeyPair {
	return keyPairFor(recoveryUnwrapKey(bundle.recoveryWrapped, recoveryKey), bundle.publicKey);
}

/**
 * Re-wraps the secret key under a new password (fresh salt and nonce), e.g. after a password change
 * or after recovery. The recovery wrap is unchanged.
 */
export async function rewrapForPassword(
	bundle: StaffKeyBundle,
	keyPair: BoxKeyPair,
	newPassword: string,
	params: Argon2Params = STAFF_KDF
): Promise<StaffKeyBundle> {
	keyPairFor(keyPair.secretKey, bundle.publicKey);
	return { ...bundle, passwordWrapped: await passwordWrapKey(keyPair.secretKey, newPassword, params) };
}

/**
 * Replaces the recovery key (e.g. after it was used): returns the new bundle and the text to print.
 * With a `suite` other than NaCl (issue 21), the recovery wrap is that suite's wrapped-key format under
 * that suite's subkey(R, "recovery-kek"); the printed recovery key is the same in both suites.
 */
export function rewrapForNewRecoveryKey(
	bundle: StaffKeyBundle,
	keyPair: BoxKeyPair,
	suite?: Suite
): { bundle: StaffKeyBundle; recoveryKey: string } {
	const other = suite && suite.id !== 'nacl' ? suite : undefined;
	if (!other) keyPairFor(keyPair.secretKey, bundle.publicKey);
	else if (!bytesEqual(other.boxKeyPairOf(keyPair.secretKey).publicKey, bundle.publicKey))
		throw new CryptoFormatError('KEY_MISMATCH', 'secret key does not match the public key');
	const recovery = generateRecoveryKey();
	const recoveryWrapped = other
		? other.wrapKey(keyPair.secretKey, other.subkey(recovery.key, 'recovery-kek'))
		: recoveryWrapKey(keyPair.secretKey, recovery.key);
	const out = {
		bundle: { ...bundle, recoveryWrapped },
		recoveryKey: recovery.text
	};
	recovery.key.fill(0);
	return out;
}
