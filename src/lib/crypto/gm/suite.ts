/**
 * The GM suite (国密, issue 21) behind the `Suite` interface of ../suite.ts. Loaded only through
 * `loadSuite('gm')` (a dynamic import), so NaCl deployments never fetch it. Formats: ./formats.ts,
 * ./kdf.ts, ./directory.ts; docs/crypto.md, "The GM suite byte by byte".
 */
import { AttachmentDecryptor, createAttachmentEncryptor, decryptAttachment, encryptAttachment } from '../attachment';
import { CryptoFormatError } from '../errors';
import { bytesEqual } from '../encoding';
import { KEY_LENGTH } from '../keys';
import { generateRecoveryKey, parseRecoveryKey, type StaffKeyBundle } from '../staff-keys';
import type { BoxKeyPair } from '../seal';
import type { KdfCost, Suite } from '../suite';
import { sm2PublicOf } from './primitives';
import {
	GM_CHUNKS,
	GM_VERSION,
	gmDecryptContent,
	gmEncryptContent,
	gmGenerateBoxKeyPair,
	gmHash,
	gmOpenSealedKey,
	gmSealKey,
	gmSubkey,
	gmUnwrapKey,
	gmWrapKey
} from './formats';
import {
	GM_RECEIPT_ITERATIONS,
	GM_STAFF_ITERATIONS,
	GM_TEST_ONLY_ITERATIONS,
	gmCreateReceipt,
	gmDeriveReceiptKeys,
	gmPasswordUnwrapKey,
	gmPasswordWrapKey,
	gmReceiptAuthHash,
	decodeGmKdfSpec,
	encodeGmKdfSpec,
	newGmKdfSpec,
	requireGmKdfBounds
} from './kdf';
import {
	gmCheckTransferProof,
	gmDecryptSummary,
	gmEncryptSummary,
	gmMac,
	gmMakeTransferProof,
	gmTransferProofSender
} from './staff';
import { GM_ENTRIES, gmGenerateSigningKeyPair, gmRootFingerprint, gmSign, gmVerify } from './directory';

const iterations = (c: KdfCost | undefined, production: number) =>
	c?.testOnlyCheap ? GM_TEST_ONLY_ITERATIONS : production;

/** Recovery wraps: the GM wrapped-key format under subkey_gm(R, "recovery-kek"). */
function recoveryKek(recoveryKey: Uint8Array | string): Uint8Array {
	const r = typeof recoveryKey === 'string' ? parseRecoveryKey(recoveryKey) : recoveryKey;
	return gmSubkey(r, 'recovery-kek');
}

function keyPairFor(secretKey: Uint8Array, expectedPublicKey: Uint8Array): BoxKeyPair {
	if (secretKey.length !== KEY_LENGTH || !bytesEqual(sm2PublicOf(secretKey), expectedPublicKey))
		throw new CryptoFormatError('KEY_MISMATCH', 'unwrapped secret key does not match the public key');
	return { publicKey: expectedPublicKey.slice(), secretKey };
}

export const gmSuite: Suite = Object.freeze({
	id: 'gm',
	version: GM_VERSION,
	hash: gmHash,
	subkey: gmSubkey,
	encryptContent: gmEncryptContent,
	decryptContent: gmDecryptContent,
	encryptSummary: gmEncryptSummary,
	decryptSummary: gmDecryptSummary,
	wrapKey: gmWrapKey,
	unwrapKey: gmUnwrapKey,
	chunks: GM_CHUNKS,
	createAttachmentEncryptor: (reportKey, info) => createAttachmentEncryptor(reportKey, info, GM_CHUNKS),
	createAttachmentDecryptor: (reportKey) => new AttachmentDecryptor(reportKey, GM_CHUNKS),
	encryptAttachment: (reportKey, data, meta) => encryptAttachment(reportKey, data, meta, GM_CHUNKS),
	decryptAttachment: (reportKey, stream) => decryptAttachment(reportKey, stream, GM_CHUNKS),
	generateBoxKeyPair: gmGenerateBoxKeyPair,
	sealKey: gmSealKey,
	openSealedKey: gmOpenSealedKey,
	generateSigningKeyPair: gmGenerateSigningKeyPair,
	sign: gmSign,
	verify: gmVerify,
	entries: GM_ENTRIES,
	rootFingerprint: gmRootFingerprint,
	createReceipt: (reportKey, c) => gmCreateReceipt(reportKey, iterations(c, GM_RECEIPT_ITERATIONS)),
	deriveReceiptKeys: gmDeriveReceiptKeys,
	receiptAuthHash: gmReceiptAuthHash,
	newReceiptKdfSpec: () => encodeGmKdfSpec(newGmKdfSpec(GM_RECEIPT_ITERATIONS)),
	requireReceiptKdfSpec: (kdfSpec) => requireGmKdfBounds(decodeGmKdfSpec(kdfSpec).iterations, 'receipt KDF spec'),
	passwordWrapKey: (key, password, c) => gmPasswordWrapKey(key, password, iterations(c, GM_STAFF_ITERATIONS)),
	passwordUnwrapKey: gmPasswordUnwrapKey,
	async createStaffKeys(password, c) {
		const keyPair = gmGenerateBoxKeyPair();
		const recovery = generateRecoveryKey();
		const bundle: StaffKeyBundle = {
			publicKey: keyPair.publicKey,
			passwordWrapped: await gmPasswordWrapKey(keyPair.secretKey, password, iterations(c, GM_STAFF_ITERATIONS)),
			recoveryWrapped: gmWrapKey(keyPair.secretKey, recoveryKek(recovery.key))
		};
		recovery.key.fill(0);
		return { bundle, keyPair, recoveryKey: recovery.text };
	},
	async unlockWithPassword(bundle, password) {
		return keyPairFor(await gmPasswordUnwrapKey(bundle.passwordWrapped, password), bundle.publicKey);
	},
	unlockWithRecoveryKey: (bundle, recoveryKey) =>
		keyPairFor(gmUnwrapKey(bundle.recoveryWrapped, recoveryKek(recoveryKey)), bundle.publicKey),
	mac: gmMac,
	makeTransferProof: gmMakeTransferProof,
	checkTransferProof: gmCheckTransferProof,
	transferProofSender: gmTransferProofSender,
	boxKeyPairOf: (secretKey) => {
		if (secretKey.length !== KEY_LENGTH) throw new CryptoFormatError('KEY_MISMATCH', 'not an SM2 secret key');
		try {
			return { publicKey: sm2PublicOf(secretKey), secretKey: secretKey.slice() };
		} catch {
			throw new CryptoFormatError('KEY_MISMATCH', 'not an SM2 secret key');
		}
	}
} satisfies Suite);
