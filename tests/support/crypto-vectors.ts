/**
 * Computes the fixed test vectors (docs/crypto.md, vectors/v1.json) from fixed inputs through the
 * deterministic entry points. vectors.test.ts compares this with the committed JSON. The pieces both suites'
 * vectors share (the inputs, and the vectors built the same way around each suite's own primitives) are
 * exported for gm-vectors.ts.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { chunkNonce, encryptAttachmentWithFileId } from '../../src/lib/crypto/attachment';
import type { ChunkCipher } from '../../src/lib/crypto/attachment-format';
import { encryptContentWithNonce } from '../../src/lib/crypto/content';
import { fromHex, toHex, utf8, encodeCrockford } from '../../src/lib/crypto/encoding';
import { RECEIPT_KDF, STAFF_KDF } from '../../src/lib/crypto/kdf';
import { encodeKdfSpec, passwordWrapKeyWith } from '../../src/lib/crypto/kdf-spec';
import { subkey, wrapKeyWithNonce } from '../../src/lib/crypto/keys';
import { deriveReceiptKeys, receiptAuthHash, receiptCheckChar } from '../../src/lib/crypto/receipt';
import { sealKeyWithEphemeral } from '../../src/lib/crypto/seal';
import { formatRecoveryKey } from '../../src/lib/crypto/staff-keys';
import {
	rootFingerprint,
	rootKeyFromSeed,
	signDirectoryEntry,
	signRevocationList,
	type DirectoryEntry,
	type EntryScheme
} from '../../src/lib/crypto/directory';
import nacl from 'tweetnacl';

export const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
export const seq = (start: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

/** The receipt secret of both suites' `receipt` vector: eleven fixed characters and their check character. */
export function vectorReceiptSecret(): string {
	const receiptPart = 'ABCDEFGHJKM';
	return receiptPart + receiptCheckChar(receiptPart);
}

/** The directory entry both suites sign, for the suite's recipient public key. */
export function vectorEntry(publicKey: Uint8Array): DirectoryEntry {
	return {
		entryId: fill(0xdd, 16),
		staffId: 'staff-0001',
		organId: '市纪委监委',
		role: 'inspector',
		publicKey,
		notBefore: 1_767_225_600, // 2026-01-01T00:00:00Z
		notAfter: 1_798_761_600 // 2027-01-01T00:00:00Z
	};
}

const CONTENT_TEXT = '{"v":1,"text":"清风 test vector"}';

/** The `content` vector: a fixed JSON text encrypted under reportKey by the suite's content cipher. */
export function contentVector(
	reportKey: Uint8Array,
	nonce: Uint8Array,
	encrypt: (reportKey: Uint8Array, content: Uint8Array, nonce: Uint8Array) => Uint8Array
): Record<string, string> {
	const blob = encrypt(reportKey, utf8(CONTENT_TEXT), nonce);
	return {
		reportKey: toHex(reportKey),
		nonce: toHex(nonce),
		plaintextUtf8: CONTENT_TEXT,
		length: String(blob.length),
		output: toHex(blob),
		outputSha256: toHex(sha256(blob))
	};
}

/** The `wrappedKey` vector: key 0x11… wrapped under key-encryption key 0x22… by the suite's key wrap. */
export function wrappedKeyVector(
	nonce: Uint8Array,
	wrap: (key: Uint8Array, kek: Uint8Array, nonce: Uint8Array) => Uint8Array
): Record<string, string> {
	return {
		key: toHex(fill(0x11, 32)),
		kek: toHex(fill(0x22, 32)),
		nonce: toHex(nonce),
		output: toHex(wrap(fill(0x11, 32), fill(0x22, 32), nonce))
	};
}

/**
 * The `attachment` (one chunk) and `attachmentMultiChunk` (100,000 bytes) vectors under reportKey, with the
 * suite's chunk cipher (left out: the default one).
 */
export function attachmentVectors(reportKey: Uint8Array, cipher?: ChunkCipher): Record<string, Record<string, string>> {
	const attachment = encryptAttachmentWithFileId(
		reportKey,
		utf8('hello, attachment'),
		{ name: '证据.txt', type: 'text/plain' },
		fill(0x66, 16),
		cipher
	);
	const multi = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
	const attachmentMulti = encryptAttachmentWithFileId(
		reportKey,
		multi,
		{ name: 'scan.pdf', type: 'application/pdf' },
		fill(0x67, 16),
		cipher
	);
	return {
		attachment: {
			reportKey: toHex(reportKey),
			fileId: toHex(fill(0x66, 16)),
			name: '证据.txt',
			type: 'text/plain',
			dataUtf8: 'hello, attachment',
			length: String(attachment.length),
			output: toHex(attachment),
			outputSha256: toHex(sha256(attachment))
		},
		attachmentMultiChunk: {
			reportKey: toHex(reportKey),
			fileId: toHex(fill(0x67, 16)),
			name: 'scan.pdf',
			type: 'application/pdf',
			data: 'byte i = i mod 251, 100000 bytes',
			length: String(attachmentMulti.length),
			outputSha256: toHex(sha256(attachmentMulti))
		}
	};
}

/** The `receipt` vector: the secret, its encoded KDF spec, the keys derived from them and the auth hash. */
export function receiptVector(
	secret: string,
	kdfSpec: Uint8Array,
	keys: { authKey: Uint8Array; unwrapKey: Uint8Array },
	authHash: (authKey: Uint8Array) => Uint8Array
): Record<string, string> {
	return {
		secret,
		kdfSpec: toHex(kdfSpec),
		authKey: toHex(keys.authKey),
		unwrapKey: toHex(keys.unwrapKey),
		authHash: toHex(authHash(keys.authKey))
	};
}

/**
 * The `directoryEntry` and `revocationList` (revoking that entry) vectors, signed with the root secret key
 * under the suite's entry scheme (left out: the default one).
 */
export function directoryVectors(
	entry: DirectoryEntry,
	rootSecretKey: Uint8Array,
	scheme?: EntryScheme
): Record<string, Record<string, string>> {
	return {
		directoryEntry: {
			entryId: toHex(entry.entryId),
			staffId: entry.staffId,
			organId: entry.organId,
			role: entry.role,
			publicKey: toHex(entry.publicKey),
			notBefore: String(entry.notBefore),
			notAfter: String(entry.notAfter),
			output: toHex(signDirectoryEntry(entry, rootSecretKey, scheme))
		},
		revocationList: {
			issuedAt: '1780000000',
			entryIds: toHex(entry.entryId),
			publicKeys: '',
			output: toHex(
				signRevocationList(
					{ issuedAt: 1_780_000_000, entryIds: [entry.entryId], publicKeys: [] },
					rootSecretKey,
					scheme
				)
			)
		}
	};
}

/** All vectors as hex / text. Runs two real-cost Argon2id derivations. */
export async function computeVectors(): Promise<Record<string, Record<string, string>>> {
	const reportKey = seq(0, 32);
	const recipientSecret = fill(0x44, 32);
	const root = rootKeyFromSeed(fill(0xcc, 32));
	const receiptSecret = vectorReceiptSecret();
	const receiptSpec = { ...RECEIPT_KDF, salt: fill(0x77, 16) };
	const receiptKeys = await deriveReceiptKeys(receiptSecret, receiptSpec);
	const staffSpec = { ...STAFF_KDF, salt: fill(0x88, 16) };
	const entry = vectorEntry(nacl.box.keyPair.fromSecretKey(recipientSecret).publicKey);
	return {
		crockford: {
			input: '00443214c74254b635cf84653a56d7c675be77df',
			output: encodeCrockford(fromHex('00443214c74254b635cf84653a56d7c675be77df'))
		},
		subkey: { key: toHex(reportKey), label: 'content', output: toHex(subkey(reportKey, 'content')) },
		content: contentVector(reportKey, seq(0x40, 24), encryptContentWithNonce),
		wrappedKey: wrappedKeyVector(fill(0x33, 24), wrapKeyWithNonce),
		sealedKey: {
			key: toHex(fill(0x11, 32)),
			recipientSecretKey: toHex(recipientSecret),
			recipientPublicKey: toHex(entry.publicKey),
			ephemeralSecretKey: toHex(fill(0x55, 32)),
			output: toHex(sealKeyWithEphemeral(fill(0x11, 32), entry.publicKey, fill(0x55, 32)))
		},
		chunkNonce: {
			fileId: toHex(fill(0x66, 16)),
			index: '5',
			final: 'true',
			output: toHex(chunkNonce(fill(0x66, 16), 5, true))
		},
		...attachmentVectors(reportKey),
		receipt: receiptVector(receiptSecret, encodeKdfSpec(receiptSpec), receiptKeys, receiptAuthHash),
		passwordWrappedKey: {
			key: toHex(fill(0xaa, 32)),
			password: 'correct horse 清风',
			salt: toHex(staffSpec.salt),
			nonce: toHex(fill(0x99, 24)),
			output: toHex(await passwordWrapKeyWith(fill(0xaa, 32), 'correct horse 清风', staffSpec, fill(0x99, 24)))
		},
		recoveryKey: { key: toHex(fill(0xbb, 32)), text: formatRecoveryKey(fill(0xbb, 32)) },
		rootKey: { seed: toHex(root.seed), publicKey: toHex(root.publicKey), fingerprint: rootFingerprint(root.publicKey) },
		...directoryVectors(entry, root.secretKey)
	};
}
