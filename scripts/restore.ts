/**
 * `npm run restore -- FILE [--force]`: restores a backup made by `npm run backup` into the app's database
 * (DATABASE_URL, else PGlite in DATA_DIR) with the app stopped (src/lib/server/backup/backup.ts;
 * docs/operations.md, "Backups"). Refuses (exit 1) while app servers use the database, and over a database
 * that holds data unless --force. Prints what it did, the restored counts and the audit chain's state.
 * Usage mistakes exit 2.
 */
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { restoreDatabase, BackupRefused } from '../src/lib/server/backup/backup';
import { PgToolError } from '../src/lib/server/backup/pg-tools';

const USAGE = 'Usage: npm run restore -- FILE [--force]';

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
	process.umask(0o077);
	try {
		const { lines, contents } = await restoreDatabase(
			{ databaseUrl: cfg.databaseDirectUrl ?? cfg.databaseUrl, dataDir: cfg.dataDir },
			files[0]!,
			{ force: args.includes('--force') }
		);
		for (const l of lines) console.log(l);
		if (!contents.auditOk) {
			console.error('The restored audit chain does not verify: see `npm run audit:verify`.');
			process.exitCode = 1;
		}
	} catch (e) {
		if (e instanceof BackupRefused || e instanceof PgToolError) {
			console.error(`Restore refused: ${e.message}`);
			process.exitCode = 1;
		} else throw e;
	}
}

await main();
