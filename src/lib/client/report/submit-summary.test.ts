/**
 * Issue 16: the reporter's submission seals the inbox summary (format I) beside the content, under the
 * report key the staff wraps open; the server stores it as sent.
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decryptSummary, SUMMARY_CIPHERTEXT_LENGTH } from '../../crypto/summary';
import { decodeSummary } from '../../shared/report-summary';
import { describeDb } from '../../../../tests/support/reporter-server';
import { CANARY, input, setupWith, worldOf } from '../../../../tests/support/submit-setup';
import { submitReport } from './submit';

describeDb('the submission seals the inbox summary', (get) => {
	const world = worldOf(get);

	it('sends a summary of the person and the first line that the staff wrap opens, and nothing in clear', async () => {
		const { server, options } = await setupWith(get, world);
		const result = await submitReport(input(), options);
		const res = (await get().db.execute(
			sql`select summary from report where locator = ${result.locator.replace('-', '')}`
		)) as unknown as { rows?: { summary: Uint8Array }[] } & { summary: Uint8Array }[];
		const row = (res.rows ?? res)[0];
		const summary = row?.summary;
		if (!summary) throw new Error('no summary stored');
		expect(summary.length).toBe(SUMMARY_CIPHERTEXT_LENGTH);
		expect(Buffer.from(summary).includes(Buffer.from(CANARY))).toBe(false);
		const stored = (await server.reports())[0]!;
		const { reportKey } = server.openAs(stored, (await world()).alice);
		expect(decodeSummary(decryptSummary(reportKey, summary))).toEqual({
			v: 1,
			person: `王某 ${CANARY} · 局长`,
			subject: `收受礼金 ${CANARY}`
		});
	});
});
