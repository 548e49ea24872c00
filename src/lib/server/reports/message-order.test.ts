/**
 * report_message ids carry no global order (issue 16): a random id (uuid) and a per-report sequence number
 * instead of a serial, whose order across reports (with the staff replies' audited times) bracketed when a
 * reporter wrote. Also the migration of existing rows (0015): their order becomes seq, their files follow.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { backends, describeDb } from '$support/db';
import { buildBackofficeWorld, NOW, signIn, storeReport, type BoWorld } from '$support/backoffice';
import { encodeBase64, encryptContent, utf8 } from '$lib/crypto';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '$lib/server/db/schema';
import { attachment, reportMessage, reportProtection } from '$lib/server/db/schema';
import { openDatabase, type Database } from '$lib/server/db/index';
import type { Db } from '$lib/server/db';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { reply } from '$lib/server/backoffice/case-conversation';
import { addReporterMessage } from './intake/commit';
import { SETTINGS } from '$support/reporter-world';

/** Rows of a raw query: postgres-js answers an array, PGlite an object with `rows`. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describeDb('report_message: random ids and a per-report sequence (issue 16)', (get) => {
	let world: BoWorld;

	it('ids of messages are random and carry no order across reports; seq numbers each report 1, 2, …', async () => {
		const { db } = get();
		world = await buildBackofficeWorld(db);
		const a = await storeReport(db, { recipients: [world.alice] });
		const b = await storeReport(db, { recipients: [world.alice] });
		const ctx: StaffCtx = { db, user: (await signIn(db, world.alice.id)).user, now: NOW };
		const body = (key: Uint8Array, text: string) => encodeBase64(encryptContent(key, utf8(JSON.stringify({ text }))));
		// Interleaved: reporter on A, staff on B, reporter on B, staff on A, … (as two conversations go on at once).
		const inserted: { report: string; id: string; seq: number }[] = [];
		for (let i = 0; i < 6; i++) {
			for (const r of [a, b]) {
				const staffTurn = (i + (r === a ? 0 : 1)) % 2 === 1;
				if (staffTurn) {
					const res = await reply(ctx, r.id, { body: body(r.reportKey, `staff ${i}`) });
					if (!res.ok) throw new Error(JSON.stringify(res));
					inserted.push({ report: r.id, id: res.value.id, seq: res.value.seq });
				} else {
					const res = await addReporterMessage(
						db,
						r.id,
						{ body: encryptContent(r.reportKey, utf8(`r ${i}`)), intake: null } as never,
						SETTINGS,
						NOW
					);
					if (!res.ok) throw new Error(JSON.stringify(res));
					inserted.push({ report: r.id, id: res.value.id, seq: res.value.seq });
				}
			}
		}
		for (const m of inserted) expect(m.id).toMatch(UUID);
		// Each report's messages are numbered 1..6 in the order they were written.
		for (const r of [a, b])
			expect(inserted.filter((m) => m.report === r.id).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		// No global order: sorting the ids does not give the order of writing (12 random ids: 1 in 12! by chance).
		const byId = [...inserted].sort((x, y) => (x.id < y.id ? -1 : 1)).map((m) => m.id);
		expect(byId).not.toEqual(inserted.map((m) => m.id));
		// The table has no sequence at all, and no column that counts across reports.
		const serials = rowsOf<{ n: number }>(
			await db.execute(
				sql`select count(*)::int as n from information_schema.columns where table_name = 'report_message' and column_default like 'nextval%'`
			)
		);
		expect(serials[0]!.n).toBe(0);
		// The server reads them in seq order.
		const rows = await db
			.select({ seq: reportMessage.seq })
			.from(reportMessage)
			.where(eq(reportMessage.reportId, a.id))
			.orderBy(asc(reportMessage.seq));
		expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		// Two reports' seq are independent: the same six numbers on both.
		const distinct = rowsOf<{ n: number; total: number }>(
			await db.execute(sql`select count(distinct seq)::int as n, count(*)::int as total from report_message`)
		);
		expect(distinct[0]).toEqual({ n: 6, total: 12 });
	});
});

/**
 * Adds, as plain nullable columns, the columns of today's schema that an older database's tables lack (so
 * today's inserts work there); returns them, to be dropped again.
 */
async function lendLaterColumns(db: Db): Promise<[string, string][]> {
	const lent: [string, string][] = [];
	for (const table of Object.values(schema)) {
		if (!(table instanceof PgTable)) continue;
		const config = getTableConfig(table);
		const present = new Set(
			rowsOf<{ name: string }>(
				await db.execute(
					sql`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${config.name}`
				)
			).map((r) => r.name)
		);
		if (present.size === 0) continue; // a table of a later migration: today's world does not need it here
		for (const column of config.columns) {
			if (present.has(column.name)) continue;
			await db.execute(sql.raw(`alter table "${config.name}" add column "${column.name}" ${column.getSQLType()}`));
			lent.push([config.name, column.name]);
		}
	}
	return lent;
}

/** A copy of drizzle/ whose journal stops before `tag`: a database as it was before that migration. */
function migrationsBefore(tag: string): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'qf-migr-'));
	cpSync(path.resolve('drizzle'), dir, { recursive: true });
	const journalPath = path.join(dir, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
	const at = journal.entries.findIndex((e) => e.tag === tag);
	if (at < 0) throw new Error(`no migration ${tag}`);
	journal.entries = journal.entries.slice(0, at);
	writeFileSync(journalPath, JSON.stringify(journal));
	return dir;
}

for (const backend of backends()) {
	describe(`migration 0015 of existing messages [${backend}]`, () => {
		const cleanup: (() => Promise<void>)[] = [];
		afterAll(async () => {
			for (const c of cleanup.reverse()) await c();
		});

		it('keeps each report’s order as seq, gives random ids, and the files follow their message', async () => {
			const folder = migrationsBefore('0018_report_message_random_id');
			cleanup.push(async () => rmSync(folder, { recursive: true, force: true }));
			let database: Database;
			if (backend === 'pglite') {
				database = await openDatabase({ databaseUrl: null, dataDir: 'memory://', migrationsFolder: folder });
			} else {
				const { default: postgres } = await import('postgres');
				const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
				const name = `qf_test_${randomBytes(6).toString('hex')}`;
				await admin.unsafe(`create database ${name}`);
				const url = new URL(process.env.TEST_DATABASE_URL!);
				url.pathname = `/${name}`;
				database = await openDatabase({
					databaseUrl: url.toString(),
					dataDir: '',
					poolMax: 2,
					migrationsFolder: folder
				});
				cleanup.push(async () => {
					await admin.unsafe(`drop database if exists ${name} with (force)`);
					await admin.end();
				});
			}
			cleanup.push(() => database.close());
			const db = database.db as Db;
			// Today's code builds the world: the columns later migrations add are lent for that and taken back
			// before the migration, so the database the migration meets is the one of its time.
			const lent = await lendLaterColumns(db);
			await buildBackofficeWorld(db); // the units and organs the reports need
			const a = await storeReport(db, { recipients: [], file: true });
			const b = await storeReport(db, { recipients: [] });
			// Old rows: serial ids, interleaved across the two reports; A's second message has the file.
			const ins = async (report: string, text: string) =>
				rowsOf<{ id: number }>(
					await db.execute(
						sql`insert into report_message (report_id, author, sent_on, body) values (${report}, 'reporter', '2026-11-27', ${utf8(text)}) returning id`
					)
				)[0]!.id;
			await ins(a.id, 'a1');
			await ins(b.id, 'b1');
			const a2 = await ins(a.id, 'a2');
			await ins(b.id, 'b2');
			await ins(a.id, 'a3');
			await db.execute(sql`update attachment set message_id = ${a2} where id = ${a.fileId}`);
			// A protection request (migration 0017) pointing at B's first message by its serial id.
			const b1 = rowsOf<{ id: number }>(
				await db.execute(sql`select id from report_message where report_id = ${b.id} order by id limit 1`)
			)[0]!.id;
			await db.execute(
				sql`insert into report_protection (report_id, message_id, requested_on, due_on) values (${b.id}, ${b1}, '2026-11-27', '2026-12-02')`
			);

			for (const [table, column] of lent) await db.execute(sql.raw(`alter table "${table}" drop column "${column}"`));
			// Now the migration.
			if (backend === 'pglite') {
				const { migrate } = await import('drizzle-orm/pglite/migrator');
				await migrate(db as never, { migrationsFolder: path.resolve('drizzle') });
			} else {
				const { migrate } = await import('drizzle-orm/postgres-js/migrator');
				await migrate(db as never, { migrationsFolder: path.resolve('drizzle') });
			}
			const rows = await db
				.select({
					id: reportMessage.id,
					report: reportMessage.reportId,
					seq: reportMessage.seq,
					body: reportMessage.body
				})
				.from(reportMessage)
				.orderBy(asc(reportMessage.reportId), asc(reportMessage.seq));
			const text = (r: { body: Uint8Array }) => Buffer.from(r.body).toString('utf8');
			expect(rows.filter((r) => r.report === a.id).map((r) => [r.seq, text(r)])).toEqual([
				[1, 'a1'],
				[2, 'a2'],
				[3, 'a3']
			]);
			expect(rows.filter((r) => r.report === b.id).map((r) => [r.seq, text(r)])).toEqual([
				[1, 'b1'],
				[2, 'b2']
			]);
			for (const r of rows) expect(r.id).toMatch(UUID);
			const [file] = await db
				.select({ messageId: attachment.messageId })
				.from(attachment)
				.where(eq(attachment.id, a.fileId!));
			expect(file!.messageId).toBe(rows.find((r) => text(r) === 'a2')!.id);
			const [protection] = await db.select({ messageId: reportProtection.messageId }).from(reportProtection);
			expect(protection!.messageId).toBe(rows.find((r) => text(r) === 'b1')!.id);
			// New messages after the migration continue each report's sequence.
			const [next] = await db
				.insert(reportMessage)
				.values({ reportId: b.id, author: 'staff', sentOn: '2026-11-28', body: utf8('b3') })
				.returning({ seq: reportMessage.seq });
			expect(next!.seq).toBe(3);
		});
	});
}
