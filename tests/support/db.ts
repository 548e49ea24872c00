/**
 * Test helper: runs a suite against PGlite always, and against PostgreSQL too when TEST_DATABASE_URL is
 * set. Each call gets its own database (in-memory PGlite, or a fresh PostgreSQL database dropped after).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/index';

export type Backend = 'pglite' | 'postgres';

export function backends(): Backend[] {
	return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** Creates an isolated, migrated database for one backend; `drop()` removes it. */
export async function isolatedDatabase(
	backend: Backend
): Promise<Database & { drop(): Promise<void>; url: string | null }> {
	if (backend === 'pglite') {
		const d = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
		return { ...d, url: null, drop: () => d.close() };
	}
	const base = process.env.TEST_DATABASE_URL!;
	const name = `qf_test_${randomBytes(6).toString('hex')}`;
	const { default: postgres } = await import('postgres');
	const admin = postgres(base, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	const url = new URL(base);
	url.pathname = `/${name}`;
	const d = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolMax: 4 });
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
