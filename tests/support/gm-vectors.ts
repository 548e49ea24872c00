/**
 * The GM suite's project vectors (issue 21; docs/crypto.md, "The GM suite byte by byte";
 * src/lib/crypto/vectors/gm-v1.json, written by `npx tsx tests/support/gm-vectors.ts`). Deterministic formats are
 * recomputed exactly by gm-vectors.test.ts; SM2 encryption and signatures draw a fresh random k, so their
 * committed outputs are checked by opening and verifying them.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { sha256 } from '@oslojs/crypto/sha2';
import { encryptAttachmentWithFileId } from '../../src/lib/crypto/attachment';
import { toHex, utf8 } from '../../src/lib/crypto/encoding';
import {
	GM_CHUNKS,
	gmEncryptContentWithNonce,
	gmSealKey,
	gmSubkey,
	gmWrapKeyWithNonce
} from '../../src/lib/crypto/gm/formats';
import {
	GM_RECEIPT_ITERATIONS,
	GM_STAFF_ITERATIONS,
	encodeGmKdfSpec,
	gmDeriveReceiptKeys,
	gmPasswordWrapKeyWith,
	gmReceiptAuthHash
} from '../../src/lib/crypto/gm/kdf';
import { GM_ENTRIES, gmKeyPairFromSecret, gmRootFingerprint } from '../../src/lib/crypto/gm/directory';
import { signDirectoryEntry, signRevocationList } from '../../src/lib/crypto/directory';
import { receiptCheckChar } from '../../src/lib/crypto/receipt';
import { sm3 } from '../../src/lib/crypto/gm/primitives';

export const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
export const seq = (start: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

export type GmVectors = Record<string, Record<string, string>>;

/** Names of the vectors whose output is randomized (SM2): checked by opening or verifying. */
export const RANDOMIZED = ['sealedKey', 'directoryEntry', 'revocationList'] as const;

export function gmInputs() {
	const reportKey = seq(0, 32);
	const recipient = gmKeyPairFromSecret(fill(0x44, 32));
	const root = gmKeyPairFromSecret(fill(0xcc, 32));
	const receiptPart = 'ABCDEFGHJKM';
	const entry = {
		entryId: fill(0xdd, 16),
		staffId: 'staff-0001',
		organId: '市纪委监委',
		role: 'inspector',
		publicKey: recipient.publicKey,
		notBefore: 1_767_225_600, // 2026-01-01T00:00:00Z
		notAfter: 1_798_761_600 // 2027-01-01T00:00:00Z
	};
	return { reportKey, recipient, root, receiptSecret: receiptPart + receiptCheckChar(receiptPart), entry };
}

/** All GM vectors as hex / text (two production-cost PBKDF2-HMAC-SM3 derivations). */
export async function computeGmVectors(): Promise<GmVectors> {
	const { reportKey, recipient, root, receiptSecret, entry } = gmInputs();
	const content = utf8('{"v":1,"text":"清风 test vector"}');
	const contentBlob = gmEncryptContentWithNonce(reportKey, content, seq(0x40, 12));
	const attachment = encryptAttachmentWithFileId(
		reportKey,
		utf8('hello, attachment'),
		{ name: '证据.txt', type: 'text/plain' },
		fill(0x66, 16),
		GM_CHUNKS
	);
	const multi = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
	const attachmentMulti = encryptAttachmentWithFileId(
		reportKey,
		multi,
		{ name: 'scan.pdf', type: 'application/pdf' },
		fill(0x67, 16),
		GM_CHUNKS
	);
	const receiptSpec = encodeGmKdfSpec({ iterations: GM_RECEIPT_ITERATIONS, salt: fill(0x77, 16) });
	const receiptKeys = await gmDeriveReceiptKeys(receiptSecret, receiptSpec);
	const staffSpec = { iterations: GM_STAFF_ITERATIONS, salt: fill(0x88, 16) };
	return {
		sm3: { input: 'abc', output: toHex(sm3(utf8('abc'))) },
		subkey: { key: toHex(reportKey), label: 'content', output: toHex(gmSubkey(reportKey, 'content')) },
		content: {
			reportKey: toHex(reportKey),
			nonce: toHex(seq(0x40, 12)),
			plaintextUtf8: '{"v":1,"text":"清风 test vector"}',
			length: String(contentBlob.length),
			output: toHex(contentBlob),
			outputSha256: toHex(sha256(contentBlob))
		},
		wrappedKey: {
			key: toHex(fill(0x11, 32)),
			kek: toHex(fill(0x22, 32)),
			nonce: toHex(fill(0x33, 12)),
			output: toHex(gmWrapKeyWithNonce(fill(0x11, 32), fill(0x22, 32), fill(0x33, 12)))
		},
		sealedKey: {
			key: toHex(fill(0x11, 32)),
			recipientSecretKey: toHex(recipient.secretKey),
			recipientPublicKey: toHex(recipient.publicKey),
			output: toHex(gmSealKey(fill(0x11, 32), recipient.publicKey))
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
			kdfSpec: toHex(receiptSpec),
			authKey: toHex(receiptKeys.authKey),
			unwrapKey: toHex(receiptKeys.unwrapKey),
			authHash: toHex(gmReceiptAuthHash(receiptKeys.authKey))
		},
		passwordWrappedKey: {
			key: toHex(fill(0xaa, 32)),
			password: 'correct horse 清风',
			iterations: String(staffSpec.iterations),
			salt: toHex(staffSpec.salt),
			nonce: toHex(fill(0x99, 12)),
			output: toHex(gmPasswordWrapKeyWith(fill(0xaa, 32), 'correct horse 清风', staffSpec, fill(0x99, 12)))
		},
		rootKey: {
			secretKey: toHex(root.secretKey),
			publicKey: toHex(root.publicKey),
			fingerprint: gmRootFingerprint(root.publicKey)
		},
		directoryEntry: {
			entryId: toHex(entry.entryId),
			staffId: entry.staffId,
			organId: entry.organId,
			role: entry.role,
			publicKey: toHex(entry.publicKey),
			notBefore: String(entry.notBefore),
			notAfter: String(entry.notAfter),
			output: toHex(signDirectoryEntry(entry, root.secretKey, GM_ENTRIES))
		},
		revocationList: {
			issuedAt: '1780000000',
			entryIds: toHex(fill(0xdd, 16)),
			publicKeys: '',
			output: toHex(
				signRevocationList(
					{ issuedAt: 1_780_000_000, entryIds: [fill(0xdd, 16)], publicKeys: [] },
					root.secretKey,
					GM_ENTRIES
				)
			)
		}
	};
}

/** `npx tsx tests/support/gm-vectors.ts` rewrites the committed file (only when a GM format changes on purpose). */
if (typeof process !== 'undefined' && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const out = new URL('../../src/lib/crypto/vectors/gm-v1.json', import.meta.url);
	writeFileSync(out, JSON.stringify(await computeGmVectors(), null, '\t') + '\n');
	console.log(`wrote ${out.pathname}`);
}
