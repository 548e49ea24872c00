import { describe, expect, it } from 'vitest';
import { generateReportKey } from '../crypto/keys';
import { decryptSummary, encryptSummary } from '../crypto/summary';
import { decodeSummary, encodeSummary, summaryOf } from './report-summary';

describe('the inbox summary plaintext', () => {
	it('takes the person and the first non-empty line of the description', () => {
		const s = summaryOf({ person: { name: '张三', post: '局长' }, description: '\n  第一行\n第二行' });
		expect(s).toEqual({ v: 1, person: '张三 · 局长', subject: '第一行' });
		expect(decodeSummary(encodeSummary(s))).toEqual(s);
		expect(decodeSummary(new TextEncoder().encode('{"v":2}'))).toBeNull();
	});

	it('fits the longest person and subject in 4-byte characters', () => {
		const wide = '𠀀'.repeat(500);
		const s = summaryOf({ person: { name: wide, post: wide }, description: wide });
		expect(Array.from(s.subject).length).toBe(81);
		const key = generateReportKey();
		expect(decodeSummary(decryptSummary(key, encryptSummary(key, encodeSummary(s))))).toEqual(s);
	});
});
