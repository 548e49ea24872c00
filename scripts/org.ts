/**
 * `npm run org -- import FILE` / `npm run org -- export FILE`: the organization directory as CSV or JSON
 * (by file extension; `-` for export writes JSON to standard output). An import is checked completely
 * first; any error is printed with its line and field and nothing is changed. A valid import REPLACES
 * the whole directory (units, organs, jurisdictions, memberships, conflicts, posts) in one transaction.
 * Uses the app database (DATABASE_URL, else PGlite in DATA_DIR).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { openForTool } from '../src/lib/server/db/tool';
import { exportOrg, formatOf, importOrg } from '../src/lib/server/org/io';

function usage(message: string): never {
	console.error(
		`${message}\nUsage: npm run org -- import FILE.csv|FILE.json\n       npm run org -- export FILE.csv|FILE.json|-`
	);
	process.exit(2);
}

async function main(): Promise<void> {
	const [command, file, ...rest] = process.argv.slice(2);
	if ((command !== 'import' && command !== 'export') || !file || rest.length > 0)
		usage('Expected a command and one file.');
	const format = file === '-' && command === 'export' ? 'json' : formatOf(file);
	if (!format) usage(`Cannot tell the format of "${file}": use a .csv or .json file.`);
	let text = '';
	if (command === 'import') {
		try {
			text = readFileSync(file, 'utf8');
		} catch (e) {
			usage(`Cannot read "${file}": ${e instanceof Error ? e.message : String(e)}`);
		}
	}
	let cfg;
	try {
		cfg = loadConfig(process.env);
	} catch (e) {
		if (e instanceof ConfigError) usage(e.message);
		throw e;
	}
	const database = await openForTool(cfg);
	try {
		if (command === 'export') {
			const out = await exportOrg(database.db, format);
			if (file === '-') process.stdout.write(out);
			else {
				writeFileSync(file, out);
				console.log(`Exported the directory to ${file}.`);
			}
			return;
		}
		const result = await importOrg(database.db, text, format);
		if (!result.ok) {
			for (const e of result.errors) console.error(`${file}:${e.line}${e.field ? ` [${e.field}]` : ''}: ${e.message}`);
			console.error(`${result.errors.length} error(s); nothing was changed.`);
			process.exitCode = 1;
			return;
		}
		const c = result.counts;
		console.log(
			`Imported ${file}: ${c.unit} units, ${c.organ} organs, ${c.jurisdiction} jurisdictions, ${c.staff} memberships, ${c.conflict} conflicts, ${c.post} posts.`
		);
	} finally {
		await database.close();
	}
}

await main();
