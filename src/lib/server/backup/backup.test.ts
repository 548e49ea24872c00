import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, sql } from 'drizzle-orm';
import { openDatabase, type Database } from '$lib/server/db';
import { setupToken, staffSession } from '$lib/server/db/schema';
import { createStaffUser } from '$lib/server/auth/accounts';
import { createSession } from '$lib/server/auth/session';
import { issueSetupToken } from '$lib/server/auth/setup';
import { appendAuditTx } from '$lib/server/audit/log';
import { backupDatabase, BackupRefused, formatOf, restoreDatabase, type Contents } from './backup';

const base = mkdtempSync(path.join(os.tmpdir(), 'qf-backup-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A staff account with a session, two audit entries and a setup token: what a restore must bring back or drop. */
async function seed(d: Database): Promise<void> {
	const u = await createStaffUser(d.db, {
		username: 'wang.jian',
		displayName: '王检',
		isAdmin: true,
		authSalt: new Uint8Array(16).fill(1),
		authKey: new Uint8Array(32).fill(2)
	});
	if (!u.ok) throw new Error('seed');
	await createSession(d.db, u.user.id, { twoFactorVerified: true });
	await appendAuditTx(d.db, {
		actor: u.user.id,
		action: 'admin.test.one',
		reportId: null,
		organId: null,
		details: { n: 1 }
	});
	await appendAuditTx(d.db, {
		actor: u.user.id,
		action: 'admin.test.two',
		reportId: null,
		organId: null,
		details: { n: 2 }
	});
	await issueSetupToken(d.db);
}

const seeded = (c: Contents) => ({
	reports: c.reports,
	staff: c.staff,
	auditEntries: c.auditEntries,
	auditOk: c.auditOk
});

async function sessionsAndTokens(d: Database): Promise<[number, number]> {
	const [s] = await d.db.select({ n: count() }).from(staffSession);
	const [t] = await d.db.select({ n: count() }).from(setupToken);
	return [s!.n, t!.n];
}

it('tells the two backup formats apart by their first bytes', () => {
	expect(formatOf(new TextEncoder().encode('PGDMP\x01\x0e'))).toBe('postgres');
	expect(formatOf(new Uint8Array([0x1f, 0x8b, 8, 0]))).toBe('pglite');
	expect(formatOf(new TextEncoder().encode('-- SQL'))).toBeNull();
	expect(formatOf(new Uint8Array([]))).toBeNull();
});

describe('PGlite backup and restore', () => {
	const dataDir = path.join(base, 'data');
	const file = path.join(base, 'one.tar.gz');
	let live: Database | null = null;
	let head = '';

	beforeAll(async () => {
		live = await openDatabase({ databaseUrl: null, dataDir });
		await seed(live);
	}, 60_000);
	afterAll(async () => {
		await live?.close();
	});

	it('backs up online through the process that holds the folder, checks the copy and prints the audit head', async () => {
		const out = await backupDatabase({ databaseUrl: null, dataDir }, file);
		expect(seeded(out.contents)).toEqual({ reports: 0, staff: 1, auditEntries: 2, auditOk: true });
		head = /head ([0-9a-f]{64})/.exec(out.contents.audit)![1]!;
		expect(out.lines[0]).toMatch(
			new RegExp(
				`^Backup written to ${file.replace(/[.]/g, '\\.')} \\([0-9.]+ (KiB|MiB), [0-9.]+ s\\): PGlite data folder ${dataDir}, online, made by the running process ${process.pid}\\.$`
			)
		);
		expect(out.lines[1]).toBe(
			`It holds 0 reports, 0 attachments, 0 messages, 1 staff accounts, 0 units; audit chain OK: 2 entries, head ${head}.`
		);
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(readdirSync(base).filter((f) => f.includes('.partial-'))).toEqual([]);
	}, 60_000);

	it('refuses to overwrite a backup file unless forced', async () => {
		await expect(backupDatabase({ databaseUrl: null, dataDir }, file)).rejects.toThrow(
			new BackupRefused(`${file} already exists: choose a new file name, or add --force to replace it.`)
		);
		const again = await backupDatabase({ databaseUrl: null, dataDir }, file, { force: true });
		expect(again.contents.audit).toContain(head);
	}, 60_000);

	it('refuses to restore into a folder a running server holds', async () => {
		await expect(restoreDatabase({ databaseUrl: null, dataDir }, file, { force: true })).rejects.toThrow(
			`The data folder ${dataDir} is in use by another Qingfeng process (pid ${process.pid}). PGlite allows one process per data folder: stop that process first. Stop the server before restoring.`
		);
	});

	it('restores into a new folder: same contents and audit head, sessions and setup links dropped', async () => {
		const target = path.join(base, 'restored');
		const out = await restoreDatabase({ databaseUrl: null, dataDir: target }, file);
		expect(seeded(out.contents)).toEqual({ reports: 0, staff: 1, auditEntries: 2, auditOk: true });
		expect(out.contents.audit).toBe(`audit chain OK: 2 entries, head ${head}`);
		expect(out.lines).toEqual([
			`Restored ${file} into the PGlite data folder ${target}: 0 reports, 0 attachments, 0 messages, 1 staff accounts, 0 units; audit chain OK: 2 entries, head ${head}.`,
			'1 staff sessions from the backup were ended: staff sign in again. Start the server (it applies newer migrations, if any).'
		]);
		const d = await openDatabase({ databaseUrl: null, dataDir: target });
		try {
			expect(await sessionsAndTokens(d)).toEqual([0, 0]);
		} finally {
			await d.close();
		}
		// Now it holds data: a second restore needs --force, which keeps the old folder aside.
		await expect(restoreDatabase({ databaseUrl: null, dataDir: target }, file)).rejects.toThrow(
			`${target} (DATA_DIR) already holds a database with 0 reports, 0 attachments, 0 messages, 1 staff accounts, 0 units. Add --force to replace it (it is kept, moved aside).`
		);
		const forced = await restoreDatabase({ databaseUrl: null, dataDir: target }, file, { force: true });
		const aside = /was moved to (\S+)\.$/.exec(forced.lines[0]!)![1]!;
		expect(aside.startsWith(`${target}.replaced-`)).toBe(true);
		expect(existsSync(path.join(aside, 'PG_VERSION'))).toBe(true);
		expect(forced.contents.audit).toBe(`audit chain OK: 2 entries, head ${head}`);
	}, 120_000);

	it('refuses what it cannot do safely or sensibly', async () => {
		const stray = path.join(base, 'stray');
		mkdirSync(stray);
		writeFileSync(path.join(stray, 'notes.txt'), 'x');
		await expect(restoreDatabase({ databaseUrl: null, dataDir: stray }, file)).rejects.toThrow(
			`${stray} (DATA_DIR) is not empty but holds no database: restore into an empty or new folder.`
		);
		await expect(
			backupDatabase({ databaseUrl: null, dataDir: stray }, path.join(base, 'stray.tar.gz'))
		).rejects.toThrow(`There is no database in ${stray} (DATA_DIR): nothing to back up.`);
		const text = path.join(base, 'dump.sql');
		writeFileSync(text, 'create table x ();');
		await expect(restoreDatabase({ databaseUrl: null, dataDir: path.join(base, 'n1') }, text)).rejects.toThrow(
			'is not a Qingfeng backup'
		);
		await expect(
			restoreDatabase({ databaseUrl: null, dataDir: path.join(base, 'n1') }, path.join(base, 'missing.tar.gz'))
		).rejects.toThrow('does not exist.');
		// The kind of the file decides before anything connects anywhere.
		await expect(
			restoreDatabase({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', dataDir: '' }, file)
		).rejects.toThrow(
			`${file} is a PGlite backup (data folder): unset DATABASE_URL and set DATA_DIR to restore it. It cannot be restored into PostgreSQL.`
		);
	});
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL backup and restore', () => {
	const names: string[] = [];
	let admin: import('postgres').Sql;
	const file = path.join(base, 'one.pgdump');
	let head = '';

	async function newDatabase(): Promise<string> {
		const name = `qf_test_${randomBytes(6).toString('hex')}`;
		await admin.unsafe(`create database ${name}`);
		names.push(name);
		const url = new URL(process.env.TEST_DATABASE_URL!);
		url.pathname = `/${name}`;
		return url.toString();
	}

	beforeAll(async () => {
		const { default: postgres } = await import('postgres');
		admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
	});
	afterAll(async () => {
		for (const n of names) await admin.unsafe(`drop database if exists ${n} with (force)`);
		await admin.end();
	});

	it('backs up from a snapshot, restores into a new database, refuses over data and under running servers', async () => {
		const source = await newDatabase();
		const app = await openDatabase({ databaseUrl: source, dataDir: '', poolMax: 2 });
		try {
			await seed(app);
			const out = await backupDatabase({ databaseUrl: source, dataDir: '' }, file);
			expect(seeded(out.contents)).toEqual({ reports: 0, staff: 1, auditEntries: 2, auditOk: true });
			head = /head ([0-9a-f]{64})/.exec(out.contents.audit)![1]!;
			expect(out.lines[0]).toMatch(
				/\): PostgreSQL postgres:\/\/[^/]+\/qf_test_[0-9a-f]{12}, pg_dump custom format \(schema pgboss left out\)\.$/
			);
			expect(statSync(file).mode & 0o777).toBe(0o600);
			// The app's own connections are open: restoring under it is refused.
			await expect(restoreDatabase({ databaseUrl: source, dataDir: '' }, file, { force: true })).rejects.toThrow(
				/^\d+ connections? of running app servers (is|are) open to this database: stop every app server before restoring\.$/
			);
		} finally {
			await app.close();
		}
		const fresh = await newDatabase();
		const restored = await restoreDatabase({ databaseUrl: fresh, dataDir: '' }, file);
		expect(restored.contents.audit).toBe(`audit chain OK: 2 entries, head ${head}`);
		expect(restored.lines[1]).toBe(
			'1 staff sessions from the backup were ended: staff sign in again. Start the app servers (they apply newer migrations, if any).'
		);
		const check = await openDatabase({ databaseUrl: fresh, dataDir: '', poolMax: 1 });
		try {
			expect(await sessionsAndTokens(check)).toEqual([0, 0]);
			// The app's migrations find nothing to do on the restored database.
			expect(seeded(await (await import('./backup')).contentsOf(check.db))).toEqual({
				reports: 0,
				staff: 1,
				auditEntries: 2,
				auditOk: true
			});
		} finally {
			await check.close();
		}
		await expect(restoreDatabase({ databaseUrl: fresh, dataDir: '' }, file)).rejects.toThrow(
			/already holds 0 reports, 0 attachments, 0 messages, 1 staff accounts, 0 units\. Add --force to replace it, or restore into a new, empty database \(createdb\)\.$/
		);
		const forced = await restoreDatabase({ databaseUrl: fresh, dataDir: '' }, file, { force: true });
		expect(forced.lines[0]).toBe(
			'The existing data (0 reports, 0 attachments, 0 messages, 1 staff accounts, 0 units) is replaced in the same transaction as the restore.'
		);
		expect(forced.contents.audit).toBe(`audit chain OK: 2 entries, head ${head}`);
	}, 120_000);

	it('refuses to clean over a database migrated after the backup, and a PostgreSQL backup for PGlite', async () => {
		const target = await newDatabase();
		const d = await openDatabase({ databaseUrl: target, dataDir: '', poolMax: 1, applicationName: 'qingfeng-test' });
		try {
			await d.db.execute(sql`create table from_a_newer_release (id int)`);
		} finally {
			await d.close();
		}
		await expect(restoreDatabase({ databaseUrl: target, dataDir: '' }, file, { force: true })).rejects.toThrow(
			'The database has tables the backup does not (public.from_a_newer_release): it was migrated by a newer release after the backup was taken.'
		);
		await expect(restoreDatabase({ databaseUrl: null, dataDir: path.join(base, 'n2') }, file)).rejects.toThrow(
			`${file} is a PostgreSQL backup (pg_dump): set DATABASE_URL to the database to restore it into. It cannot be restored into PGlite.`
		);
	}, 60_000);
});
