/**
 * `npm run backup -- FILE [--force]`: writes a backup of the app's database (DATABASE_URL, else PGlite in
 * DATA_DIR) to FILE, while the app runs or not (src/lib/server/backup/backup.ts; docs/operations.md,
 * "Backups"). Prints what it wrote, the counts it holds and the audit chain's head, and exits 0; refuses
 * (exit 1) an existing FILE unless --force. Usage mistakes exit 2.
 */
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { DataDirInUse } from '../src/lib/server/db/pglite-owner';
import { backupDatabase, BackupRefused } from '../src/lib/server/backup/backup';
import { PgToolError } from '../src/lib/server/backup/pg-tools';

const USAGE = 'Usage: npm run backup -- FILE [--force]';

function usage(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const files = args.filter((a) => !a.startsWith('--'));
	for (const a of args) if (a.startsWith('--') && a !== '--force') usage(`Unknown argument: ${a}`);
	if (files.length !== 1) usage('Give exactly one backup file name.');
	let cfg;
	try {
		cfg = loadConfig(process.env);
	} catch (e) {
		if (e instanceof ConfigError) usage(e.message);
		throw e;
	}
	// The backup holds hashes and wrapped keys: only its owner may read it (also pg_dump's file).
	process.umask(0o077);
	try {
		const { lines } = await backupDatabase(
			{ databaseUrl: cfg.databaseDirectUrl ?? cfg.databaseUrl, dataDir: cfg.dataDir },
			files[0]!,
			{ force: args.includes('--force') }
		);
		for (const l of lines) console.log(l);
	} catch (e) {
		if (e instanceof BackupRefused || e instanceof DataDirInUse || e instanceof PgToolError) {
			console.error(`Backup refused: ${e.message}`);
			process.exitCode = 1;
		} else throw e;
	}
}

await main();
