/**
 * Issue 16, "the submission minute is recoverable from xmin and serial ids": a spent proof of work (written
 * in the submission's transaction, so it shares the report's xmin) keeps only a day. (What remains of
 * xmin: docs/security.md, "The submission minute from `xmin` and serial ids".)
 */
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { rowsOf } from '$lib/server/org/sql';
import { spendPow } from './pow';

describeDb('no submission time in the database', (get) => {
	it('stores a spent challenge with its expiry rounded up to the next UTC midnight, whoever writes it', async () => {
		const { db } = get();
		const a = new Uint8Array(16).fill(1);
		expect(await spendPow(db, { id: a, expiresAt: new Date('2026-11-27T10:07:33Z') })).toBe(true);
		// The intake path writes it in raw SQL (intake/staging.ts): the rule is the table's.
		await db.execute(
			sql`insert into pow_spent (id, expires_at) values (${new Uint8Array(16).fill(2)}, '2026-11-27T23:59:59.5Z')`
		);
		const rows = rowsOf<{ at: string }>(
			await db.execute(
				sql`select to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') as at from pow_spent order by id`
			)
		);
		expect(rows.map((r) => r.at)).toEqual(['2026-11-28 00:00:00.000', '2026-11-28 00:00:00.000']);
		// A replay is still refused (the row is kept longer, never shorter).
		expect(await spendPow(db, { id: a, expiresAt: new Date('2026-11-27T10:07:33Z') })).toBe(false);
	});
});
