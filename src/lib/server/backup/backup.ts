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
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { pgliteBackup } from '$lib/server/db/pglite-backup';
import { askHolder, claimDataDir, DataDirInUse } from '$lib/server/db/pglite-owner';
import {
	BackupRefused,
	contentsOf,
	describeContents,
	hasAppTables,
	pgliteDb,
	postgresClient,
	postgresDb,
	size,
	type Contents,
	type Outcome,
	type Target
} from './contents';
import { connectionFor, redactUrl, runPgTool } from './pg-tools';

export {
	BackupRefused,
	contentsOf,
	describeContents,
	formatOf,
	isEmpty,
	type Contents,
	type Outcome,
	type Target
} from './contents';
export { restoreDatabase } from './restore';

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

/* ------------------------------------------------------------------ the backup command */

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
