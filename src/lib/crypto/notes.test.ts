import { describe, expect, it } from 'vitest';
import { decryptContent, encryptContent } from './content';
import { fromUtf8, utf8 } from './encoding';
import { CryptoAuthError, CryptoFormatError } from './errors';
import { generateReportKey, unwrapKey, wrapKey } from './keys';
import { decryptNote, encryptNote, isNoteBlob, type NoteContext } from './notes';

const ctx: NoteContext = {
	reportId: '0b8f4a62-3a55-4c52-9a0e-0c6f3f3c2a10',
	authorId: '6f1c0d3e-8f1a-4d8e-bb4b-5b3a4a9e7c21',
	kind: 'note'
};

describe('internal notes (format N)', () => {
	it('round-trips a note in its context', () => {
		const key = generateReportKey();
		const blob = encryptNote(key, ctx, utf8('内部意见'));
		expect(isNoteBlob(blob)).toBe(true);
		expect(fromUtf8(decryptNote(key, ctx, blob))).toBe('内部意见');
	});

	it("cannot be decrypted on the receipt's path (the report key the receipt unwraps, as a message)", () => {
		const key = generateReportKey();
		const receiptKek = generateReportKey();
		const fromReceipt = unwrapKey(wrapKey(key, receiptKek), receiptKek);
		const blob = encryptNote(key, ctx, utf8('内部意见'));
		expect(() => decryptContent(fromReceipt, blob)).toThrow(CryptoFormatError);
		const relabelled = blob.slice();
		relabelled[1] = 0x43; // the server relabels it as a message: the key still differs
		expect(() => decryptContent(fromReceipt, relabelled)).toThrow(CryptoAuthError);
	});

	it('fails to open when moved to another report, another author or another kind', () => {
		const key = generateReportKey();
		const blob = encryptNote(key, ctx, utf8('内部意见'));
		for (const other of [
			{ ...ctx, reportId: '1b8f4a62-3a55-4c52-9a0e-0c6f3f3c2a10' },
			{ ...ctx, authorId: '7f1c0d3e-8f1a-4d8e-bb4b-5b3a4a9e7c21' },
			{ ...ctx, kind: 'rationale' }
		])
			expect(() => decryptNote(key, other, blob)).toThrow(CryptoAuthError);
	});

	it('still reads a note of before (format C under the report key)', () => {
		const key = generateReportKey();
		const old = encryptContent(key, utf8('{"text":"旧意见"}'));
		expect(fromUtf8(decryptNote(key, ctx, old))).toBe('{"text":"旧意见"}');
	});
});
