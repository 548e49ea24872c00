/**
 * `npm run audit:verify [-- --anchor <count>:<hex>]`: re-computes the audit log's hash chain (docs/workflow.md,
 * docs/backoffice.md) in the database the app uses (DATABASE_URL, else PGlite in DATA_DIR), reading the
 * entries in seq order in batches, and checks the anchor row the writer keeps (and, if given, an anchor
 * noted elsewhere: the count and head hash printed by an earlier run). Prints
 * `audit chain OK: N entries, head <hex>` and exits 0, or names the first broken entry and exits 1.
 * With PGlite, stop the server first: the tool refuses while a server holds the data folder.
 */
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { openForTool } from '../src/lib/server/db/tool';
import { verifyAuditLog } from '../src/lib/server/audit/log';

const USAGE = 'Usage: npm run audit:verify -- [--anchor <count>:<64 hex digits>]';

function usage(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

const REASONS: Record<string, string> = {
	hash_mismatch: 'its content does not match its hash (the row was changed)',
	prev_mismatch: 'it does not link to the entry before it (rows were changed, swapped or removed)',
	seq_gap: 'entries before it are missing (deleted) or out of order',
	seq_order: 'its sequence number repeats or goes backwards (a row was inserted or reordered)',
	malformed: 'a field cannot be read',
	anchor_mismatch: 'the chain does not match its anchor (rewritten, or appended around the writer)',
	truncated: 'entries at the end are missing (the log is shorter than its anchor)'
};

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	let anchor: { count: bigint; head: string } | undefined;
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		if (a === '--anchor') {
			const m = /^(\d{1,18}):([0-9a-f]{64})$/.exec(args[++i] ?? '');
			if (!m) usage('--anchor needs <count>:<64 lowercase hex digits>');
			anchor = { count: BigInt(m[1]!), head: m[2]! };
		} else usage(`Unknown argument: ${a}`);
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
		const r = await verifyAuditLog(database.db, { anchor });
		if (r.ok) {
			console.log(`audit chain OK: ${r.count} entries, head ${r.head}`);
		} else {
			console.error(
				`audit chain BROKEN at entry seq ${r.firstBad} (position ${r.index}): ${r.reason}: ${REASONS[r.reason] ?? r.reason}`
			);
			process.exitCode = 1;
		}
	} finally {
		await database.close();
	}
}

await main();
