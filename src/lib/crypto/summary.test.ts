import { describe, expect, it } from 'vitest';
import { decryptContent, encryptContent } from './content';
import { utf8, fromUtf8 } from './encoding';
import { CryptoAuthError, CryptoFormatError } from './errors';
import { generateReportKey } from './keys';
import {
	MAX_SUMMARY_LENGTH,
	SUMMARY_CIPHERTEXT_LENGTH,
	decryptSummary,
	encryptSummary,
	isSummaryCiphertext
} from './summary';

describe('inbox summary (format I)', () => {
	it('round-trips a summary under the report key, at one fixed size whatever its length', () => {
		const key = generateReportKey();
		const s = utf8('{"v":1,"person":"张三 · 局长","subject":"第一行"}');
		const short = encryptSummary(key, s);
		const long = encryptSummary(key, new Uint8Array(MAX_SUMMARY_LENGTH).fill(0x61));
		expect(short.length).toBe(SUMMARY_CIPHERTEXT_LENGTH);
		expect(long.length).toBe(SUMMARY_CIPHERTEXT_LENGTH);
		expect(isSummaryCiphertext(short)).toBe(true);
		expect(decryptSummary(key, short)).toEqual(s);
		expect(fromUtf8(decryptSummary(key, long))).toBe('a'.repeat(MAX_SUMMARY_LENGTH));
	});

	it('does not open with another key, as content, or tampered; content does not open as a summary', () => {
		const key = generateReportKey();
		const blob = encryptSummary(key, utf8('{"v":1,"person":"p","subject":"s"}'));
		expect(() => decryptSummary(generateReportKey(), blob)).toThrow(CryptoAuthError);
		const flipped = blob.slice();
		flipped[40] = (flipped[40] as number) ^ 1;
		expect(() => decryptSummary(key, flipped)).toThrow(CryptoAuthError);
		expect(() => decryptContent(key, blob)).toThrow(CryptoFormatError);
		// Relabelled as content, the sub-key still differs ("summary" vs "content"): no decryption.
		const relabelled = blob.slice();
		relabelled[1] = 0x43;
		expect(() => decryptContent(key, relabelled)).toThrow();
		const content = encryptContent(key, utf8('x'));
		expect(isSummaryCiphertext(content)).toBe(false);
		expect(() => decryptSummary(key, content)).toThrow(CryptoFormatError);
		expect(() => encryptSummary(key, new Uint8Array(MAX_SUMMARY_LENGTH + 1))).toThrow(CryptoFormatError);
	});
});
