/**
 * Browser-side staff key operations for the key pages: generation, wrapping and unwrapping
 * (Argon2id in the crypto worker), recovery. Nothing here talks to the server; the pages upload what
 * these functions return (public keys and wrapped secrets only).
 */
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { CryptoFormatError } from '../crypto/errors';
import { bytesEqual } from '../crypto/encoding';
import { STAFF_KDF } from '../crypto/kdf';
import {
	generateRecoveryKey,
	recoveryWrapKey,
	rewrapForNewRecoveryKey,
	unlockWithRecoveryKey,
	type StaffKeyBundle
} from '../crypto/staff-keys';
import type { BoxKeyPair } from '../crypto/seal';
import { cryptoWorker } from './crypto-client';

/** A bundle as the pages carry it (base64 strings, as uploaded and loaded). */
export interface WireBundle {
	publicKey: string;
	passwordWrapped: string;
	recoveryWrapped: string;
}

export function toWire(b: StaffKeyBundle): WireBundle {
	return {
		publicKey: encodeBase64(b.publicKey),
		passwordWrapped: encodeBase64(b.passwordWrapped),
		recoveryWrapped: encodeBase64(b.recoveryWrapped)
	};
}

export function fromWire(w: WireBundle): StaffKeyBundle {
	return {
		publicKey: decodeBase64(w.publicKey),
		passwordWrapped: decodeBase64(w.passwordWrapped),
		recoveryWrapped: decodeBase64(w.recoveryWrapped)
	};
}

function pairFrom(secretKey: Uint8Array, publicKey: Uint8Array): BoxKeyPair {
	const pair = nacl.box.keyPair.fromSecretKey(secretKey);
	secretKey.fill(0);
	if (!bytesEqual(pair.publicKey, publicKey))
		throw new CryptoFormatError('KEY_MISMATCH', 'unwrapped key does not match the public key');
	return pair;
}

/** Creates a keypair, wraps it under the password (worker) and a new recovery key. */
export async function enrolInBrowser(
	password: string
): Promise<{ bundle: StaffKeyBundle; keyPair: BoxKeyPair; recoveryKey: string }> {
	const keyPair = nacl.box.keyPair();
	const recovery = generateRecoveryKey();
	const bundle: StaffKeyBundle = {
		publicKey: keyPair.publicKey,
		passwordWrapped: await cryptoWorker().passwordWrapKey(keyPair.secretKey, password, STAFF_KDF),
		recoveryWrapped: recoveryWrapKey(keyPair.secretKey, recovery.key)
	};
	recovery.key.fill(0);
	return { bundle, keyPair, recoveryKey: recovery.text };
}

/** Unlocks with the password (worker). Wrong password → CryptoAuthError('DECRYPT_FAILED'). */
export async function unlockInBrowser(bundle: StaffKeyBundle, password: string): Promise<BoxKeyPair> {
	return pairFrom(await cryptoWorker().passwordUnwrapKey(bundle.passwordWrapped, password), bundle.publicKey);
}

/**
 * Recovery: opens the key with the printed recovery key, wraps it under the current password and a new
 * recovery key (the used one is retired). Typo → BAD_CHECKSUM; wrong key → DECRYPT_FAILED.
 */
export async function recoverInBrowser(
	bundle: StaffKeyBundle,
	recoveryText: string,
	password: string
): Promise<{ bundle: StaffKeyBundle; keyPair: BoxKeyPair; recoveryKey: string }> {
	const keyPair = unlockWithRecoveryKey(bundle, recoveryText);
	const renewed = rewrapForNewRecoveryKey(bundle, keyPair);
	const passwordWrapped = await cryptoWorker().passwordWrapKey(keyPair.secretKey, password, STAFF_KDF);
	return { bundle: { ...renewed.bundle, passwordWrapped }, keyPair, recoveryKey: renewed.recoveryKey };
}

/**
 * Password change: opens the key with the current password (worker) and wraps it under the new one;
 * the public key and the recovery wrap stay as they are. Wrong current password → DECRYPT_FAILED.
 */
export async function rewrapPasswordInBrowser(
	bundle: StaffKeyBundle,
	currentPassword: string,
	newPassword: string
): Promise<StaffKeyBundle> {
	const keyPair = await unlockInBrowser(bundle, currentPassword);
	try {
		return {
			...bundle,
			passwordWrapped: await cryptoWorker().passwordWrapKey(keyPair.secretKey, newPassword, STAFF_KDF)
		};
	} finally {
		keyPair.secretKey.fill(0);
	}
}

/** A short display form of a public key (hex of the first 8 bytes, grouped). */
export function shortKey(publicKey: Uint8Array): string {
	return Array.from(publicKey.subarray(0, 8), (b) => b.toString(16).padStart(2, '0'))
		.join('')
		.replace(/(.{4})(?=.)/g, '$1 ');
}
