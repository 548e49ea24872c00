/**
 * Computes the fixed test vectors (docs/crypto.md, vectors/v1.json) from fixed inputs through the
 * deterministic entry points. vectors.test.ts compares this with the committed JSON.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { chunkNonce, encryptAttachmentWithFileId } from '../../src/lib/crypto/attachment';
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
	signRevocationList
} from '../../src/lib/crypto/directory';
import nacl from 'tweetnacl';

const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const seq = (start: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

/** All vectors as hex / text. Runs two real-cost Argon2id derivations. */
export async function computeVectors(): Promise<Record<string, Record<string, string>>> {
	const reportKey = seq(0, 32);
	const content = utf8('{"v":1,"text":"清风 test vector"}');
	const multi = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
	const recipientSecret = fill(0x44, 32);
	const root = rootKeyFromSeed(fill(0xcc, 32));
	const receiptPart = 'ABCDEFGHJKM';
	const receiptSecret = receiptPart + receiptCheckChar(receiptPart);
	const receiptSpec = { ...RECEIPT_KDF, salt: fill(0x77, 16) };
	const receiptKeys = await deriveReceiptKeys(receiptSecret, receiptSpec);
	const staffSpec = { ...STAFF_KDF, salt: fill(0x88, 16) };
	const entry = {
		entryId: fill(0xdd, 16),
		staffId: 'staff-0001',
		organId: '市纪委监委',
		role: 'inspector',
		publicKey: nacl.box.keyPair.fromSecretKey(recipientSecret).publicKey,
		notBefore: 1_767_225_600, // 2026-01-01T00:00:00Z
		notAfter: 1_798_761_600 // 2027-01-01T00:00:00Z
	};
	const attachment = encryptAttachmentWithFileId(
		reportKey,
		utf8('hello, attachment'),
		{ name: '证据.txt', type: 'text/plain' },
		fill(0x66, 16)
	);
	const attachmentMulti = encryptAttachmentWithFileId(
		reportKey,
		multi,
		{ name: 'scan.pdf', type: 'application/pdf' },
		fill(0x67, 16)
	);
	const contentBlob = encryptContentWithNonce(reportKey, content, seq(0x40, 24));
	return {
		crockford: {
			input: '00443214c74254b635cf84653a56d7c675be77df',
			output: encodeCrockford(fromHex('00443214c74254b635cf84653a56d7c675be77df'))
		},
		subkey: { key: toHex(reportKey), label: 'content', output: toHex(subkey(reportKey, 'content')) },
		content: {
			reportKey: toHex(reportKey),
			nonce: toHex(seq(0x40, 24)),
			plaintextUtf8: '{"v":1,"text":"清风 test vector"}',
			length: String(contentBlob.length),
			output: toHex(contentBlob),
			outputSha256: toHex(sha256(contentBlob))
		},
		wrappedKey: {
			key: toHex(fill(0x11, 32)),
			kek: toHex(fill(0x22, 32)),
			nonce: toHex(fill(0x33, 24)),
			output: toHex(wrapKeyWithNonce(fill(0x11, 32), fill(0x22, 32), fill(0x33, 24)))
		},
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
		},
		receipt: {
			secret: receiptSecret,
			kdfSpec: toHex(encodeKdfSpec(receiptSpec)),
			authKey: toHex(receiptKeys.authKey),
			unwrapKey: toHex(receiptKeys.unwrapKey),
			authHash: toHex(receiptAuthHash(receiptKeys.authKey))
		},
		passwordWrappedKey: {
			key: toHex(fill(0xaa, 32)),
			password: 'correct horse 清风',
			salt: toHex(staffSpec.salt),
			nonce: toHex(fill(0x99, 24)),
			output: toHex(await passwordWrapKeyWith(fill(0xaa, 32), 'correct horse 清风', staffSpec, fill(0x99, 24)))
		},
		recoveryKey: { key: toHex(fill(0xbb, 32)), text: formatRecoveryKey(fill(0xbb, 32)) },
		rootKey: { seed: toHex(root.seed), publicKey: toHex(root.publicKey), fingerprint: rootFingerprint(root.publicKey) },
		directoryEntry: {
			entryId: toHex(entry.entryId),
			staffId: entry.staffId,
			organId: entry.organId,
			role: entry.role,
			publicKey: toHex(entry.publicKey),
			notBefore: String(entry.notBefore),
			notAfter: String(entry.notAfter),
			output: toHex(signDirectoryEntry(entry, root.secretKey))
		},
		revocationList: {
			issuedAt: '1780000000',
			entryIds: toHex(fill(0xdd, 16)),
			publicKeys: '',
			output: toHex(
				signRevocationList({ issuedAt: 1_780_000_000, entryIds: [fill(0xdd, 16)], publicKeys: [] }, root.secretKey)
			)
		}
	};
}
