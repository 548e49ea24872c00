/**
 * The NaCl suite (format version 1; docs/crypto.md): the existing functions of this folder behind the
 * `Suite` interface of ./suite.ts. Nothing here changes a byte of what they write.
 */
import nacl from 'tweetnacl';
import { hmac } from '@oslojs/crypto/hmac';
import { SHA512 } from '@oslojs/crypto/sha2';
import { AttachmentDecryptor, createAttachmentEncryptor, decryptAttachment, encryptAttachment } from './attachment';
import { decryptContent, encryptContent } from './content';
import { NACL_ENTRIES, rootFingerprint } from './directory';
import { FORMAT_VERSION } from './format';
import { RECEIPT_KDF, STAFF_KDF, TEST_ONLY_CHEAP_KDF, isProductionParams } from './kdf';
import { decodeKdfSpec, encodeKdfSpec, newKdfSpec, passwordUnwrapKey, passwordWrapKey } from './kdf-spec';
import { checkKey, subkey, unwrapKey, wrapKey } from './keys';
import { createReceipt, deriveReceiptKeys, receiptAuthHash } from './receipt';
import { generateBoxKeyPair, openSealedKey, sealKey } from './seal';
import { decryptSummary, encryptSummary } from './summary';
import { createStaffKeys, unlockWithPassword, unlockWithRecoveryKey } from './staff-keys';
import { CryptoFormatError } from './errors';
import { checkTransferProof, makeTransferProof, transferProofSender } from './transfer';
import type { KdfCost, Suite } from './suite';

const cost = (c?: KdfCost, production = STAFF_KDF) => (c?.testOnlyCheap ? TEST_ONLY_CHEAP_KDF : production);

export const naclSuite: Suite = Object.freeze({
	id: 'nacl',
	version: FORMAT_VERSION,
	hash: (data: Uint8Array) => nacl.hash(data),
	subkey,
	encryptContent,
	decryptContent,
	encryptSummary,
	decryptSummary,
	wrapKey,
	unwrapKey,
	chunks: undefined,
	createAttachmentEncryptor: (reportKey, info) => createAttachmentEncryptor(reportKey, info),
	createAttachmentDecryptor: (reportKey) => new AttachmentDecryptor(reportKey),
	encryptAttachment: (reportKey, data, meta) => encryptAttachment(reportKey, data, meta),
	decryptAttachment: (reportKey, stream) => decryptAttachment(reportKey, stream),
	generateBoxKeyPair,
	sealKey,
	openSealedKey,
	generateSigningKeyPair: () => nacl.sign.keyPair(),
	sign: (message, secretKey) => nacl.sign.detached(message, secretKey),
	verify: (message, signature, publicKey) =>
		signature.length === nacl.sign.signatureLength &&
		publicKey.length === nacl.sign.publicKeyLength &&
		nacl.sign.detached.verify(message, signature, publicKey),
	entries: NACL_ENTRIES,
	rootFingerprint,
	createReceipt: (reportKey, c) => createReceipt(reportKey, cost(c, RECEIPT_KDF)),
	deriveReceiptKeys: (secret, kdfSpec) => deriveReceiptKeys(secret, decodeKdfSpec(kdfSpec)),
	receiptAuthHash,
	newReceiptKdfSpec: () => encodeKdfSpec(newKdfSpec(RECEIPT_KDF)),
	requireReceiptKdfSpec(kdfSpec) {
		if (!isProductionParams(decodeKdfSpec(kdfSpec)))
			throw new CryptoFormatError('MALFORMED', 'receipt KDF spec below the production cost');
	},
	passwordWrapKey: (key, password, c) => passwordWrapKey(key, password, cost(c)),
	passwordUnwrapKey,
	createStaffKeys: (password, c) => createStaffKeys(password, cost(c)),
	unlockWithPassword,
	unlockWithRecoveryKey,
	mac: (key, data) => {
		checkKey(key);
		return hmac(SHA512, key, data).subarray(0, 32);
	},
	makeTransferProof: (reportKey, b, sender, recipientPublicKey) =>
		makeTransferProof(reportKey, b, sender, recipientPublicKey),
	checkTransferProof: (proof, reportKey, b, senderPublicKey, recipient) =>
		checkTransferProof(proof, reportKey, b, senderPublicKey, recipient),
	transferProofSender: (proof) => transferProofSender(proof),
	boxKeyPairOf: (secretKey) => {
		if (secretKey.length !== nacl.box.secretKeyLength)
			throw new CryptoFormatError('KEY_MISMATCH', 'not an X25519 secret key');
		return nacl.box.keyPair.fromSecretKey(secretKey.slice());
	}
} satisfies Suite);
