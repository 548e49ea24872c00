import { describe, expect, it } from 'vitest';
import { GM_LENGTHS } from './lengths';
import { GM_TRANSFER_PROOF_LENGTH } from './sizes';
import { gmSuite } from './suite';

describe('GM_LENGTHS', () => {
	it('are the lengths the GM suite writes', async () => {
		const reportKey = new Uint8Array(32).fill(7);
		const receipt = await gmSuite.createReceipt(reportKey, { testOnlyCheap: true });
		const box = gmSuite.generateBoxKeyPair();
		expect({
			summary: gmSuite.encryptSummary(reportKey, new Uint8Array(10)).length,
			kdfSpec: receipt.kdfSpec.length,
			authHash: receipt.authHash.length,
			wrappedKey: receipt.wrappedReportKey.length,
			sealed: gmSuite.sealKey(reportKey, box.publicKey).length,
			transferProof: GM_TRANSFER_PROOF_LENGTH
		}).toEqual(GM_LENGTHS);
		expect(gmSuite.newReceiptKdfSpec().length).toBe(GM_LENGTHS.kdfSpec);
	});
});
