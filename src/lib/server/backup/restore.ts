/**
 * `npm run restore -- FILE` (./backup.ts describes both commands): a PGlite tarball unpacked into DATA_DIR
 * with the server stopped, or a pg_dump archive restored with pg_restore in one transaction; refused while
 * the database is in use and over data unless forced; sessions forgotten and the audit chain verified after.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { pgliteRestore } from '$lib/server/db/pglite-backup';
import { claimDataDir, DataDirInUse } from '$lib/server/db/pglite-owner';
import {
	type Target,
	BackupRefused,
	type Contents,
	hasAppTables,
	contentsOf,
	isEmpty,
	describeContents,
	formatOf,
	readHead,
	pgliteDb,
	postgresClient,
	postgresDb,
	forgetSessions,
	type Outcome,
	rowsOf
} from './contents';
import { connectionFor, redactUrl, runPgTool } from './pg-tools';

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
