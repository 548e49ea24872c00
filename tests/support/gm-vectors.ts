/**
 * The GM suite's project vectors (issue 21; docs/crypto.md, "The GM suite byte by byte";
 * src/lib/crypto/vectors/gm-v1.json, written by `npx tsx tests/support/gm-vectors.ts`). Deterministic formats are
 * recomputed exactly by gm-vectors.test.ts; SM2 encryption and signatures draw a fresh random k, so their
 * committed outputs are checked by opening and verifying them.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
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
import { sm3 } from '../../src/lib/crypto/gm/primitives';
import {
	attachmentVectors,
	contentVector,
	directoryVectors,
	fill,
	receiptVector,
	seq,
	vectorEntry,
	vectorReceiptSecret,
	wrappedKeyVector
} from './crypto-vectors';

export { fill, seq };

export type GmVectors = Record<string, Record<string, string>>;

/** Names of the vectors whose output is randomized (SM2): checked by opening or verifying. */
export const RANDOMIZED = ['sealedKey', 'directoryEntry', 'revocationList'] as const;

export function gmInputs() {
	const reportKey = seq(0, 32);
	const recipient = gmKeyPairFromSecret(fill(0x44, 32));
	const root = gmKeyPairFromSecret(fill(0xcc, 32));
	return { reportKey, recipient, root, receiptSecret: vectorReceiptSecret(), entry: vectorEntry(recipient.publicKey) };
}

/** All GM vectors as hex / text (two production-cost PBKDF2-HMAC-SM3 derivations). */
export async function computeGmVectors(): Promise<GmVectors> {
	const { reportKey, recipient, root, receiptSecret, entry } = gmInputs();
	const receiptSpec = encodeGmKdfSpec({ iterations: GM_RECEIPT_ITERATIONS, salt: fill(0x77, 16) });
	const receiptKeys = await gmDeriveReceiptKeys(receiptSecret, receiptSpec);
	const staffSpec = { iterations: GM_STAFF_ITERATIONS, salt: fill(0x88, 16) };
	return {
		sm3: { input: 'abc', output: toHex(sm3(utf8('abc'))) },
		subkey: { key: toHex(reportKey), label: 'content', output: toHex(gmSubkey(reportKey, 'content')) },
		content: contentVector(reportKey, seq(0x40, 12), gmEncryptContentWithNonce),
		wrappedKey: wrappedKeyVector(fill(0x33, 12), gmWrapKeyWithNonce),
		sealedKey: {
			key: toHex(fill(0x11, 32)),
			recipientSecretKey: toHex(recipient.secretKey),
			recipientPublicKey: toHex(recipient.publicKey),
			output: toHex(gmSealKey(fill(0x11, 32), recipient.publicKey))
		},
		...attachmentVectors(reportKey, GM_CHUNKS),
		receipt: receiptVector(receiptSecret, receiptSpec, receiptKeys, gmReceiptAuthHash),
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
		...directoryVectors(entry, root.secretKey, GM_ENTRIES)
	};
}

/** `npx tsx tests/support/gm-vectors.ts` rewrites the committed file (only when a GM format changes on purpose). */
if (typeof process !== 'undefined' && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const out = new URL('../../src/lib/crypto/vectors/gm-v1.json', import.meta.url);
	writeFileSync(out, JSON.stringify(await computeGmVectors(), null, '\t') + '\n');
	console.log(`wrote ${out.pathname}`);
}
