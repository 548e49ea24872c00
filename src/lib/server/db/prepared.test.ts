import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends, describeDb, isolatedDatabase } from '$support/db';
import { openDatabase, type Database } from './index';
import { executePrepared } from './prepared';
import { rowsOf } from '$lib/server/org/sql';

const sum = (a: number, b: number) => sql`select ${a}::int + ${b}::int as n, 'qf-prepared-probe' as tag`;

describeDb('executePrepared', (get) => {
	it('answers the rows of a statement with parameters, like db.execute', async () => {
		const rows = rowsOf<{ n: number; tag: string }>(await executePrepared(get().db, sum(2, 3)));
		expect(rows).toEqual([{ n: 5, tag: 'qf-prepared-probe' }]);
		const again = rowsOf<{ n: number }>(await executePrepared(get().db, sum(40, 2)));
		expect(again.map((r) => r.n)).toEqual([42]);
	});
});

// On PostgreSQL: one connection, so pg_prepared_statements (per session) shows what that connection prepared.
describe.skipIf(!backends().includes('postgres'))('executePrepared on PostgreSQL [postgres]', () => {
	let base: Awaited<ReturnType<typeof isolatedDatabase>>;
	const opened: Database[] = [];
	beforeAll(async () => {
		base = await isolatedDatabase('postgres');
	});
	afterAll(async () => {
		for (const d of opened) await d.close();
		await base.drop();
	});
	async function single(prepare: boolean): Promise<Database> {
		const d = await openDatabase({ databaseUrl: base.url!, dataDir: '', poolMax: 1, migrate: false, prepare });
		opened.push(d);
		return d;
	}
	async function preparedProbes(d: Database): Promise<number> {
		const rows = rowsOf<{ n: number }>(
			await d.db.execute(
				sql`select count(*)::int as n from pg_prepared_statements where statement like '%qf-prepared-probe%' and statement not like '%pg_prepared_statements%'`
			)
		);
		return rows[0]!.n;
	}

	it('prepares the statement once per connection and reuses it (Drizzle alone leaves it unnamed)', async () => {
		const d = await single(true);
		await d.db.execute(sum(1, 1));
		expect(await preparedProbes(d)).toBe(0);
		for (let i = 0; i < 3; i++) await executePrepared(d.db, sum(i, 1));
		expect(await preparedProbes(d)).toBe(1);
	});

	it('keeps statements unprepared when the pool is opened with prepare off (DATABASE_PREPARE=false)', async () => {
		const d = await single(false);
		const rows = rowsOf<{ n: number }>(await executePrepared(d.db, sum(7, 8)));
		expect(rows[0]!.n).toBe(15);
		expect(await preparedProbes(d)).toBe(0);
	});
});
