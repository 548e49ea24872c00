/**
 * vitest globalSetup (vite.config.ts): migrates one template database per backend before the unit files run,
 * so that each `isolatedDatabase()` (tests/support/db.ts) starts from a copy instead of applying every
 * migration again (about 2.5 s of CPU per PGlite database and 1 s per PostgreSQL database, ~90 of each per run).
 *
 * - PGlite: a migrated in-memory database dumped to a tar file (PGlite `dumpDataDir`); each copy is a new
 *   in-memory PGlite created with `loadDataDir` (about 0.6 s of CPU).
 * - PostgreSQL (TEST_DATABASE_URL set): a migrated database `qf_tpl_…` that nothing stays connected to;
 *   each copy is `create database … template qf_tpl_…`. Dropped at teardown.
 *
 * The copies hold exactly what the migrations produce (the same migrations folder, run the same way by
 * openDatabase); a test that needs migrations run in front of it opens its own database as before.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/lib/server/db/index';

export interface DbTemplate {
	/** A tar file of a migrated PGlite data folder (dumpDataDir 'none'), or null. */
	pgliteDump: string | null;
	/** The name of a migrated PostgreSQL database on TEST_DATABASE_URL's server, or null. */
	postgresTemplate: string | null;
}

declare module 'vitest' {
	export interface ProvidedContext {
		qfDbTemplate: DbTemplate;
	}
}

let cleanup: (() => Promise<void>) | null = null;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'qf-db-template-'));
	const template: DbTemplate = { pgliteDump: null, postgresTemplate: null };
	const steps: Promise<void>[] = [];
	steps.push(
		(async () => {
			const d = await openDatabase({ databaseUrl: null, dataDir: 'memory://' });
			try {
				const client = (d.db as unknown as { $client: import('@electric-sql/pglite').PGlite }).$client;
				const dump = await client.dumpDataDir('none');
				const file = path.join(dir, 'pglite.tar');
				writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
				template.pgliteDump = file;
			} finally {
				await d.close();
			}
		})()
	);
	const base = process.env.TEST_DATABASE_URL?.trim();
	let admin: import('postgres').Sql | null = null;
	if (base) {
		const name = `qf_tpl_${randomBytes(6).toString('hex')}`;
		steps.push(
			(async () => {
				const { default: postgres } = await import('postgres');
				admin = postgres(base, { max: 1, onnotice: () => {} });
				await admin.unsafe(`create database ${name}`);
				const url = new URL(base);
				url.pathname = `/${name}`;
				const d = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolMax: 1 });
				await d.close();
				template.postgresTemplate = name;
			})()
		);
		cleanup = async () => {
			if (!admin) return;
			await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
			await admin.end({ timeout: 5 });
		};
	}
	try {
		await Promise.all(steps);
	} catch (e) {
		await cleanup?.();
		rmSync(dir, { recursive: true, force: true });
		throw e;
	}
	project.provide('qfDbTemplate', template);
	return async () => {
		await cleanup?.();
		rmSync(dir, { recursive: true, force: true });
	};
}
