/**
 * The commands of `npm run directory` (scripts/directory.ts; docs/keys.md), as a function of the arguments, a
 * `ToolIo` and the way to open the database (the app's own by default), so tests run them on both databases.
 * The suite is the deployment's (QF_CRYPTO_SUITE with its ROOT_PUBLIC_KEY, as for the server, issue 21); a
 * `--suite` that says otherwise is refused, so an operator cannot export or import under the wrong root.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError, loadConfig, setConfig, type Config } from '../src/lib/server/config';
import type { Database } from '../src/lib/server/db/index';
import { openForTool } from '../src/lib/server/db/tool';
import { exportPending, importSigned } from '../src/lib/server/keys/ceremony';
import { rotateRootKey } from '../src/lib/server/keys/root-key';
import { CeremonyError, parseSignedFile } from '../src/lib/shared/root-ceremony';
import { suiteAskedFor, ToolExit, type ToolIo } from './tool-io';

export const DIRECTORY_USAGE = `Usage: npm run directory -- export-pending --out <pending.json> [--days N] [--revoke-staff <id>]...
       npm run directory -- import-signed --in <signed.json>
       npm run directory -- activate-root
The suite is QF_CRYPTO_SUITE's (with its ROOT_PUBLIC_KEY); --suite nacl|gm only checks it.`;

const usage = (message: string): never => {
	throw new ToolExit(2, message);
};
const refuse = (message: string): never => {
	throw new ToolExit(1, message);
};

async function command(argv: string[], io: ToolIo, open: (cfg: Config) => Promise<Database>): Promise<void> {
	const [name, ...args] = argv;
	const o = new Map<string, string[]>();
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		const v = args[++i];
		if (!a.startsWith('--') || v === undefined || v.startsWith('--')) usage(`${a} needs a value`);
		o.set(a.slice(2), [...(o.get(a.slice(2)) ?? []), v!]);
	}
	if (!['export-pending', 'import-signed', 'activate-root'].includes(name ?? ''))
		usage(name ? `Unknown command: ${name}` : 'Give a command');
	let cfg: Config;
	try {
		cfg = loadConfig(io.env);
	} catch (e) {
		if (e instanceof ConfigError) return refuse(e.message);
		throw e;
	}
	const asked = suiteAskedFor(o.get('suite')?.[0], {});
	if (asked && asked !== cfg.cryptoSuite)
		refuse(`--suite ${asked}: this deployment is QF_CRYPTO_SUITE=${cfg.cryptoSuite}; set it as for the server.`);
	setConfig(cfg);
	const rootPublicKey =
		cfg.rootPublicKey ??
		refuse('No root key is pinned: set ROOT_PUBLIC_KEY (or ROOT_PUBLIC_KEY_FILE) as for the server.');
	const database = await open(cfg);
	try {
		if (name === 'export-pending') {
			const out = o.get('out')?.[0] ?? usage('Give --out');
			const daysText = o.get('days')?.[0] ?? '365';
			if (!/^\d+$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > 3650)
				usage('--days must be a whole number from 1 to 3650');
			const pending =
				(await exportPending(database.db, { days: Number(daysText), revokeStaff: o.get('revoke-staff') ?? [] })) ??
				refuse(
					'The database does not hold the pinned root key: start the server once with ROOT_PUBLIC_KEY set (or run activate-root after a rotation).'
				);
			writeFileSync(out, JSON.stringify(pending, null, '\t') + '\n');
			io.log(
				`${pending.entries.length} entries${pending.revocations ? ' and a revocation list' : ''} to sign under ${cfg.cryptoSuite} root ${pending.rootFingerprint}: ${out}`
			);
			io.log('On the offline machine: npm run root -- sign --seed <seed.json> --in <this file> --out <signed.json>');
		} else if (name === 'import-signed') {
			const input = o.get('in')?.[0] ?? usage('Give --in');
			let signed;
			try {
				signed = parseSignedFile(readFileSync(input, 'utf8'));
			} catch (e) {
				if (e instanceof CeremonyError) return refuse(`${input}: ${e.message}`);
				throw e;
			}
			const r = await importSigned(database.db, signed);
			io.log(`Stored ${r.stored} of ${signed.entries.length} signed entries.`);
			for (const x of r.refused) io.log(`  entry ${x.index} refused: ${x.reason}`);
			if (r.revocations)
				io.log(r.revocations.ok ? 'Revocation list stored.' : `Revocation list refused: ${r.revocations.reason}`);
			if (r.refused.length > 0 || (r.revocations && !r.revocations.ok))
				throw new ToolExit(1, 'Some signed items were refused.');
		} else {
			const r = await rotateRootKey(database.db, rootPublicKey);
			if (!r.ok)
				refuse(
					`Refused: ${r.reason === 'same_key' ? 'the pinned key is already active' : 'that key was retired before'}`
				);
			else io.log(`Root ${r.fingerprint} is now active; the previous root's entries are no longer served.`);
		}
	} finally {
		await database.close();
	}
}

/** `npm run directory -- …` as a function: 0 when done, 1 when refused, 2 on a usage error. */
export async function runDirectory(
	argv: string[],
	io: ToolIo,
	open: (cfg: Config) => Promise<Database> = openForTool
): Promise<number> {
	try {
		await command(argv, io, open);
		return 0;
	} catch (e) {
		if (!(e instanceof ToolExit)) throw e;
		io.error(e.code === 2 ? `${e.message}\n${DIRECTORY_USAGE}` : e.message);
		return e.code;
	}
}
