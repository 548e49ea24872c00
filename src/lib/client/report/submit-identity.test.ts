/**
 * Issue 19: the report kind and the reporter's role (您的身份) are inside the ciphertext only. A fellow
 * team member's report is stored exactly like a public tip (the same clear columns), and no code of either
 * vocabulary is anywhere in the database, in any form the canary search knows.
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import { describeDb } from '../../../../tests/support/reporter-server';
import { CANARY, input, setupWith, worldOf } from '../../../../tests/support/submit-setup';
import { findCanary, rowsDump } from '../../../../tests/e2e/dump';
import { report } from '../../server/db/schema';
import { REPORT_KINDS, REPORTER_ROLES, reportKindOf } from '../../shared/vocabulary/report';
import { submitReport } from './submit';

describeDb('the kind and the reporter’s role stay inside the ciphertext', (get) => {
	const world = worldOf(get);

	it('stores a team member’s report like a public tip; no kind or role code in any clear column or the dump', async () => {
		const { server, options } = await setupWith(get, world);
		const base = input({ files: [] });
		const tip = await submitReport({ ...base, details: { ...base.details, kind: 'public_tip' } }, options);
		const peer = await submitReport(
			{
				...base,
				details: {
					...base.details,
					kind: reportKindOf('public_tip', 'leadership_team'),
					reporterRole: 'leadership_team'
				}
			},
			options
		);
		const { db } = get();
		const rowOf = async (locator: string) => {
			const [r] = await db
				.select()
				.from(report)
				.where(eq(report.locator, locator.replace('-', '')));
			if (!r) throw new Error(`no report ${locator}`);
			return r;
		};
		const a = await rowOf(tip.locator);
		const b = await rowOf(peer.locator);
		// Everything but the row's identity and its ciphertexts (random, same sizes) is the same.
		const clear = (r: typeof a) => {
			const { id, locator, content, summary, kdfSpec, authHash, receiptWrapped, ...rest } = r;
			void [id, locator];
			return {
				...rest,
				sizes: [content.length, summary?.length, kdfSpec.length, authHash.length, receiptWrapped.length]
			};
		};
		expect(clear(b)).toEqual(clear(a));
		expect(Object.keys(a)).not.toContain('kind');

		// Staff open the team member's report and find both inside.
		const w = await world();
		const stored = (await server.reports()).find((r) => r.locator === b.locator);
		if (!stored) throw new Error('not stored');
		const opened = server.openAs(stored, w.alice).content as Record<string, unknown>;
		expect(opened).toMatchObject({ v: 2, kind: 'peer_report', reporterRole: 'leadership_team' });
		expect(JSON.stringify(opened)).toContain(CANARY);

		// No code of either vocabulary anywhere in the database (every row of every table), in any form.
		const dump = await rowsDump({
			query: async <T>(text: string) => {
				const res = (await db.execute(sql.raw(text))) as unknown as { rows?: T[] } | T[];
				return { rows: Array.isArray(res) ? res : (res.rows ?? []) };
			}
		});
		expect(dump).toContain(b.locator); // the dump does hold the reports
		for (const code of [...REPORT_KINDS, ...REPORTER_ROLES]) expect(findCanary(dump, code), code).toEqual([]);
	}, 120_000);
});
