/**
 * `npm run audit:verify [-- --anchor <count>:<hex> | --anchor FILE [--anchor-key HEX]]`: re-computes the audit log's hash chain (docs/workflow.md,
 * docs/backoffice.md) in the database the app uses (DATABASE_URL, else PGlite in DATA_DIR), reading the
 * entries in seq order in batches, and checks the anchor row the writer keeps (and, if given, an anchor
 * noted elsewhere: the count and head hash printed by an earlier run). Prints
 * `audit chain OK: N entries, head <hex>` and exits 0, or names the first broken entry and exits 1.
 * `--anchor FILE` reads a signed anchor file (src/lib/server/audit/anchor.ts) and checks its signature first,
 * against the pinned key (--anchor-key or AUDIT_ANCHOR_PUBLIC_KEY) when one is given; a bad signature or a
 * different key exits 1. `--export-anchor FILE --sign-key KEYFILE` verifies the chain and writes a signed
 * anchor of its head to FILE (docs/security.md, "Anchor outside the database").
 * With PGlite, stop the server first: the tool refuses while a server holds the data folder.
 */
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { openForTool } from '../src/lib/server/db/tool';
import { verifyAuditLog } from '../src/lib/server/audit/log';
import {
	AnchorError,
	checkSignedAnchor,
	parsePublicKey,
	readSeedFile,
	signCurrentHead
} from '../src/lib/server/audit/anchor';
import { readFileSync, writeFileSync } from 'node:fs';

const USAGE =
	'Usage: npm run audit:verify -- [--anchor <count>:<64 hex digits> | --anchor ANCHOR_FILE [--anchor-key HEX]]\n' +
	'       npm run audit:verify -- --export-anchor ANCHOR_FILE --sign-key KEY_FILE';

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
	let anchorFile: string | undefined;
	let anchorKey = process.env.AUDIT_ANCHOR_PUBLIC_KEY?.trim() || undefined;
	let exportTo: string | undefined;
	let signKey: string | undefined;
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		const value = (): string => {
			const v = args[++i];
			if (!v) usage(`${a} needs a value`);
			return v;
		};
		if (a === '--anchor') {
			const v = value();
			const m = /^(\d{1,18}):([0-9a-f]{64})$/.exec(v);
			if (m) anchor = { count: BigInt(m[1]!), head: m[2]! };
			else if (/^\d+:/.test(v) || !v.toLowerCase().endsWith('.json'))
				usage('--anchor needs <count>:<64 lowercase hex digits> or an anchor file (.json)');
			else anchorFile = v;
		} else if (a === '--anchor-key') anchorKey = value();
		else if (a === '--export-anchor') exportTo = value();
		else if (a === '--sign-key') signKey = value();
		else usage(`Unknown argument: ${a}`);
	}
	if (exportTo && !signKey) usage('--export-anchor needs --sign-key KEY_FILE');
	if (anchorFile) {
		try {
			const pinned = anchorKey ? parsePublicKey(anchorKey) : undefined;
			const checked = checkSignedAnchor(readFileSync(anchorFile, 'utf8'), pinned);
			anchor = { count: checked.count as bigint, head: checked.head };
			if (!pinned) console.error('warning: no --anchor-key or AUDIT_ANCHOR_PUBLIC_KEY: the signer is not pinned');
		} catch (e) {
			const why = e instanceof AnchorError ? e.message : `cannot read ${anchorFile}: ${(e as Error).message}`;
			console.error(`audit anchor REFUSED: ${why}`);
			process.exit(1);
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
		if (exportTo) {
			try {
				const signed = await signCurrentHead(database.db, readSeedFile(signKey!), new Date(), anchor);
				writeFileSync(exportTo, JSON.stringify(signed, null, '\t') + '\n', { mode: 0o600 });
				console.log(`audit anchor written: ${signed.count} entries, head ${signed.head}, key ${signed.publicKey}`);
			} catch (e) {
				if (!(e instanceof AnchorError)) throw e;
				console.error(`audit anchor NOT written: ${e.message}`);
				process.exitCode = 1;
			}
			return;
		}
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
