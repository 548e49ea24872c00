/**
 * How the command-line tools (scripts/: demo, demo-keys, org, audit-verify) open the app's database: like
 * the server (same settings, migrations applied), with a small pool. When a running server holds the PGlite
 * data folder the tool stops with one line saying so (exit code 1) instead of a stack trace.
 */
import type { Config } from '$lib/server/config';
import { openDatabase, type Database } from './index';
import { DataDirInUse } from './pglite-owner';

export async function openForTool(cfg: Config): Promise<Database> {
	try {
		return await openDatabase({
			databaseUrl: cfg.databaseUrl,
			dataDir: cfg.dataDir,
			poolMax: 2,
			prepare: cfg.databasePrepare,
			migrationUrl: cfg.databaseDirectUrl,
			applicationName: 'qingfeng-tool'
		});
	} catch (e) {
		if (e instanceof DataDirInUse) {
			console.error(`Refused: ${e.message}`);
			process.exit(1);
		}
		throw e;
	}
}
