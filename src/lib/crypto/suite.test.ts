import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expectCryptoError, expectCryptoErrorAsync } from '$support/crypto';
import { utf8 } from './encoding';
import { generateReportKey } from './keys';
import {
	newEntryId,
	signDirectoryEntry,
	signRevocationList,
	verifyDirectoryEntry,
	verifyRevocationList
} from './directory';
import { DEFAULT_SUITE, SUITE_IDS, loadSuite, suiteOfBytes, type Suite } from './suite';
import { naclSuite } from './nacl-suite';
import { gmSuite } from './gm/suite';

const SUITES: Suite[] = [naclSuite, gmSuite];
const NOW = Date.UTC(2026, 5, 1);

describe('cipher suites (issue 21)', () => {
	it('loadSuite gives each suite by id, and NaCl is the default', async () => {
		expect(DEFAULT_SUITE).toBe('nacl');
		for (const id of SUITE_IDS) expect((await loadSuite(id)).id).toBe(id);
		expect(await loadSuite('gm')).toBe(gmSuite);
	});

	it('every format of one suite is refused by the other with UNSUPPORTED_VERSION', async () => {
		const key = generateReportKey();
		for (const [a, b] of [
			[naclSuite, gmSuite],
			[gmSuite, naclSuite]
		] as const) {
			const content = a.encryptContent(key, utf8('x'));
			expect(suiteOfBytes(content)).toBe(a.id);
			expectCryptoError(() => b.decryptContent(key, content), 'UNSUPPORTED_VERSION');
			expectCryptoError(() => b.unwrapKey(a.wrapKey(key, key), key), 'UNSUPPORTED_VERSION');
			const att = a.encryptAttachment(key, utf8('file'), { name: 'a', type: '' });
			expectCryptoError(() => b.decryptAttachment(key, att), 'UNSUPPORTED_VERSION');
			const mine = b.generateBoxKeyPair();
			expectCryptoError(() => b.openSealedKey(a.sealKey(key, a.generateBoxKeyPair().publicKey), mine));
			const pw = await a.passwordWrapKey(key, 'pw', { testOnlyCheap: true });
			await expectCryptoErrorAsync(() => b.passwordUnwrapKey(pw, 'pw'), 'UNSUPPORTED_VERSION');
			const receipt = await a.createReceipt(key, { testOnlyCheap: true });
			await expectCryptoErrorAsync(() => b.deriveReceiptKeys(receipt.secret, receipt.kdfSpec), 'UNSUPPORTED_VERSION');
		}
	});
});

describe.each(SUITES)('the $id suite', (suite) => {
	it('signatures: verify, and refuse any change of message, signature or key', () => {
		const signer = suite.generateSigningKeyPair();
		const other = suite.generateSigningKeyPair();
		fc.assert(
			fc.property(
				fc.uint8Array({ minLength: 1, maxLength: 300 }),
				fc.nat(),
				fc.integer({ min: 1, max: 255 }),
				(m, pos, x) => {
					const sig = suite.sign(m, signer.secretKey);
					expect(suite.verify(m, sig, signer.publicKey)).toBe(true);
					expect(suite.verify(m, sig, other.publicKey)).toBe(false);
					const badSig = sig.slice();
					badSig[pos % sig.length] = (badSig[pos % sig.length] as number) ^ x;
					expect(suite.verify(m, badSig, signer.publicKey)).toBe(false);
					const badMsg = m.slice();
					badMsg[pos % m.length] = (badMsg[pos % m.length] as number) ^ x;
					expect(suite.verify(badMsg, sig, signer.publicKey)).toBe(false);
					expect(suite.verify(m, sig.subarray(1), signer.publicKey)).toBe(false);
				}
			),
			{ numRuns: 25 }
		);
	});

	it('directory entries and revocation lists: signed by the root, refused when changed or for the other suite', () => {
		const root = suite.generateSigningKeyPair();
		const box = suite.generateBoxKeyPair();
		const entry = {
			entryId: newEntryId(),
			staffId: 'staff-1',
			organId: '市纪委监委',
			role: 'inspector',
			publicKey: box.publicKey,
			notBefore: 1_767_225_600,
			notAfter: 1_798_761_600
		};
		const signed = signDirectoryEntry(entry, root.secretKey, suite.entries);
		expect(signed[0]).toBe(suite.version);
		const ok = verifyDirectoryEntry(signed, root.publicKey, { now: NOW, scheme: suite.entries });
		expect(ok.publicKey).toEqual(box.publicKey);
		for (let at = 0; at < signed.length; at += 7) {
			const bad = signed.slice();
			bad[at] = (bad[at] as number) ^ 1;
			expectCryptoError(() => verifyDirectoryEntry(bad, root.publicKey, { now: NOW, scheme: suite.entries }));
		}
		const otherSuite = suite.id === 'gm' ? naclSuite : gmSuite;
		const otherRoot = otherSuite.generateSigningKeyPair();
		expectCryptoError(
			() => verifyDirectoryEntry(signed, otherRoot.publicKey, { now: NOW, scheme: otherSuite.entries }),
			'UNSUPPORTED_VERSION'
		);
		const list = signRevocationList(
			{ issuedAt: 1_780_000_000, entryIds: [entry.entryId], publicKeys: [box.publicKey] },
			root.secretKey,
			suite.entries
		);
		const rev = verifyRevocationList(list, root.publicKey, suite.entries);
		expectCryptoError(
			() => verifyDirectoryEntry(signed, root.publicKey, { now: NOW, scheme: suite.entries, revocations: rev }),
			'REVOKED'
		);
		const badList = list.slice();
		badList[5] = (badList[5] as number) ^ 1;
		expectCryptoError(() => verifyRevocationList(badList, root.publicKey, suite.entries), 'BAD_SIGNATURE');
		expect(suite.rootFingerprint(root.publicKey)).toMatch(/^\d{5}( \d{5}){5}$/);
	});

	it('receipts: the secret opens the report key; another secret or a changed spec does not', async () => {
		const key = generateReportKey();
		const r = await suite.createReceipt(key, { testOnlyCheap: true });
		const keys = await suite.deriveReceiptKeys(r.secret, r.kdfSpec);
		expect(suite.receiptAuthHash(keys.authKey)).toEqual(r.authHash);
		expect(suite.unwrapKey(r.wrappedReportKey, keys.unwrapKey)).toEqual(key);
		const other = await suite.createReceipt(key, { testOnlyCheap: true });
		const wrong = await suite.deriveReceiptKeys(other.secret, r.kdfSpec);
		expectCryptoError(() => suite.unwrapKey(r.wrappedReportKey, wrong.unwrapKey), 'DECRYPT_FAILED');
		const spec = r.kdfSpec.slice();
		spec[spec.length - 1] = (spec[spec.length - 1] as number) ^ 1; // another salt
		const salted = await suite.deriveReceiptKeys(r.secret, spec);
		expect(salted.authKey).not.toEqual(keys.authKey);
	});

	it('staff keys: password and recovery key unlock; a wrong password, a tampered wrap or a swapped public key do not', async () => {
		const { bundle, keyPair, recoveryKey } = await suite.createStaffKeys('correct horse 清风', { testOnlyCheap: true });
		expect((await suite.unlockWithPassword(bundle, 'correct horse 清风')).secretKey).toEqual(keyPair.secretKey);
		expect(suite.unlockWithRecoveryKey(bundle, recoveryKey).secretKey).toEqual(keyPair.secretKey);
		await expectCryptoErrorAsync(() => suite.unlockWithPassword(bundle, 'wrong'), 'DECRYPT_FAILED');
		const bad = bundle.passwordWrapped.slice();
		bad[10] = (bad[10] as number) ^ 1; // inside the KDF spec (salt), which the GM suite also binds as AD
		await expectCryptoErrorAsync(() =>
			suite.unlockWithPassword({ ...bundle, passwordWrapped: bad }, 'correct horse 清风')
		);
		const swapped = { ...bundle, publicKey: suite.generateBoxKeyPair().publicKey };
		expectCryptoError(() => suite.unlockWithRecoveryKey(swapped, recoveryKey), 'KEY_MISMATCH');
		const key = generateReportKey();
		expect(suite.openSealedKey(suite.sealKey(key, bundle.publicKey), keyPair)).toEqual(key);
	});
});
