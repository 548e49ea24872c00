/**
 * Browser-side staff key operations for the key pages: generation, wrapping and unwrapping
 * (Argon2id in the crypto worker), recovery. Nothing here talks to the server; the pages upload what
 * these functions return (public keys and wrapped secrets only).
 *
 * In a GM deployment (issue 21; ./deployment-suite.ts) the keypair is SM2 and the password wrap is
 * PBKDF2-HMAC-SM3, both from the GM suite; the wrap and unwrap run in the crypto worker too (`suite: 'gm'`),
 * so the page stays responsive for their 0.5 to 2 s (docs/crypto.md). The recovery key is printed the same way.
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
import { deploymentSuite, deploymentSuiteId } from './deployment-suite';

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
	const gm = deploymentSuite();
	let pair: BoxKeyPair;
	try {
		pair = gm ? gm.boxKeyPairOf(secretKey) : nacl.box.keyPair.fromSecretKey(secretKey);
	} catch (e) {
		secretKey.fill(0);
		throw e;
	}
	secretKey.fill(0);
	if (!bytesEqual(pair.publicKey, publicKey))
		throw new CryptoFormatError('KEY_MISMATCH', 'unwrapped key does not match the public key');
	return pair;
}

/** Creates a keypair, wraps it under the password (worker) and a new recovery key. */
export async function enrolInBrowser(
	password: string
): Promise<{ bundle: StaffKeyBundle; keyPair: BoxKeyPair; recoveryKey: string }> {
	const gm = deploymentSuite();
	if (gm) {
		const keyPair = gm.generateBoxKeyPair();
		const passwordWrapped = await passwordWrap(keyPair.secretKey, password);
		const pending = { publicKey: keyPair.publicKey, passwordWrapped, recoveryWrapped: new Uint8Array(0) };
		const { bundle, recoveryKey } = rewrapForNewRecoveryKey(pending, keyPair, gm);
		return { bundle, keyPair, recoveryKey };
	}
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
	const suite = deploymentSuiteId();
	return pairFrom(
		await cryptoWorker().passwordUnwrapKey(bundle.passwordWrapped, password, { suite }),
		bundle.publicKey
	);
}

/** The password wrap of a secret key in the deployment's suite, in the worker (Argon2id / PBKDF2-HMAC-SM3). */
function passwordWrap(secretKey: Uint8Array, password: string): Promise<Uint8Array> {
	return cryptoWorker().passwordWrapKey(secretKey, password, STAFF_KDF, { suite: deploymentSuiteId() });
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
	const gm = deploymentSuite();
	const keyPair = gm ? gm.unlockWithRecoveryKey(bundle, recoveryText) : unlockWithRecoveryKey(bundle, recoveryText);
	const renewed = rewrapForNewRecoveryKey(bundle, keyPair, gm);
	const passwordWrapped = await passwordWrap(keyPair.secretKey, password);
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
			passwordWrapped: await passwordWrap(keyPair.secretKey, newPassword)
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
