/**
 * One statement run as a prepared statement on PostgreSQL (issue 20).
 *
 * Drizzle's postgres-js driver prepares only queries given a name (`.prepare('name')`), which a raw `sql`
 * statement cannot have: every `db.execute` goes out unnamed, so PostgreSQL parses and plans it again each time
 * and postgres.js waits for its parameter description first (two round trips per statement). The intake's
 * commit is one such statement, run for every report: here it goes through postgres.js with `prepare: true`,
 * which parses it once per connection and then sends only Bind and Execute (one round trip), as the raw-insert
 * baseline of `npm run bench:intake` does. A pool opened with prepare off (DATABASE_PREPARE=false, for a
 * PgBouncer in transaction mode) keeps it off: postgres.js's own setting wins. PGlite, and a transaction's
 * `Db`, take the statement through Drizzle as before.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from './index';

/** The part of a postgres.js client used here. */
interface PostgresJs {
	unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>;
}

const dialect = new PgDialect();

function postgresJs(db: Db): PostgresJs | null {
	const client = (db as unknown as { $client?: unknown }).$client;
	if (typeof client !== 'function') return null;
	const unsafe = (client as unknown as Partial<PostgresJs>).unsafe;
	return typeof unsafe === 'function' ? (client as unknown as PostgresJs) : null;
}

/** Runs `query` (raw SQL with parameters only) as a prepared statement where the driver allows it. */
export function executePrepared(db: Db, query: SQL): Promise<unknown> {
	const client = postgresJs(db);
	if (!client) return db.execute(query);
	const q = dialect.sqlToQuery(query);
	return client.unsafe(q.sql, q.params, { prepare: true });
}
