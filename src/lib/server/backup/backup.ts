/**
 * `npm run backup -- FILE` and `npm run restore -- FILE` (scripts/backup.ts, scripts/restore.ts) for both
 * databases; docs/operations.md, "Backups".
 *
 * PGlite: a gzipped tarball of the data folder (./../db/pglite-backup.ts). When an app server holds the
 * folder, the backup is made inside it through the folder's control socket (../db/pglite-owner.ts), so it
 * is taken online and consistent; when nothing holds it, this process claims the folder and makes it.
 * Restore unpacks into DATA_DIR and needs the server stopped (the folder's claim says whether it runs).
 *
 * PostgreSQL: `pg_dump --format=custom` inside an exported snapshot, so the counts and the audit head
 * printed with the backup describe exactly what the archive holds; the `pgboss` schema is left out (job
 * queue state: every job is periodic and idempotent, and pg-boss re-creates its schema at start-up).
 * Restore runs `pg_restore --no-owner --no-privileges --single-transaction` (all or nothing), with
 * `--clean --if-exists` when the database already has the app's tables. It refuses while app servers are
 * connected, and a database that holds data unless `force` is given.
 *
 * Every backup is checked before it is reported: the PGlite copy is opened in memory, the PostgreSQL
 * snapshot is read; both print their counts and the audit chain's head (verified). After a restore, staff
 * sessions and setup links from the backup are deleted (everyone signs in again) and the audit chain of
 * the restored data is verified.
 */
import {
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	readSync,
	renameSync,
	rmSync,
	writeFileSync,
	chmodSync,
	statSync
} from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import type { Db } from '$lib/server/db';
import * as schema from '$lib/server/db/schema';
import { GZIP_MAGIC, pgliteBackup, pgliteRestore } from '$lib/server/db/pglite-backup';
import { askHolder, claimDataDir, DataDirInUse } from '$lib/server/db/pglite-owner';
import { verifyAuditLog } from '$lib/server/audit/log';
import { connectionFor, redactUrl, runPgTool } from './pg-tools';

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

function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	const rows = (result as { rows?: unknown } | null)?.rows;
	return Array.isArray(rows) ? (rows as T[]) : [];
}

/** True when the database has the app's tables (a migrated database). */
async function hasAppTables(db: Db): Promise<boolean> {
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

function readHead(file: string, n = 8): Uint8Array {
	const fd = openSync(file, 'r');
	try {
		const buf = Buffer.alloc(n);
		const got = readSync(fd, buf, 0, n, 0);
		return new Uint8Array(buf.subarray(0, got));
	} finally {
		closeSync(fd);
	}
}

function size(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/* ------------------------------------------------------------------ PGlite */

async function pgliteDb(client: PGlite): Promise<Db> {
	const { drizzle } = await import('drizzle-orm/pglite');
	return drizzle({ client, schema }) as unknown as Db;
}

/** Opens a backup tarball in memory (nothing written to disk) and reads its contents: the backup's check. */
async function contentsOfTarball(tarball: Uint8Array): Promise<Contents> {
	const { PGlite } = await import('@electric-sql/pglite');
	const client = await PGlite.create({
		loadDataDir: new File([tarball as BlobPart], 'backup.tar.gz', { type: 'application/x-gzip' })
	});
	try {
		return await contentsOf(await pgliteDb(client));
	} finally {
		await client.close();
	}
}

/** The tarball: from the process holding the folder, or made here when none does. */
async function pgliteTarball(dataDir: string): Promise<{ tarball: Uint8Array; source: string }> {
	for (let attempt = 0; ; attempt++) {
		const held = await askHolder(dataDir, 'backup');
		if (held) {
			if (!held.answer.ok)
				throw new Error(
					`the process holding ${dataDir} (pid ${held.answer.pid}) could not make the backup: ${held.answer.error}`
				);
			return { tarball: new Uint8Array(held.body), source: `online, made by the running process ${held.answer.pid}` };
		}
		if (!existsSync(path.join(dataDir, 'PG_VERSION')))
			throw new BackupRefused(`There is no database in ${dataDir} (DATA_DIR): nothing to back up.`);
		let claim;
		try {
			claim = await claimDataDir(dataDir, {
				backup: async () => {
					throw new Error('another backup holds the folder; try again in a moment');
				}
			});
		} catch (e) {
			if (e instanceof DataDirInUse && attempt === 0) continue; // a server started meanwhile: ask it
			throw e;
		}
		try {
			const { PGlite } = await import('@electric-sql/pglite');
			const client = await PGlite.create(dataDir);
			try {
				return { tarball: await pgliteBackup(client), source: 'from the data folder (no server was running)' };
			} finally {
				await client.close();
			}
		} finally {
			await claim.release();
		}
	}
}

/* ------------------------------------------------------------------ PostgreSQL */

async function postgresClient(databaseUrl: string, applicationName: string) {
	const { default: postgres } = await import('postgres');
	return postgres(databaseUrl, {
		max: 1,
		onnotice: () => {},
		connect_timeout: 10,
		connection: { application_name: applicationName }
	});
}

async function postgresDb(client: import('postgres').Sql): Promise<Db> {
	const { drizzle } = await import('drizzle-orm/postgres-js');
	return drizzle({ client, schema }) as unknown as Db;
}

/** pg_dump inside an exported snapshot; returns the snapshot's contents. */
async function pgDump(databaseUrl: string, file: string): Promise<Contents> {
	const client = await postgresClient(databaseUrl, 'qingfeng-backup');
	try {
		const reserved = await client.reserve();
		try {
			await reserved`begin isolation level repeatable read, read only`;
			const [{ snapshot }] = (await reserved`select pg_export_snapshot() as snapshot`) as unknown as [
				{ snapshot: string }
			];
			// A reserved connection has no `options` of its own; drizzle reads the pool's (the same parsers).
			const db = await postgresDb(Object.assign(reserved, { options: client.options }));
			if (!(await hasAppTables(db)))
				throw new BackupRefused(`${redactUrl(databaseUrl)} has no Qingfeng tables: nothing to back up.`);
			const contents = await contentsOf(db);
			const { url, env } = connectionFor(databaseUrl);
			await runPgTool(
				'pg_dump',
				['--format=custom', `--snapshot=${snapshot}`, '--exclude-schema=pgboss', `--file=${file}`, `--dbname=${url}`],
				env
			);
			await reserved`commit`;
			return contents;
		} finally {
			reserved.release();
		}
	} finally {
		await client.end({ timeout: 5 });
	}
}

/** Tables of the app's schemas (public, drizzle) as `schema.table`. */
async function appTables(db: Db): Promise<string[]> {
	const rows = rowsOf<{ t: string }>(
		await db.execute(
			sql`select schemaname || '.' || tablename as t from pg_tables where schemaname in ('public', 'drizzle') order by 1`
		)
	);
	return rows.map((r) => r.t);
}

/** Tables an archive creates, from `pg_restore --list`. */
async function archiveTables(file: string): Promise<Set<string>> {
	const { stdout } = await runPgToolOutput(['--list', file]);
	const out = new Set<string>();
	for (const line of stdout.split('\n')) {
		const m = /^\d+; \d+ \d+ TABLE (\S+) (\S+) /.exec(line);
		if (m) out.add(`${m[1]}.${m[2]}`);
	}
	return out;
}

async function runPgToolOutput(args: string[]): Promise<{ stdout: string }> {
	const { spawn } = await import('node:child_process');
	return new Promise((resolve, reject) => {
		const child = spawn('pg_restore', args, { stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
		child.on('error', (e) =>
			reject(new BackupRefused(`pg_restore could not start (${e.message}): install PostgreSQL's client tools.`))
		);
		child.on('close', (code) =>
			code === 0
				? resolve({ stdout })
				: reject(new BackupRefused(`pg_restore cannot read this archive:\n${stderr.trim()}`))
		);
	});
}

/* ------------------------------------------------------------------ after a restore */

/** Sessions and setup links are not brought back: everyone signs in again, a new setup link comes at start-up. */
async function forgetSessions(db: Db): Promise<number> {
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

/**
 * Writes a backup of the target database to `file` (mode 0600; refused if it exists, unless `force`).
 * The file appears only once complete: it is written under a temporary name and renamed.
 */
export async function backupDatabase(target: Target, file: string, opts: { force?: boolean } = {}): Promise<Outcome> {
	const out = path.resolve(file);
	if (existsSync(out) && !opts.force)
		throw new BackupRefused(`${out} already exists: choose a new file name, or add --force to replace it.`);
	mkdirSync(path.dirname(out), { recursive: true });
	const partial = `${out}.partial-${process.pid}`;
	const started = performance.now();
	try {
		let contents: Contents;
		let what: string;
		if (target.databaseUrl) {
			contents = await pgDump(target.databaseUrl, partial);
			chmodSync(partial, 0o600);
			what = `PostgreSQL ${redactUrl(target.databaseUrl)}, pg_dump custom format (schema pgboss left out)`;
		} else {
			const dataDir = path.resolve(target.dataDir);
			const { tarball, source } = await pgliteTarball(dataDir);
			writeFileSync(partial, tarball, { mode: 0o600 });
			contents = await contentsOfTarball(tarball);
			what = `PGlite data folder ${dataDir}, ${source}`;
		}
		renameSync(partial, out);
		const seconds = ((performance.now() - started) / 1000).toFixed(1);
		return {
			contents,
			lines: [
				`Backup written to ${out} (${size(statSync(out).size)}, ${seconds} s): ${what}.`,
				`It holds ${describeContents(contents)}; ${contents.audit}.`,
				'Keep this audit line outside the database (docs/operations.md, "What a database backup does not contain").'
			]
		};
	} finally {
		rmSync(partial, { force: true });
	}
}

/**
 * Restores `file` (a backup of the same kind of database) into the target. Refuses while the database is
 * in use, and over a database that holds data unless `force`. Prints what it did.
 */
export async function restoreDatabase(target: Target, file: string, opts: { force?: boolean } = {}): Promise<Outcome> {
	const from = path.resolve(file);
	if (!existsSync(from)) throw new BackupRefused(`${from} does not exist.`);
	const format = formatOf(readHead(from));
	if (!format)
		throw new BackupRefused(
			`${from} is not a Qingfeng backup (neither a PostgreSQL custom-format archive nor a PGlite data folder tarball).`
		);
	if (format === 'postgres' && !target.databaseUrl) {
		throw new BackupRefused(
			`${from} is a PostgreSQL backup (pg_dump): set DATABASE_URL to the database to restore it into. It cannot be restored into PGlite.`
		);
	}
	if (format === 'pglite' && target.databaseUrl) {
		throw new BackupRefused(
			`${from} is a PGlite backup (data folder): unset DATABASE_URL and set DATA_DIR to restore it. It cannot be restored into PostgreSQL.`
		);
	}
	return target.databaseUrl
		? restorePostgres(target.databaseUrl, from, opts)
		: restorePglite(path.resolve(target.dataDir), from, opts);
}

async function restorePglite(dataDir: string, from: string, opts: { force?: boolean }): Promise<Outcome> {
	let claim;
	try {
		claim = await claimDataDir(dataDir, {
			backup: async () => {
				throw new Error('a restore is in progress');
			}
		});
	} catch (e) {
		if (e instanceof DataDirInUse)
			throw new BackupRefused(
				`${e.message.replace(/ \(npm run backup works while it runs\)\.$/, '.')} Stop the server before restoring.`
			);
		throw e;
	}
	const lines: string[] = [];
	try {
		const { PGlite } = await import('@electric-sql/pglite');
		if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
			const current = await PGlite.create(dataDir);
			let existing: Contents | null;
			try {
				const db = await pgliteDb(current);
				existing = (await hasAppTables(db)) ? await contentsOf(db) : null;
			} finally {
				await current.close();
			}
			if (existing && !isEmpty(existing) && !opts.force) {
				throw new BackupRefused(
					`${dataDir} (DATA_DIR) already holds a database with ${describeContents(existing)}. Add --force to replace it (it is kept, moved aside).`
				);
			}
			if (existing && !isEmpty(existing)) {
				const aside = `${dataDir}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
				renameSync(dataDir, aside);
				lines.push(`The database that was in ${dataDir} (${describeContents(existing)}) was moved to ${aside}.`);
			} else {
				rmSync(dataDir, { recursive: true, force: true });
				lines.push(`The empty database that was in ${dataDir} was removed.`);
			}
		} else if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
			throw new BackupRefused(
				`${dataDir} (DATA_DIR) is not empty but holds no database: restore into an empty or new folder.`
			);
		}
		mkdirSync(dataDir, { recursive: true });
		await pgliteRestore(dataDir, new Uint8Array(readFileSync(from)));
		const client = await PGlite.create(dataDir);
		try {
			const db = await pgliteDb(client);
			const sessions = await forgetSessions(db);
			const contents = await contentsOf(db);
			lines.push(
				`Restored ${from} into the PGlite data folder ${dataDir}: ${describeContents(contents)}; ${contents.audit}.`,
				`${sessions} staff sessions from the backup were ended: staff sign in again. Start the server (it applies newer migrations, if any).`
			);
			return { lines, contents };
		} finally {
			await client.close();
		}
	} finally {
		await claim.release();
	}
}

async function restorePostgres(databaseUrl: string, from: string, opts: { force?: boolean }): Promise<Outcome> {
	const client = await postgresClient(databaseUrl, 'qingfeng-restore');
	try {
		const db = await postgresDb(client);
		const [busy] = rowsOf<{ n: number }>(
			await db.execute(sql`select count(*)::int as n from pg_stat_activity
				where datname = current_database() and pid <> pg_backend_pid() and application_name in ('qingfeng', 'qingfeng-jobs', 'qingfeng-migrate')`)
		);
		if (busy!.n > 0)
			throw new BackupRefused(
				`${busy!.n} connection${busy!.n === 1 ? '' : 's'} of running app servers ${busy!.n === 1 ? 'is' : 'are'} open to this database: stop every app server before restoring.`
			);
		const lines: string[] = [];
		const hasTables = await hasAppTables(db);
		const args = ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error'];
		if (hasTables) {
			const existing = await contentsOf(db);
			if (!isEmpty(existing) && !opts.force) {
				throw new BackupRefused(
					`${redactUrl(databaseUrl)} already holds ${describeContents(existing)}. Add --force to replace it, or restore into a new, empty database (createdb).`
				);
			}
			// --clean replaces what the archive has; a table it does not know would stay and confuse the next
			// migration (the database was upgraded after the backup was taken).
			const inArchive = await archiveTables(from);
			const extra = (await appTables(db)).filter((t) => !inArchive.has(t));
			if (extra.length > 0) {
				throw new BackupRefused(
					`The database has tables the backup does not (${extra.join(', ')}): it was migrated by a newer release after the backup was taken. ` +
						'Restore into a new, empty database (createdb, then point DATABASE_URL at it); the app migrates it at start-up.'
				);
			}
			args.push('--clean', '--if-exists');
			lines.push(
				`The existing data (${describeContents(existing)}) is replaced in the same transaction as the restore.`
			);
		}
		const { url, env } = connectionFor(databaseUrl);
		await runPgTool('pg_restore', [...args, `--dbname=${url}`, from], env);
		const sessions = await forgetSessions(db);
		const contents = await contentsOf(db);
		lines.push(
			`Restored ${from} into ${redactUrl(databaseUrl)}: ${describeContents(contents)}; ${contents.audit}.`,
			`${sessions} staff sessions from the backup were ended: staff sign in again. Start the app servers (they apply newer migrations, if any).`
		);
		return { lines, contents };
	} finally {
		await client.end({ timeout: 5 });
	}
}
