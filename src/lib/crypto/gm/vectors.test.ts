import { describe, expect, it } from 'vitest';
import vectors from '../vectors/gm-v1.json';
import { RANDOMIZED, computeGmVectors } from '$support/gm-vectors';
import { fromHex, fromUtf8, toHex } from '../encoding';
import { verifyDirectoryEntry, verifyRevocationList } from '../directory';
import { gmSuite } from './suite';
import { GM_ENTRIES, gmRootFingerprint } from './directory';

/** Issue 21: the GM suite's project vectors (docs/crypto.md, "The GM suite byte by byte"). */
describe('GM suite vectors (vectors/gm-v1.json)', () => {
	it('recomputes every deterministic vector exactly', async () => {
		const fresh = await computeGmVectors();
		const committed: Record<string, Record<string, string>> = vectors;
		expect(Object.keys(fresh).sort()).toEqual(Object.keys(committed).sort());
		for (const name of Object.keys(fresh)) {
			const { output: freshOut, ...freshInputs } = fresh[name]!;
			const { output: committedOut, ...committedInputs } = committed[name]!;
			expect(freshInputs, name).toEqual(committedInputs);
			if (!(RANDOMIZED as readonly string[]).includes(name)) expect(freshOut, name).toBe(committedOut);
		}
	});

	it('opens and verifies the committed outputs, SM2 ones included', async () => {
		const reportKey = fromHex(vectors.content.reportKey);
		expect(fromUtf8(gmSuite.decryptContent(reportKey, fromHex(vectors.content.output)))).toBe(
			vectors.content.plaintextUtf8
		);
		const att = gmSuite.decryptAttachment(reportKey, fromHex(vectors.attachment.output));
		expect([att.name, att.type, fromUtf8(att.data)]).toEqual(['证据.txt', 'text/plain', 'hello, attachment']);
		expect(toHex(gmSuite.unwrapKey(fromHex(vectors.wrappedKey.output), fromHex(vectors.wrappedKey.kek)))).toBe(
			vectors.wrappedKey.key
		);
		const recipient = {
			publicKey: fromHex(vectors.sealedKey.recipientPublicKey),
			secretKey: fromHex(vectors.sealedKey.recipientSecretKey)
		};
		expect(toHex(gmSuite.openSealedKey(fromHex(vectors.sealedKey.output), recipient))).toBe(vectors.sealedKey.key);
		const pw = await gmSuite.passwordUnwrapKey(
			fromHex(vectors.passwordWrappedKey.output),
			vectors.passwordWrappedKey.password
		);
		expect(toHex(pw)).toBe(vectors.passwordWrappedKey.key);
		const receipt = await gmSuite.deriveReceiptKeys(vectors.receipt.secret, fromHex(vectors.receipt.kdfSpec));
		expect(toHex(gmSuite.receiptAuthHash(receipt.authKey))).toBe(vectors.receipt.authHash);
		const root = fromHex(vectors.rootKey.publicKey);
		expect(gmRootFingerprint(root)).toBe(vectors.rootKey.fingerprint);
		const entry = verifyDirectoryEntry(fromHex(vectors.directoryEntry.output), root, {
			now: Date.UTC(2026, 5, 1),
			scheme: GM_ENTRIES
		});
		expect([entry.organId, toHex(entry.publicKey)]).toEqual([
			vectors.directoryEntry.organId,
			vectors.sealedKey.recipientPublicKey
		]);
		const rev = verifyRevocationList(fromHex(vectors.revocationList.output), root, GM_ENTRIES);
		expect(rev.entryIds.has(vectors.revocationList.entryIds)).toBe(true);
	});
});
