/**
 * Cipher suites (issue 21): one suite per deployment, chosen in configuration (QF_CRYPTO_SUITE=nacl|gm,
 * default nacl). Every format starts with its suite's version byte (./format.ts), so bytes of one suite are
 * never read as the other's. The NaCl suite (./nacl-suite.ts) is the formats of version 1, unchanged; the GM
 * suite (./gm/suite.ts: SM2, SM3, SM4-GCM, PBKDF2-HMAC-SM3) is only reached through `loadSuite`'s dynamic
 * import, so a NaCl deployment's pages never load 国密 code.
 */
import type {
	AttachmentDecryptor,
	AttachmentEncryptor,
	AttachmentInfo,
	AttachmentMeta,
	ChunkCipher
} from './attachment';
import type { EntryScheme } from './directory';
import type { SuiteId } from './suite-id';
import type { NewReceipt, ReceiptKeys } from './receipt';
import type { BoxKeyPair } from './seal';
import type { StaffKeyBundle } from './staff-keys';
import type { TransferBinding } from './transfer';

export { DEFAULT_SUITE, SUITE_IDS, SUITE_VERSION, isSuiteId, suiteOfBytes, type SuiteId } from './suite-id';

/** A signing keypair of a suite (NaCl: Ed25519, 64-byte tweetnacl secret; GM: SM2, 32-byte scalar). */
export interface SigningKeyPair {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

/** `testOnlyCheap`: a KDF cost for unit tests only (never production data). */
export interface KdfCost {
	testOnlyCheap?: boolean;
}

/**
 * What the rest of the app asks of a suite. Keys that are not the suite's own (report keys, KEKs,
 * receipt unwrap keys, recovery keys) are 32 random bytes in both suites.
 */
export interface Suite {
	readonly id: SuiteId;
	/** Byte 0 of every format this suite writes. */
	readonly version: number;
	/** The suite's hash (SHA-512, 64 bytes; SM3, 32 bytes). */
	hash(data: Uint8Array): Uint8Array;
	/** A 32-byte sub-key of a 32-byte key for one labelled use (HMAC-SHA-512 / HMAC-SM3). */
	subkey(key: Uint8Array, label: string, context?: Uint8Array): Uint8Array;

	/** AEAD: report content (format C), padded to buckets. */
	encryptContent(reportKey: Uint8Array, content: Uint8Array): Uint8Array;
	decryptContent(reportKey: Uint8Array, blob: Uint8Array): Uint8Array;
	/** AEAD: the inbox summary (format I), always one length. */
	encryptSummary(reportKey: Uint8Array, summary: Uint8Array): Uint8Array;
	decryptSummary(reportKey: Uint8Array, blob: Uint8Array): Uint8Array;
	/** AEAD: a 32-byte key under a 32-byte key-encryption key (format W). */
	wrapKey(key: Uint8Array, kek: Uint8Array): Uint8Array;
	unwrapKey(wrapped: Uint8Array, kek: Uint8Array): Uint8Array;
	/** AEAD: attachment chunks (format A); undefined for NaCl, whose chunks are the built-in default. */
	readonly chunks: ChunkCipher | undefined;
	createAttachmentEncryptor(reportKey: Uint8Array, info: AttachmentInfo): AttachmentEncryptor;
	createAttachmentDecryptor(reportKey: Uint8Array): AttachmentDecryptor;
	encryptAttachment(reportKey: Uint8Array, data: Uint8Array, meta: AttachmentMeta): Uint8Array;
	decryptAttachment(reportKey: Uint8Array, stream: Uint8Array): AttachmentMeta & { data: Uint8Array };

	/** Seal to a recipient (format S): X25519 box / SM2 encryption. */
	generateBoxKeyPair(): BoxKeyPair;
	sealKey(key: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array;
	openSealedKey(sealed: Uint8Array, recipient: BoxKeyPair): Uint8Array;

	/** Signatures: Ed25519 / SM2 with the default id. */
	generateSigningKeyPair(): SigningKeyPair;
	sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
	verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
	/** The signed key directory's scheme (formats D and R). */
	readonly entries: EntryScheme;
	/** The root key's 校验码. */
	rootFingerprint(rootPublicKey: Uint8Array): string;

	/** KDF: receipts (Argon2id / PBKDF2-HMAC-SM3, parameters inside the stored KDF spec). */
	createReceipt(reportKey: Uint8Array, cost?: KdfCost): Promise<NewReceipt>;
	deriveReceiptKeys(secret: string, kdfSpec: Uint8Array): Promise<ReceiptKeys>;
	/** A fresh receipt KDF spec (random salt) at the production cost, for a derivation in the crypto worker. */
	newReceiptKdfSpec(): Uint8Array;
	/** Throws unless a receipt KDF spec (from the server) is this suite's at no less than the production cost. */
	requireReceiptKdfSpec(kdfSpec: Uint8Array): void;
	receiptAuthHash(authKey: Uint8Array): Uint8Array;
	/** KDF: a 32-byte secret under a password (format P). */
	passwordWrapKey(key: Uint8Array, password: string, cost?: KdfCost): Promise<Uint8Array>;
	passwordUnwrapKey(wrapped: Uint8Array, password: string): Promise<Uint8Array>;
	/** Staff keys: a box keypair wrapped under the password and a printed recovery key. */
	createStaffKeys(
		password: string,
		cost?: KdfCost
	): Promise<{ bundle: StaffKeyBundle; keyPair: BoxKeyPair; recoveryKey: string }>;
	unlockWithPassword(bundle: StaffKeyBundle, password: string): Promise<BoxKeyPair>;
	unlockWithRecoveryKey(bundle: StaffKeyBundle, recoveryKey: string): BoxKeyPair;

	/* The staff side (issue 21): the formats a staff browser writes besides content and seals. */
	/** A 32-byte MAC under a 32-byte key (HMAC-SHA-512[0..32] / HMAC-SM3): the blind index of ./organ-key.ts. */
	mac(key: Uint8Array, data: Uint8Array): Uint8Array;
	/** Transfer proofs (format T): a box of the statement (NaCl) / an SM2 signature over it (GM). */
	makeTransferProof(
		reportKey: Uint8Array,
		binding: TransferBinding,
		sender: { entryId: Uint8Array; keyPair: BoxKeyPair },
		recipientPublicKey: Uint8Array
	): Uint8Array;
	checkTransferProof(
		proof: Uint8Array,
		reportKey: Uint8Array,
		binding: TransferBinding,
		senderPublicKey: Uint8Array,
		recipient: BoxKeyPair
	): void;
	transferProofSender(proof: Uint8Array): Uint8Array;
	/** The box keypair of a secret box key (a copy; `KEY_MISMATCH` if it is not one of this suite's). */
	boxKeyPairOf(secretKey: Uint8Array): BoxKeyPair;
}

/**
 * The implementation of a suite. The GM suite is a separate chunk, fetched only when a GM deployment asks
 * for it; the NaCl one is part of the core.
 */
export async function loadSuite(id: SuiteId): Promise<Suite> {
	if (id === 'gm') return (await import('./gm/suite')).gmSuite;
	return (await import('./nacl-suite')).naclSuite;
}
