/**
 * `npm run demo [-- --force] [-- --units N] [-- --seed N]`: loads the demo province (示范省) into the app
 * database, opened the way the app opens it (DATABASE_URL, else PGlite in DATA_DIR, default ./data;
 * migrations applied). Refused when the database holds organization data that is not the demo, unless
 * --force (which replaces the whole directory). Demo staff accounts get placeholder credentials that can
 * never sign in.
 */
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { openForTool } from '../src/lib/server/db/tool';
import { DEMO_SEED, generateDemo } from '../src/lib/server/demo/province';
import { loadDemo, OrgDataExistsError } from '../src/lib/server/org/store';

function usage(message: string): never {
	console.error(`${message}\nUsage: npm run demo -- [--force] [--units N] [--seed N]`);
	process.exit(2);
}

function numberArg(args: string[], name: string): number | undefined {
	const i = args.indexOf(name);
	if (i < 0) return undefined;
	const v = args[i + 1];
	if (v === undefined || !/^\d{1,9}$/.test(v)) usage(`${name} needs a whole number`);
	return Number(v);
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const known = new Set(['--force', '--units', '--seed']);
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		if (!known.has(a)) usage(`Unknown argument: ${a}`);
		if (a !== '--force') i++;
	}
	const force = args.includes('--force');
	const units = numberArg(args, '--units');
	const seed = numberArg(args, '--seed') ?? DEMO_SEED;

	let cfg;
	try {
		cfg = loadConfig(process.env);
	} catch (e) {
		if (e instanceof ConfigError) usage(e.message);
		throw e;
	}
	const database = await openForTool(cfg);
	try {
		const data = generateDemo({ seed, units });
		const started = performance.now();
		await loadDemo(database.db, data, { force });
		const where = database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${cfg.dataDir}`;
		console.log(
			`Demo province 示范省 loaded into ${where} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
				`${data.units.length} units, ${data.posts.length} leadership posts, ${data.organs.length} organs, ` +
				`${data.staff.length} demo staff (placeholder credentials, they cannot sign in), ${data.conflicts.length} conflict declarations.`
		);
	} catch (e) {
		if (e instanceof OrgDataExistsError) {
			console.error('Refused: the database already holds organization data that is not the demo. Nothing was changed.');
			console.error('Run `npm run demo -- --force` to replace the whole directory with the demo.');
			process.exitCode = 1;
		} else throw e;
	} finally {
		await database.close();
	}
}

await main();
