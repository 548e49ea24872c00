/**
 * The commit of an inline submission (its files in the body, a proof of work, parts kept in the database) as
 * ONE statement (issue 20): the challenge spent, the report inserted unless its locator is taken, its key
 * wraps, its attachments and their parts, through data-modifying CTEs. One round trip and one commit instead of
 * seven (BEGIN, five inserts, COMMIT), and one small query built instead of five through the query builder.
 *
 * Same outcome as the transaction of ./commit.ts (storeReport), row for row: a replayed challenge writes
 * nothing; a taken locator keeps the challenge spent and writes nothing else; otherwise everything is written
 * or (an error) nothing is, the statement being atomic. Ids come from the tables' defaults, as before.
 * On PostgreSQL it runs as a prepared statement (../../db/prepared.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import { PART_SIZE } from '$lib/shared/limits';
import type { Db } from '$lib/server/db';
import { executePrepared } from '$lib/server/db/prepared';
import { report } from '$lib/server/db/schema';
import { rowsOf } from '$lib/server/org/sql';

type Row = typeof report.$inferInsert;
type Wrap = { staffId: string; entryId: Uint8Array; sealed: Uint8Array };

/** A byte parameter as postgres.js and PGlite both take it (a Buffer view, no copy). */
const bytes = (b: Uint8Array): SQL => sql`${Buffer.from(b.buffer, b.byteOffset, b.byteLength)}::bytea`;

export type InlineOutcome = { stored: string } | { refused: 'pow_replayed' | 'locator_taken' };

/**
 * Spends `pow`, inserts `row` (on conflict of its locator: nothing), its `wraps` and the inline `files` (parts
 * of PART_SIZE in attachment_part), in one statement.
 */
export async function storeInlineReport(
	db: Db,
	row: Row,
	wraps: Wrap[],
	files: Uint8Array[],
	pow: { id: Uint8Array; expiresAt: Date }
): Promise<InlineOutcome> {
	const wrapValues = sql.join(
		wraps.map((w) => sql`(${w.staffId}::uuid, ${bytes(w.entryId)}, ${bytes(w.sealed)})`),
		sql`, `
	);
	const ctes: SQL[] = [
		sql`spent as (insert into pow_spent (id, expires_at) values (${bytes(pow.id)}, ${pow.expiresAt.toISOString()}::timestamptz) on conflict do nothing returning id)`,
		sql`r as (insert into report (locator, unit_id, position, category, real_name, escalate, organ_id, received_on, content, content_bytes, summary, kdf_spec, auth_hash, receipt_wrapped, case_data)
			select ${row.locator}, ${row.unitId}, ${row.position}, ${row.category}, ${row.realName}::boolean, ${row.escalate}::boolean,
				${row.organId}, ${row.receivedOn}::date, ${bytes(row.content)}, ${row.contentBytes}::int,
				${row.summary ? bytes(row.summary) : sql`null::bytea`}, ${bytes(row.kdfSpec)}, ${bytes(row.authHash)},
				${bytes(row.receiptWrapped)}, ${JSON.stringify(row.caseData ?? {})}::jsonb
			from spent
			on conflict (locator) do nothing returning id)`,
		sql`w as (insert into report_key_wrap (report_id, staff_id, entry_id, sealed) select r.id, x.s, x.e, x.k from r cross join (values ${wrapValues}) as x(s, e, k) returning 1)`
	];
	if (files.length > 0) {
		const fileValues = sql.join(
			files.map((f, n) => sql`(${n}::int, ${f.length}::int, ${Math.ceil(f.length / PART_SIZE)}::int)`),
			sql`, `
		);
		const parts: SQL[] = [];
		for (const [n, f] of files.entries())
			for (let i = 0; i * PART_SIZE < f.length; i++)
				parts.push(sql`(${n}::int, ${i}::int, ${bytes(f.subarray(i * PART_SIZE, (i + 1) * PART_SIZE))})`);
		ctes.push(
			sql`a as (insert into attachment (report_id, file_no, bytes, parts) select r.id, x.n, x.b, x.p from r cross join (values ${fileValues}) as x(n, b, p) returning id, file_no)`,
			sql`pt as (insert into attachment_part (attachment_id, idx, data) select a.id, x.i, x.d from a join (values ${sql.join(parts, sql`, `)}) as x(n, i, d) on x.n = a.file_no returning 1)`
		);
	}
	// Prepared (./prepared.ts): parsed once per connection, then one round trip per report.
	const result = await executePrepared(
		db,
		sql`with ${sql.join(ctes, sql`, `)} select (select count(*) from spent)::int as spent, (select id from r) as id`
	);
	const [out] = rowsOf<{ spent: number; id: string | null }>(result);
	if (!out || Number(out.spent) !== 1) return { refused: 'pow_replayed' };
	if (out.id === null || out.id === undefined) return { refused: 'locator_taken' };
	return { stored: String(out.id) };
}
