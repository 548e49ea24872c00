/**
 * Opens the database: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise embedded PGlite
 * in DATA_DIR. Everything above this file sees one Drizzle `Db` type and the same code path.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema';
import { claimDataDir, type DataDirClaim } from './pglite-owner';
import { pgliteBackup } from './pglite-backup';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
	db: Db;
	kind: 'pglite' | 'postgres';
	/** Answers true when a trivial query succeeds (for /healthz). */
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

export interface OpenOptions {
	databaseUrl: string | null;
	/** Folder for PGlite; 'memory://' keeps it in memory (tests). */
	dataDir: string;
	poolMax?: number;
	migrationsFolder?: string;
	migrate?: boolean;
	/** PostgreSQL: use prepared statements (default true; false for PgBouncer transaction pooling before 1.21). */
	prepare?: boolean;
	/** PostgreSQL: where migrations connect (they hold a session advisory lock); default `databaseUrl`. */
	migrationUrl?: string | null;
	/** PostgreSQL: the connections' application_name, as pg_stat_activity shows it (default `qingfeng`). */
	applicationName?: string;
	/** PGlite: the caller has already claimed the data folder (claimDataDir) and releases it after close. */
	holdsClaim?: boolean;
}

export const defaultMigrationsFolder = path.resolve(process.cwd(), 'drizzle');

/** Arbitrary fixed key: only one app server at a time applies migrations to a shared PostgreSQL. */
const MIGRATION_LOCK = 7_311_020_415;

/**
 * libpq's `?host=/var/run/postgresql` (a Unix socket's folder), which postgres.js does not read from a URL:
 * taken out of the URL and given as its `host` option. A local PostgreSQL over its socket skips the loopback
 * TCP work (issue 20: about a fifth of the server's CPU under intake went to socket writes).
 */
export function socketHost(databaseUrl: string): { url: string; host: string | null } {
	const none = { url: databaseUrl, host: null };
	// Anything else (multi-host lists included, which URL cannot parse) goes to postgres.js untouched.
	if (!/[?&]host=/.test(databaseUrl)) return none;
	let u: URL;
	try {
		u = new URL(databaseUrl);
	} catch {
		return none;
	}
	const host = u.searchParams.get('host');
	if (!host?.startsWith('/')) return none;
	u.searchParams.delete('host');
	return { url: u.toString(), host };
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
	const migrationsFolder = opts.migrationsFolder ?? defaultMigrationsFolder;
	let database: Database;
	if (opts.databaseUrl) {
		const { default: postgres } = await import('postgres');
		const { drizzle } = await import('drizzle-orm/postgres-js');
		const { url, host } = socketHost(opts.databaseUrl);
		const client = postgres(url, {
			...(host ? { host } : {}),
			max: opts.poolMax ?? 10,
			idle_timeout: 60,
			connect_timeout: 10,
			max_lifetime: 60 * 30,
			// postgres.js waits (0.5–1) × min(3^n / 100, 20) s before its n-th reconnect, so while the database
			// is down a request could wait tens of seconds for its 503. Capped at 1 s: requests during an
			// outage are refused within about a second and the pool is back within a second of the database.
			backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
			onnotice: () => {},
			prepare: opts.prepare ?? true,
			connection: { application_name: opts.applicationName ?? 'qingfeng' }
		});
		const db = drizzle({ client, schema }) as unknown as Db;
		database = {
			db,
			kind: 'postgres',
			ping: () => ping(db),
			close: () => client.end({ timeout: 5 })
		};
		if (opts.migrate !== false) {
			const { migrate } = await import('drizzle-orm/postgres-js/migrator');
			// One dedicated connection holds the advisory lock while migrating: a session lock, so not through
			// a transaction-pooling PgBouncer (DATABASE_DIRECT_URL, docs/operations.md).
			const m = socketHost(opts.migrationUrl ?? opts.databaseUrl);
			const migrator = postgres(m.url, {
				...(m.host ? { host: m.host } : {}),
				max: 1,
				onnotice: () => {},
				connection: { application_name: 'qingfeng-migrate' }
			});
			try {
				await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
				await migrate(drizzle({ client: migrator, schema }), { migrationsFolder });
			} finally {
				await migrator.end({ timeout: 5 });
			}
		}
	} else {
		// Loaded only here: a PostgreSQL deployment never loads PGlite.
		const { createPglite } = await import('./pglite-types');
		const { drizzle } = await import('drizzle-orm/pglite');
		let dataDir = opts.dataDir;
		let claim: DataDirClaim | null = null;
		let client: import('@electric-sql/pglite').PGlite | null = null;
		if (!dataDir.startsWith('memory://')) {
			dataDir = path.resolve(dataDir);
			mkdirSync(dataDir, { recursive: true });
		}
		if (!dataDir.startsWith('memory://') && !opts.holdsClaim) {
			// One process per data folder; the holder also answers `npm run backup` (./pglite-owner.ts).
			claim = await claimDataDir(dataDir, {
				backup: async () => {
					if (!client) throw new Error('the database is not open');
					return pgliteBackup(client);
				}
			});
		}
		try {
			client = await createPglite(dataDir);
		} catch (e) {
			await claim?.release();
			throw e;
		}
		const opened = client;
		const db = drizzle({ client: opened, schema }) as unknown as Db;
		database = {
			db,
			kind: 'pglite',
			ping: () => ping(db),
			close: async () => {
				try {
					await opened.close();
				} finally {
					client = null;
					await claim?.release();
				}
			}
		};
		if (opts.migrate !== false) {
			const { migrate } = await import('drizzle-orm/pglite/migrator');
			await migrate(db as never, { migrationsFolder });
		}
	}
	return database;
}

async function ping(db: Db): Promise<boolean> {
	try {
		await db.execute(sql`select 1`);
		return true;
	} catch {
		return false;
	}
}

let current: Database | null = null;

/** The app's database, opened in hooks.server.ts `init`. */
export function database(): Database {
	if (!current) throw new Error('Database not opened yet');
	return current;
}

export function db(): Db {
	return database().db;
}

export function setDatabase(d: Database | null): void {
	current = d;
}

/* ------------------------------------------------------------------ database failures */

/** postgres.js / Node socket codes of a connection that failed or was lost. */
const CONNECTION_CODES = new Set([
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN'
]);
/** SQLSTATE classes and codes: 08 connection exception, 57P01–57P03 shutdown / starting up, 53300 too many connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** 53100 disk_full, 53200 out_of_memory (both: the server cannot store right now). */
const STORAGE_SQLSTATES = new Set(['53100']);

/**
 * Classifies an error thrown by a query: `unavailable` when the database cannot be reached (down,
 * restarting, connection lost), `storage_full` when it is out of disk space, null for anything else.
 * Follows `cause` (Drizzle wraps driver errors) a few levels deep.
 */
export function databaseFailure(e: unknown): 'unavailable' | 'storage_full' | null {
	for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
		const err = e as { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown };
		const code = typeof err.code === 'string' ? err.code : '';
		if (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
			return 'unavailable';
		if (STORAGE_SQLSTATES.has(code) || code === 'ENOSPC') return 'storage_full';
		const message = typeof err.message === 'string' ? err.message : '';
		if (/No space left on device|ENOSPC/i.test(message)) return 'storage_full';
		e = err.cause;
	}
	return null;
}
