/**
 * `npm run demo:keys -- --organ <id> [--organ <id> …] [--signin] [--out <file.json>] [--password <pw>] [--test-kdf] [--suite nacl|gm]`:
 * gives the demo staff (inspectors and heads) of the given organs (`--all`: of every demo organ, so that a
 * report routed anywhere in the demo can be received) real keys and signed directory entries,
 * creating the root key if there is none (src/lib/server/org/demo-keys.ts; this tool then acts as the root
 * ceremony: it prints the ROOT_PUBLIC_KEY to start the server with, and reuses the seed from the secrets
 * file, or from --root-seed <seed.json> of `npm run root -- init`, on later runs), in the database the app
 * uses (DATABASE_URL, else PGlite in DATA_DIR). Load the demo first (`npm run demo`). On PGlite stop the
 * server first (the tool refuses while a server holds the data folder); on PostgreSQL it may run.
 *
 * The secrets file holds the root seed and every staff secret key (base64): it is written with mode 0600,
 * by default to demo-secrets/demo-keys.json (a git-ignored folder, mode 0700), and is meant for tests and
 * for trying the app, never for a real deployment. --suite (default QF_CRYPTO_SUITE, else nacl) is the
 * deployment's cipher suite (issue 21): with `gm` the root is an SM2 key (the seed file of --root-seed a GM
 * one), staff keys are SM2 and entries SM2-signed; start the server with the same QF_CRYPTO_SUITE. --test-kdf wraps the keys with the cheap test parameters
 * instead of the browsers' Argon2id cost (faster; tests only). --signin also gives the keyed accounts a
 * real sign-in (password = the key password) and a TOTP secret, written to the file (`signin` per staff
 * member; see keyDemoOrgans) and printed, with how to get codes.
 *
 * `npm run demo:keys -- --totp <username> [--out <file.json>]` prints the current TOTP code of a demo
 * account from the secrets file (no database needed).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { inArray } from 'drizzle-orm';
import { TEST_ONLY_CHEAP_KDF } from '../src/lib/crypto/kdf';
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { openForTool } from '../src/lib/server/db/tool';
import { disciplineOrgan } from '../src/lib/server/db/schema';
import { publicBaseUrl } from '../src/lib/server/auth/setup';
import { DEMO_SECRETS_FILE } from './demo-secrets';
import { parseSeedFile } from '../src/lib/shared/root-ceremony';
import { gmCeremony } from '../src/lib/crypto/gm/directory';
import { isSuiteId, SUITE_IDS, type SuiteId } from '../src/lib/crypto/suite-id';
import { allDemoOrganIds, DEMO_KEY_PASSWORD, DemoKeysError, keyDemoOrgans } from '../src/lib/server/demo/keys';

const USAGE =
	'Usage: npm run demo:keys -- (--organ <id> [--organ <id> ...] | --all) [--signin] [--out <file.json>] [--password <pw>] [--test-kdf] [--root-seed <seed.json>] [--suite nacl|gm]\n' +
	'       npm run demo:keys -- --totp <username> [--out <file.json>]';

/** TOTP as the server checks it (src/lib/server/auth/totp.ts): SHA-1, 6 digits, 30 s steps. */
function totpNow(key: Uint8Array, now = Date.now()): { code: string; secondsLeft: number } {
	return {
		code: generateHOTP(key, BigInt(Math.floor(now / 30_000)), 6),
		secondsLeft: 30 - Math.floor((now / 1000) % 30)
	};
}

/** `--totp <username>`: the current code of a demo account, from the secrets file. */
function printTotp(file: string, username: string): void {
	if (!existsSync(file))
		usage(`No secrets file at ${file}: run npm run demo:keys -- --organ <id> --signin first (or give --out).`);
	const keys = JSON.parse(readFileSync(file, 'utf8')) as DemoKeysFile;
	const s = keys.staff.find((x) => x.username === username);
	if (!s?.signin)
		usage(
			`${username} has no demo sign-in in ${file} (keyed with --signin: ${
				keys.staff
					.filter((x) => x.signin)
					.map((x) => x.username)
					.join(', ') || 'none'
			}).`
		);
	const { code, secondsLeft } = totpNow(decodeBase64(s.signin.totpKey));
	console.log(`${code}  (TOTP code of ${username}, valid for ${secondsLeft} more seconds; each code signs in once)`);
}

function usage(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

/** What the output file holds (tests/e2e/keyed-demo.ts reads it). */
export interface DemoKeysFile {
	password: string;
	kdf: 'staff' | 'test-only-cheap';
	/** The cipher suite of the keys (issue 21); absent in files written before it: NaCl. */
	suite?: SuiteId;
	root: { seed: string; publicKey: string; fingerprint: string };
	staff: {
		staffId: string;
		organId: string;
		role: string;
		username: string;
		publicKey: string;
		secretKey: string;
		signin?: { password: string; totpKey: string; totpBase32: string };
	}[];
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const organIds: string[] = [];
	let out: string | undefined;
	let password = DEMO_KEY_PASSWORD;
	let cheap = false;
	let signin = false;
	let totpFor: string | undefined;
	let rootSeedFile: string | undefined;
	let all = false;
	let suiteArg: string | undefined;
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		const value = () => {
			const v = args[++i];
			if (v === undefined || v.startsWith('--')) usage(`${a} needs a value`);
			return v;
		};
		if (a === '--organ') organIds.push(value());
		else if (a === '--out') out = value();
		else if (a === '--password') password = value();
		else if (a === '--test-kdf') cheap = true;
		else if (a === '--signin') signin = true;
		else if (a === '--all') all = true;
		else if (a === '--totp') totpFor = value();
		else if (a === '--root-seed') rootSeedFile = value();
		else if (a === '--suite') suiteArg = value();
		else usage(`Unknown argument: ${a}`);
	}
	const target = path.resolve(out ?? DEMO_SECRETS_FILE);
	if (totpFor !== undefined) {
		printTotp(target, totpFor);
		return;
	}
	if (organIds.length === 0 && !all) usage('Give at least one --organ, or --all');
	if (password.length === 0) usage('--password must not be empty');

	let cfg;
	try {
		cfg = loadConfig(process.env);
	} catch (e) {
		if (e instanceof ConfigError) usage(e.message);
		throw e;
	}
	if (suiteArg !== undefined && !isSuiteId(suiteArg)) usage(`--suite must be one of ${SUITE_IDS.join(', ')}`);
	const suite: SuiteId = suiteArg ?? cfg.cryptoSuite;
	// The root seed: a ceremony seed file, else the one an earlier run wrote to the secrets file (if any).
	let rootSeed: Uint8Array | undefined;
	try {
		if (rootSeedFile)
			rootSeed = parseSeedFile(readFileSync(rootSeedFile, 'utf8'), suite === 'gm' ? gmCeremony : undefined).seed;
		else if (existsSync(target))
			rootSeed = decodeBase64((JSON.parse(readFileSync(target, 'utf8')) as DemoKeysFile).root.seed);
	} catch (e) {
		usage(`Cannot read the root seed from ${rootSeedFile ?? target}: ${(e as Error).message}`);
	}
	const database = await openForTool(cfg);
	try {
		const started = performance.now();
		if (all) organIds.push(...(await allDemoOrganIds(database.db)).filter((id) => !organIds.includes(id)));
		if (organIds.length === 0)
			throw new DemoKeysError('unknown_organ', 'There are no demo organs: load the demo first (npm run demo).');
		const keyed = await keyDemoOrgans(database.db, {
			organIds,
			password,
			kdfParams: cheap ? TEST_ONLY_CHEAP_KDF : undefined,
			signin,
			rootSeed,
			suite
		});
		const file: DemoKeysFile = {
			password,
			kdf: cheap ? 'test-only-cheap' : 'staff',
			suite,
			root: {
				seed: encodeBase64(keyed.rootSeed),
				publicKey: encodeBase64(keyed.rootPublicKey),
				fingerprint: keyed.fingerprint
			},
			staff: keyed.staff.map((s) => ({
				staffId: s.staffId,
				organId: s.organId,
				role: s.role,
				username: s.username,
				publicKey: encodeBase64(s.publicKey),
				secretKey: encodeBase64(s.secretKey),
				...(s.signin
					? {
							signin: {
								password: s.signin.password,
								totpKey: encodeBase64(s.signin.totpKey),
								totpBase32: s.signin.totpBase32
							}
						}
					: {})
			}))
		};
		if (!out) {
			mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
			chmodSync(path.dirname(target), 0o700);
		}
		writeFileSync(target, JSON.stringify(file, null, '\t') + '\n', { mode: 0o600 });
		chmodSync(target, 0o600); // also when the file existed before
		const where = database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${cfg.dataDir}`;
		const counts = organIds.map((id) => keyed.staff.filter((s) => s.organId === id).length);
		const perOrgan =
			organIds.length <= 8
				? organIds.map((id, i) => `${id}: ${counts[i]}`).join(', ')
				: `${organIds.length} organs, ${Math.min(...counts)} to ${Math.max(...counts)} each`;
		console.log(
			`Demo keys in ${where} (${((performance.now() - started) / 1000).toFixed(1)} s): root key ${keyed.created.rootKey ? 'created' : 'reused'}, ` +
				`fingerprint ${keyed.fingerprint}; ${keyed.staff.length} staff keyed (${perOrgan}); ` +
				`${keyed.created.bundles} new key bundles, ${keyed.created.entries} new directory entries.`
		);
		console.log(`Secret keys written to ${target} (mode 0600): for tests and trials only.`);
		// This tool acted as the root ceremony; the server trusts the root only when its configuration pins it.
		console.log(`Pin the root key for the server: ROOT_PUBLIC_KEY=${encodeBase64(keyed.rootPublicKey)}`);
		const organs = await database.db
			.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
			.from(disciplineOrgan)
			.where(inArray(disciplineOrgan.id, organIds));
		const organName = new Map(organs.map((o) => [o.id, o.name]));
		if (!signin) {
			console.log(
				'The demo accounts keep placeholder passwords and cannot sign in: run again with --signin to give them a password and TOTP.'
			);
			return;
		}
		const base = publicBaseUrl(cfg);
		console.log('');
		console.log(
			`Staff sign-in at ${base}/staff/login: user name below, password ${password} (the same password unlocks the key), then a TOTP code.`
		);
		for (const id of organIds) {
			console.log(`  ${organName.get(id) ?? id} (${id})`);
			for (const s of keyed.staff.filter((x) => x.organId === id)) {
				console.log(`    ${s.username.padEnd(12)} ${s.role.padEnd(9)} TOTP secret ${s.signin!.totpBase32}`);
			}
		}
		const example = keyed.staff[0]?.username ?? '<username>';
		console.log(
			`TOTP codes: add a secret to an authenticator app (base32, SHA-1, 6 digits, 30 s), or print the current code:`
		);
		console.log(`  npm run demo:keys -- --totp ${example}${out ? ` --out ${out}` : ''}`);
	} catch (e) {
		if (e instanceof DemoKeysError) {
			console.error(`Refused: ${e.message}`);
			process.exitCode = 1;
		} else throw e;
	} finally {
		await database.close();
	}
}

await main();
