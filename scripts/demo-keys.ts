/**
 * `npm run demo:keys -- --organ <id> [--organ <id> …] --out <file.json> [--password <pw>] [--test-kdf]`:
 * gives the demo staff (inspectors and heads) of the given organs real keys and signed directory entries,
 * creating the root key if there is none (src/lib/server/org/demo-keys.ts), in the database the app
 * uses (DATABASE_URL, else PGlite in DATA_DIR). Load the demo first (`npm run demo`), with the server
 * stopped when it runs on PGlite.
 *
 * The output file holds the root seed and every staff secret key (base64): it is written with mode
 * 0600 and is meant for tests and for trying the app, never for a real deployment. --test-kdf wraps the
 * keys with the cheap test parameters instead of the browsers' Argon2id cost (faster; tests only).
 * --signin also gives the keyed accounts a real sign-in (password = the key password) and a TOTP secret,
 * written to the file (`signin` per staff member; see keyDemoOrgans).
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeBase64 } from '@oslojs/encoding';
import { TEST_ONLY_CHEAP_KDF } from '../src/lib/crypto/kdf';
import { loadConfig, ConfigError } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/index';
import { DEMO_KEY_PASSWORD, DemoKeysError, keyDemoOrgans } from '../src/lib/server/org/demo-keys';

const USAGE =
	'Usage: npm run demo:keys -- --organ <id> [--organ <id> ...] --out <file.json> [--password <pw>] [--test-kdf] [--signin]';

function usage(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

/** What the output file holds (tests/e2e/keyed-demo.ts reads it). */
export interface DemoKeysFile {
	password: string;
	kdf: 'staff' | 'test-only-cheap';
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
		else usage(`Unknown argument: ${a}`);
	}
	if (organIds.length === 0) usage('Give at least one --organ');
	if (!out) usage('Give --out <file.json>');
	if (password.length === 0) usage('--password must not be empty');

	let cfg;
	try {
		cfg = loadConfig(process.env);
	} catch (e) {
		if (e instanceof ConfigError) usage(e.message);
		throw e;
	}
	const database = await openDatabase({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir, poolMax: 2 });
	try {
		const started = performance.now();
		const keyed = await keyDemoOrgans(database.db, {
			organIds,
			password,
			kdfParams: cheap ? TEST_ONLY_CHEAP_KDF : undefined,
			signin
		});
		const file: DemoKeysFile = {
			password,
			kdf: cheap ? 'test-only-cheap' : 'staff',
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
		const target = path.resolve(out);
		writeFileSync(target, JSON.stringify(file, null, '\t') + '\n', { mode: 0o600 });
		chmodSync(target, 0o600); // also when the file existed before
		const where = database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${cfg.dataDir}`;
		const perOrgan = organIds.map((id) => `${id}: ${keyed.staff.filter((s) => s.organId === id).length}`).join(', ');
		console.log(
			`Demo keys in ${where} (${((performance.now() - started) / 1000).toFixed(1)} s): root key ${keyed.created.rootKey ? 'created' : 'reused'}, ` +
				`fingerprint ${keyed.fingerprint}; ${keyed.staff.length} staff keyed (${perOrgan}); ` +
				`${keyed.created.bundles} new key bundles, ${keyed.created.entries} new directory entries.`
		);
		console.log(`Secret keys written to ${target} (mode 0600): for tests and trials only.`);
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
