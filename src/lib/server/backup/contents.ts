/**
 * What backup and restore share: the target, the refusal an operator reads, the contents of a database
 * (counts, never content, and its audit chain's state), the file formats, the connections both kinds of
 * database are opened with, and what a restore forgets (sessions and setup links).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '$lib/server/db';
import * as schema from '$lib/server/db/schema';
import { GZIP_MAGIC } from '$lib/server/db/pglite-backup';
import { verifyAuditLog } from '$lib/server/audit/log';

/** Where to back up from or restore to: the app's own database settings. */
export interface Target {
	databaseUrl: string | null;
	dataDir: string;
}

/** An operator's mistake or a state that makes the operation unsafe: the message says what to do. */
export class BackupRefused extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BackupRefused';
	}
}

/** What a database holds, in counts (never content), and its audit chain's state. */
export interface Contents {
	reports: number;
	attachments: number;
	messages: number;
	staff: number;
	units: number;
	auditEntries: number;
	/** `audit chain OK: N entries, head <hex>`, or what is broken. */
	audit: string;
	auditOk: boolean;
}

/** "PGDMP": how a pg_dump custom-format archive starts. */
const PGDMP = [0x50, 0x47, 0x44, 0x4d, 0x50];

export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	const rows = (result as { rows?: unknown } | null)?.rows;
	return Array.isArray(rows) ? (rows as T[]) : [];
}

/** True when the database has the app's tables (a migrated database). */
export async function hasAppTables(db: Db): Promise<boolean> {
	const [row] = rowsOf<{ ok: boolean }>(
		await db.execute(
			sql`select to_regclass('public.report') is not null and to_regclass('public.staff_user') is not null as ok`
		)
	);
	return row?.ok === true;
}

/** Counts and the audit chain of a migrated database. */
export async function contentsOf(db: Db): Promise<Contents> {
	const [c] = rowsOf<Record<string, number>>(
		await db.execute(sql`select
			(select count(*) from report)::int as reports,
			(select count(*) from attachment)::int as attachments,
			(select count(*) from report_message)::int as messages,
			(select count(*) from staff_user)::int as staff,
			(select count(*) from org_unit)::int as units,
			(select count(*) from audit_log)::int as audit`)
	);
	const v = await verifyAuditLog(db);
	const audit = v.ok
		? `audit chain OK: ${v.count} entries, head ${v.head}`
		: `audit chain BROKEN at entry seq ${v.firstBad}: ${v.reason}`;
	return {
		reports: c!.reports!,
		attachments: c!.attachments!,
		messages: c!.messages!,
		staff: c!.staff!,
		units: c!.units!,
		auditEntries: c!.audit!,
		audit,
		auditOk: v.ok
	};
}

/** Nothing anyone would miss: no reports, staff, directory or audit entries (a fresh start-up writes none). */
export function isEmpty(c: Contents): boolean {
	return c.reports + c.attachments + c.messages + c.staff + c.units + c.auditEntries === 0;
}

export function describeContents(c: Contents): string {
	const n = (x: number) => x.toLocaleString('en-US');
	return `${n(c.reports)} reports, ${n(c.attachments)} attachments, ${n(c.messages)} messages, ${n(c.staff)} staff accounts, ${n(c.units)} units`;
}

/** The kind of backup a file holds, from its first bytes; null when it is neither. */
export function formatOf(head: Uint8Array): 'pglite' | 'postgres' | null {
	if (PGDMP.every((b, i) => head[i] === b)) return 'postgres';
	if (GZIP_MAGIC.every((b, i) => head[i] === b)) return 'pglite';
	return null;
}

export function readHead(file: string, n = 8): Uint8Array {
	const fd = openSync(file, 'r');
	try {
		const buf = Buffer.alloc(n);
		const got = readSync(fd, buf, 0, n, 0);
		return new Uint8Array(buf.subarray(0, got));
	} finally {
		closeSync(fd);
	}
}

export function size(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/* ------------------------------------------------------------------ PGlite */

export async function pgliteDb(client: PGlite): Promise<Db> {
	const { drizzle } = await import('drizzle-orm/pglite');
	return drizzle({ client, schema }) as unknown as Db;
}

export async function postgresClient(databaseUrl: string, applicationName: string) {
	const { default: postgres } = await import('postgres');
	return postgres(databaseUrl, {
		max: 1,
		onnotice: () => {},
		connect_timeout: 10,
		connection: { application_name: applicationName }
	});
}

export async function postgresDb(client: import('postgres').Sql): Promise<Db> {
	const { drizzle } = await import('drizzle-orm/postgres-js');
	return drizzle({ client, schema }) as unknown as Db;
}

/** Sessions and setup links are not brought back: everyone signs in again, a new setup link comes at start-up. */
export async function forgetSessions(db: Db): Promise<number> {
	const sessions =
		rowsOf<{ n: number }>(
			await db.execute(sql`with d as (delete from staff_session returning 1) select count(*)::int as n from d`)
		)[0]?.n ?? 0;
	const [t] = rowsOf<{ ok: boolean }>(
		await db.execute(sql`select to_regclass('public.setup_token') is not null as ok`)
	);
	if (t?.ok) await db.execute(sql`delete from setup_token`);
	return sessions;
}

/* ------------------------------------------------------------------ the two commands */

export interface Outcome {
	/** What to print, line by line. */
	lines: string[];
	contents: Contents;
}
