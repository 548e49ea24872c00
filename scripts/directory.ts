/**
 * `npm run directory -- <command>`: the server's side of the root ceremony (docs/keys.md), on the database
 * the app uses (DATABASE_URL, else PGlite in DATA_DIR) with the pinned root (ROOT_PUBLIC_KEY or
 * ROOT_PUBLIC_KEY_FILE).
 *
 *   export-pending --out <pending.json> [--days N] [--revoke-staff <id>]…
 *       what the root should sign: an entry for every handler whose enrolled key has none for their organ,
 *       and, with --revoke-staff, a new revocation list (everything revoked so far plus those staff)
 *   import-signed --in <signed.json>     stores what `npm run root -- sign` signed (each item verified)
 *   activate-root                        after a rotation: records the newly pinned key as the active root
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, loadConfig, setConfig } from '../src/lib/server/config';
import { openForTool } from '../src/lib/server/db/tool';
import { exportPending, importSigned } from '../src/lib/server/keys/ceremony';
import { rotateRootKey } from '../src/lib/server/keys/root-key';
import { CeremonyError, parseSignedFile } from '../src/lib/shared/root-ceremony';

const USAGE = `Usage: npm run directory -- export-pending --out <pending.json> [--days N] [--revoke-staff <id>]...
       npm run directory -- import-signed --in <signed.json>
       npm run directory -- activate-root`;

function fail(message: string, code = 2): never {
	console.error(code === 2 ? `${message}\n${USAGE}` : message);
	process.exit(code);
}

async function main(): Promise<void> {
	const [command, ...args] = process.argv.slice(2);
	const o = new Map<string, string[]>();
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		const v = args[++i];
		if (!a.startsWith('--') || v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
		o.set(a.slice(2), [...(o.get(a.slice(2)) ?? []), v]);
	}
	if (!['export-pending', 'import-signed', 'activate-root'].includes(command ?? ''))
		fail(command ? `Unknown command: ${command}` : 'Give a command');
	let cfg;
	try {
		cfg = loadConfig(process.env);
	} catch (e) {
		if (e instanceof ConfigError) fail(e.message, 1);
		throw e;
	}
	setConfig(cfg);
	if (!cfg.rootPublicKey)
		fail('No root key is pinned: set ROOT_PUBLIC_KEY (or ROOT_PUBLIC_KEY_FILE) as for the server.', 1);
	const database = await openForTool(cfg);
	try {
		if (command === 'export-pending') {
			const out = o.get('out')?.[0] ?? fail('Give --out');
			const daysText = o.get('days')?.[0] ?? '365';
			if (!/^\d+$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > 3650)
				fail('--days must be a whole number from 1 to 3650');
			const pending = await exportPending(database.db, {
				days: Number(daysText),
				revokeStaff: o.get('revoke-staff') ?? []
			});
			if (!pending)
				fail(
					'The database does not hold the pinned root key: start the server once with ROOT_PUBLIC_KEY set (or run activate-root after a rotation).',
					1
				);
			writeFileSync(out, JSON.stringify(pending, null, '\t') + '\n');
			console.log(
				`${pending.entries.length} entries${pending.revocations ? ' and a revocation list' : ''} to sign under root ${pending.rootFingerprint}: ${out}`
			);
			console.log(
				'On the offline machine: npm run root -- sign --seed <seed.json> --in <this file> --out <signed.json>'
			);
		} else if (command === 'import-signed') {
			const input = o.get('in')?.[0] ?? fail('Give --in');
			let signed;
			try {
				signed = parseSignedFile(readFileSync(input, 'utf8'));
			} catch (e) {
				if (e instanceof CeremonyError) fail(`${input}: ${e.message}`, 1);
				throw e;
			}
			const r = await importSigned(database.db, signed);
			console.log(`Stored ${r.stored} of ${signed.entries.length} signed entries.`);
			for (const x of r.refused) console.log(`  entry ${x.index} refused: ${x.reason}`);
			if (r.revocations)
				console.log(r.revocations.ok ? 'Revocation list stored.' : `Revocation list refused: ${r.revocations.reason}`);
			if (r.refused.length > 0 || (r.revocations && !r.revocations.ok)) process.exitCode = 1;
		} else {
			const r = await rotateRootKey(database.db, cfg.rootPublicKey);
			if (!r.ok)
				fail(
					`Refused: ${r.reason === 'same_key' ? 'the pinned key is already active' : 'that key was retired before'}`,
					1
				);
			console.log(`Root ${r.fingerprint} is now active; the previous root's entries are no longer served.`);
		}
	} finally {
		await database.close();
	}
}

await main();
