/**
 * Test helper: runs a suite against PGlite always, and against PostgreSQL too when TEST_DATABASE_URL is
 * set. Each call gets its own database (in-memory PGlite, or a fresh PostgreSQL database dropped after).
 * Under vitest the databases are copies of a template migrated once per run (./db-template.ts); without
 * one (another runner) each database is migrated as it is opened.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type Database, type Db } from '../../src/lib/server/db/index';
import * as schema from '../../src/lib/server/db/schema';
import { createPglite } from '../../src/lib/server/db/pglite-types';
import type { DbTemplate } from './db-template';

export type Backend = 'pglite' | 'postgres';

export function backends(): Backend[] {
	return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Creates an isolated, migrated database for one backend; `drop()` removes it. */
export async function isolatedDatabase(
	backend: Backend
): Promise<Database & { drop(): Promise<void>; url: string | null }> {
	const tpl = template();
	if (backend === 'pglite') {
		const d = tpl?.pgliteDump
			? await pgliteCopy(tpl.pgliteDump)
			: await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
		return { ...d, url: null, drop: () => d.close() };
	}
	const base = process.env.TEST_DATABASE_URL!;
	const name = `qf_test_${randomBytes(6).toString('hex')}`;
	const { default: postgres } = await import('postgres');
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}${tpl?.postgresTemplate ? ` template ${tpl.postgresTemplate}` : ''}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const d = await openDatabase({
		databaseUrl: url.toString(),
		dataDir: '',
		poolMax: 4,
		migrate: !tpl?.postgresTemplate
	});
	return {
		...d,
		url: url.toString(),
		drop: async () => {
			await d.close();
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}

/** The run's template databases (./db-template.ts), or null outside a vitest run that set them up. */
function template(): DbTemplate | null {
	try {
		return inject('qfDbTemplate') ?? null;
	} catch {
		return null;
	}
}

/** The template's bytes, read once per test file. */
let dumpBytes: { file: string; blob: Blob } | null = null;

/** A new in-memory PGlite holding a copy of the migrated template, behind the same Database interface. */
async function pgliteCopy(file: string): Promise<Database> {
	if (dumpBytes?.file !== file) dumpBytes = { file, blob: new Blob([readFileSync(file)]) };
	const { drizzle } = await import('drizzle-orm/pglite');
	const client = await createPglite('memory://', { loadDataDir: dumpBytes.blob });
	const db = drizzle({ client, schema }) as unknown as Db;
	return {
		db,
		kind: 'pglite',
		ping: async () => {
			try {
				await db.execute(sql`select 1`);
				return true;
			} catch {
				return false;
			}
		},
		close: () => client.close()
	};
}

/**
 * describe() once per backend; `get()` returns that backend's database inside tests.
 */
export function describeDb(name: string, body: (get: () => Database, backend: Backend) => void): void {
	for (const backend of backends()) {
		describe(`${name} [${backend}]`, () => {
			let d: Awaited<ReturnType<typeof isolatedDatabase>> | null = null;
			beforeAll(async () => {
				d = await isolatedDatabase(backend);
			});
			afterAll(async () => {
				await d?.drop();
			});
			body(() => {
				if (!d) throw new Error('database not ready');
				return d;
			}, backend);
		});
	}
}
