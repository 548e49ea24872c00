import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { expectCryptoError } from '$support/crypto';
import { fromUtf8, utf8 } from './encoding';
import { generateReportKey } from './keys';
import { ENTRY_ID_LENGTH, newEntryId } from './directory';
import { CONTENT_OVERHEAD } from './content';
import { decryptNote, encryptNote, isNoteCiphertext } from './notes';
import { SUMMARY_CIPHERTEXT_LENGTH, decryptSummary, encryptSummary, isSummaryCiphertext } from './summary';
import {
	TRANSFER_PROOF_LENGTH,
	checkTransferProof,
	isTransferProof,
	makeTransferProof,
	transferProofSender
} from './transfer';
import { newRegisterKey, openJson, registerKeys, sealJson, wrapsFor } from './register';
import {
	blindIndexKey,
	blindPerson,
	decryptLeadDetails,
	decryptLeadPerson,
	encryptLeadDetails,
	encryptLeadPerson
} from './organ-key';
import { rewrapForNewRecoveryKey } from './staff-keys';
import { naclSuite } from './nacl-suite';
import { gmSuite } from './gm/suite';
import { GM_CONTENT_OVERHEAD } from './gm/formats';
import { GM_SUMMARY_LENGTH } from './gm/staff';
import { GM_CONTENT_OVERHEAD_BYTES, GM_TRANSFER_PROOF_LENGTH } from './gm/sizes';
import type { Suite } from './suite';

/** Issue 21, the staff side: every staff-side format under both suites. */
const SUITES: [Suite, Suite][] = [
	[naclSuite, gmSuite],
	[gmSuite, naclSuite]
];
const CTX = { reportId: 'r-1', authorId: 'staff-1', kind: 'note' };

describe.each(SUITES)('staff-side formats, suite $id', (suite, otherSuite) => {
	it('notes: round trip, bound to their context, refused by the other suite', () => {
		const key = generateReportKey();
		const blob = encryptNote(key, CTX, utf8('内部意见'), suite);
		expect(blob[0]).toBe(suite.version);
		expect(isNoteCiphertext(blob)).toBe(true);
		expect(fromUtf8(decryptNote(key, CTX, blob, suite))).toBe('内部意见');
		expectCryptoError(() => decryptNote(key, { ...CTX, authorId: 'staff-2' }, blob, suite), 'DECRYPT_FAILED');
		expectCryptoError(() => suite.decryptContent(key, blob), 'WRONG_KIND');
		expectCryptoError(() => decryptNote(key, CTX, blob, otherSuite), 'UNSUPPORTED_VERSION');
		// a note of before (content under the report key) still reads
		expect(fromUtf8(decryptNote(key, CTX, suite.encryptContent(key, utf8('old')), suite))).toBe('old');
	});

	it('summaries: one length in both suites, round trip, tampering and the other suite refused', () => {
		const key = generateReportKey();
		const blob = encryptSummary(key, utf8('张三 · 违规收受礼金'), suite);
		expect(blob.length).toBe(SUMMARY_CIPHERTEXT_LENGTH);
		expect(isSummaryCiphertext(blob)).toBe(true);
		expect(fromUtf8(decryptSummary(key, blob, suite))).toBe('张三 · 违规收受礼金');
		const bad = blob.slice();
		bad[bad.length - 1]! ^= 1;
		expectCryptoError(() => decryptSummary(key, bad, suite), 'DECRYPT_FAILED');
		expectCryptoError(() => decryptSummary(generateReportKey(), blob, suite), 'DECRYPT_FAILED');
		expectCryptoError(() => decryptSummary(key, blob, otherSuite), 'UNSUPPORTED_VERSION');
		expectCryptoError(() => suite.decryptContent(key, blob), 'WRONG_KIND');
	});

	it('transfer proofs: made by the sender, bound to report, recipient, wrap and key', () => {
		const key = generateReportKey();
		const sender = { entryId: newEntryId(), keyPair: suite.generateBoxKeyPair() };
		const recipient = suite.generateBoxKeyPair();
		const sealed = suite.sealKey(key, recipient.publicKey);
		const b = { reportId: 'r-1', recipientEntryId: newEntryId(), sealed };
		const proof = makeTransferProof(key, b, sender, recipient.publicKey, suite);
		expect(proof[0]).toBe(suite.version);
		expect(proof.length).toBe(suite.id === 'gm' ? GM_TRANSFER_PROOF_LENGTH : TRANSFER_PROOF_LENGTH);
		expect(isTransferProof(proof)).toBe(true);
		expect(transferProofSender(proof, suite)).toEqual(sender.entryId);
		const opened = suite.openSealedKey(sealed, recipient);
		expect(() => checkTransferProof(proof, opened, b, sender.keyPair.publicKey, recipient, suite)).not.toThrow();
		const fail = (fn: () => unknown) => expectCryptoError(fn, 'DECRYPT_FAILED');
		fail(() =>
			checkTransferProof(proof, opened, { ...b, reportId: 'r-2' }, sender.keyPair.publicKey, recipient, suite)
		);
		fail(() =>
			checkTransferProof(
				proof,
				opened,
				{ ...b, recipientEntryId: newEntryId() },
				sender.keyPair.publicKey,
				recipient,
				suite
			)
		);
		const otherSealed = suite.sealKey(key, recipient.publicKey);
		fail(() =>
			checkTransferProof(proof, opened, { ...b, sealed: otherSealed }, sender.keyPair.publicKey, recipient, suite)
		);
		fail(() => checkTransferProof(proof, generateReportKey(), b, sender.keyPair.publicKey, recipient, suite));
		fail(() => checkTransferProof(proof, opened, b, suite.generateBoxKeyPair().publicKey, recipient, suite));
		const tampered = proof.slice();
		tampered[tampered.length - 3]! ^= 4;
		fail(() => checkTransferProof(tampered, opened, b, sender.keyPair.publicKey, recipient, suite));
		expectCryptoError(() => transferProofSender(proof, otherSuite), 'UNSUPPORTED_VERSION');
	});

	it('the register: keys, sealed JSON and wraps in the suite', () => {
		const text = newRegisterKey();
		const keys = registerKeys(text, suite);
		expect(registerKeys(text, suite)).toEqual(keys);
		expect(registerKeys(text, otherSuite).auth).not.toBe(keys.auth);
		const b64 = sealJson(keys.content, { v: 1, type: 'zero', period: '2026-Q2' }, suite);
		expect(openJson(keys.content, b64, suite)).toEqual({ v: 1, type: 'zero', period: '2026-Q2' });
		expect(() => openJson(keys.content, b64, otherSuite)).toThrow();
		const staff = suite.generateBoxKeyPair();
		const [wrap] = wrapsFor(keys.content, [{ entryId: newEntryId(), publicKey: staff.publicKey }], suite);
		expect(
			suite.openSealedKey(
				Uint8Array.from(atob(wrap!.sealed), (c) => c.charCodeAt(0)),
				staff
			)
		).toEqual(keys.content);
	});

	it('organ keys: lead details, persons and the blind index in the suite', () => {
		const organKey = generateReportKey();
		const details = encryptLeadDetails(organKey, 'o1', 'l1', { a: '线索' }, suite);
		expect(details[0]).toBe(suite.version);
		expect(decryptLeadDetails(organKey, 'o1', 'l1', details, suite)).toEqual({ a: '线索' });
		expectCryptoError(() => decryptLeadDetails(organKey, 'o1', 'l2', details, suite), 'DECRYPT_FAILED');
		expectCryptoError(() => decryptLeadDetails(organKey, 'o1', 'l1', details, otherSuite), 'UNSUPPORTED_VERSION');
		const person = encryptLeadPerson(organKey, 'o1', 'l1', 'p1', { name: '李四' }, suite);
		expect(decryptLeadPerson(organKey, 'o1', 'l1', 'p1', person, suite)).toEqual({ name: '李四' });
		expectCryptoError(() => decryptLeadPerson(organKey, 'o1', 'l1', 'p2', person, suite), 'DECRYPT_FAILED');
		const index = blindIndexKey(organKey, 'o1', suite);
		const a = blindPerson(index, '李四', '某局', suite);
		expect(a.blindName.length).toBe(32);
		expect(blindPerson(index, '李四', '某局', suite)).toEqual(a);
		expect(blindPerson(blindIndexKey(organKey, 'o2', suite), '李四', '某局', suite).blindName).not.toEqual(a.blindName);
		expect(blindPerson(index, '李四', '某局', otherSuite).blindName).not.toEqual(a.blindName);
	});

	it('staff keys: a new recovery key re-wraps in the suite, and unlocks', async () => {
		const { bundle, keyPair, recoveryKey } = await suite.createStaffKeys('pw 密码', { testOnlyCheap: true });
		const renewed = rewrapForNewRecoveryKey(bundle, keyPair, suite);
		expect(renewed.recoveryKey).not.toBe(recoveryKey);
		expect(renewed.bundle.recoveryWrapped[0]).toBe(suite.version);
		expect(suite.unlockWithRecoveryKey(renewed.bundle, renewed.recoveryKey).secretKey).toEqual(keyPair.secretKey);
		expect(() => suite.unlockWithRecoveryKey(renewed.bundle, recoveryKey)).toThrow();
		expect(suite.boxKeyPairOf(keyPair.secretKey).publicKey).toEqual(bundle.publicKey);
		expectCryptoError(() => suite.boxKeyPairOf(keyPair.secretKey.subarray(1)), 'KEY_MISMATCH');
		const stranger = suite.generateBoxKeyPair();
		expectCryptoError(() => rewrapForNewRecoveryKey(bundle, stranger, suite), 'KEY_MISMATCH');
	});

	it('property: a transfer proof holds only for its report id, and any flipped byte is refused', () => {
		const sender = { entryId: newEntryId(), keyPair: suite.generateBoxKeyPair() };
		const recipient = suite.generateBoxKeyPair();
		fc.assert(
			fc.property(
				fc.string({ minLength: 1, maxLength: 60 }),
				fc.string({ minLength: 1, maxLength: 60 }),
				fc.nat(),
				fc.integer({ min: 0, max: 7 }),
				(reportId, otherId, at, bit) => {
					const key = generateReportKey();
					const b = { reportId, recipientEntryId: newEntryId(), sealed: suite.sealKey(key, recipient.publicKey) };
					const proof = makeTransferProof(key, b, sender, recipient.publicKey, suite);
					const check = (p: Uint8Array, bb = b) =>
						checkTransferProof(p, key, bb, sender.keyPair.publicKey, recipient, suite);
					expect(() => check(proof)).not.toThrow();
					if (otherId !== reportId) expect(() => check(proof, { ...b, reportId: otherId })).toThrow();
					// bytes 2..18 name the sender entry (looked up in the signed directory, not checked here)
					const i = at % (proof.length - ENTRY_ID_LENGTH);
					const bad = proof.slice();
					bad[i < 2 ? i : i + ENTRY_ID_LENGTH]! ^= 1 << bit;
					expect(() => check(bad)).toThrow();
					const renamed = proof.slice();
					renamed[2 + (at % ENTRY_ID_LENGTH)]! ^= 1 << bit;
					expect(transferProofSender(renamed, suite)).not.toEqual(sender.entryId);
				}
			),
			{ numRuns: suite.id === 'gm' ? 8 : 30 }
		);
	});

	it('property: any note and summary round-trip, any single flipped byte is refused', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (plain, at, bit) => {
				const key = generateReportKey();
				const note = encryptNote(key, CTX, plain, suite);
				expect(decryptNote(key, CTX, note, suite)).toEqual(plain);
				const summary = encryptSummary(key, plain, suite);
				expect(decryptSummary(key, summary, suite)).toEqual(plain);
				for (const [blob, open] of [
					[note, (b: Uint8Array) => decryptNote(key, CTX, b, suite)],
					[summary, (b: Uint8Array) => decryptSummary(key, b, suite)]
				] as const) {
					const bad = blob.slice();
					bad[at % bad.length]! ^= 1 << bit;
					expect(() => open(bad)).toThrow();
					expect(() => open(blob.subarray(0, blob.length - 1))).toThrow();
				}
			}),
			{ numRuns: suite.id === 'gm' ? 15 : 40 }
		);
	});
});

describe('GM sizes known without loading 国密 code (gm/sizes.ts)', () => {
	it('match what the GM formats write', () => {
		expect(GM_CONTENT_OVERHEAD_BYTES).toBe(GM_CONTENT_OVERHEAD);
		expect(GM_SUMMARY_LENGTH).toBe(SUMMARY_CIPHERTEXT_LENGTH);
		expect(CONTENT_OVERHEAD).not.toBe(GM_CONTENT_OVERHEAD);
		expect(isTransferProof(new Uint8Array(GM_TRANSFER_PROOF_LENGTH))).toBe(false);
	});
});
