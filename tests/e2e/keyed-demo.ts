/**
 * A server whose database holds the demo province (示范省) with real keys for some organs: start with kept
 * storage, stop, load the demo (`scripts/demo.ts`), key the organs' demo inspectors and heads
 * (`scripts/demo-keys.ts`, which creates the root key and signed directory entries) against the same
 * storage, start again on it. The returned keys hold the root seed and each keyed staff member's X25519
 * secret key, so a test can open what a reporter's browser sealed to them. With `suite: 'gm'` (issue 21) the
 * deployment is a 国密 one: both servers run with QF_CRYPTO_SUITE=gm, the root is SM2 (pinned as the 65-byte
 * ROOT_PUBLIC_KEY), the staff keys are SM2 and their entries SM2-signed; `keys.secretKey` are then SM2 secret
 * keys (open with `gmSuite`).
 *
 * KEYED_DEMO_ORGANS: 北泉市纪委监委 (o-sf-c01) and its three county commissions 高新区 (k01), 银清县 (k02),
 * 丰泉区 (k03). With the demo's routing rules (src/lib/server/org/routing.ts):
 *  - top leader (一把手) of a county or of a county department (e.g. 银清县, 银清县教育局, 丰泉区财政局)
 *    → o-sf-c01 北泉市纪委监委;
 *  - top leader of a township or township unit (e.g. 清银乡, 金福街道, 平长镇卫生院) → its county commission
 *    (o-sf-c01-k02 银清县纪委监委 for 清银乡 and 金福街道, o-sf-c01-k03 丰泉区纪委监委 for 平长镇卫生院);
 *  - team member of a county department (e.g. 银清县教育局) → that county commission, except 高新区财政局,
 *    whose county staff all declared a conflict (falls back to o-sf-c01);
 *  - top leader of 北泉市 itself or a city department → o-sf 示范省纪委监委 (not keyed).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { decodeBase64 } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import type { DemoKeysFile } from '../../scripts/demo-keys';
import { loadDemoInto } from './demo';
import { TEST_BUILD_BANNER } from '../../src/lib/shared/build-kind';
import type { SuiteId } from '../../src/lib/crypto/suite-id';
import { pinRoot, releaseStorage, root, startServer, type Server, type StartOptions } from './harness';

export const KEYED_DEMO_ORGANS = ['o-sf-c01', 'o-sf-c01-k01', 'o-sf-c01-k02', 'o-sf-c01-k03'] as const;

/**
 * Demo units whose reports reach keyed organs, with the organ routing chooses per position (checked in
 * keyed-demo.e2e.ts against the server's /api/v1/routing). Only positions that land on a keyed organ are
 * listed. Stable: the demo is generated from a fixed seed.
 */
export const KEYED_UNITS = {
	/**
	 * 银清县教育局 (county department, county-managed cadres, 干部管理权限): 一把手 and team members → 银清县纪委监委.
	 * (Issue 14 changed this with the rule: the 一把手 went "one level up" to 北泉市纪委监委 before.)
	 */
	countyDepartment: {
		unitId: 'sf-c01-k02-d04',
		name: '银清县教育局',
		routes: { top_leader: 'o-sf-c01-k02', team_member: 'o-sf-c01-k02' }
	},
	/** 银清县 (the county's own leaders, managed by the city committee): 一把手 and team members → 北泉市纪委监委. */
	county: { unitId: 'sf-c01-k02', name: '银清县', routes: { top_leader: 'o-sf-c01', team_member: 'o-sf-c01' } },
	/** 高新区财政局: every 高新区 staff member declared a conflict, so team members fall back to 北泉市纪委监委. */
	conflicted: {
		unitId: 'sf-c01-k01-d05',
		name: '高新区财政局',
		routes: { top_leader: 'o-sf-c01', team_member: 'o-sf-c01' }
	},
	/** 清银乡 (township): 一把手 → 银清县纪委监委. */
	township: { unitId: 'sf-c01-k02-t01', name: '清银乡', routes: { top_leader: 'o-sf-c01-k02' } },
	/** 平长镇卫生院 (a township unit in 丰泉区): 一把手 → 丰泉区纪委监委. */
	townshipUnit: { unitId: 'sf-c01-k03-t02-s01', name: '平长镇卫生院', routes: { top_leader: 'o-sf-c01-k03' } }
} as const;

/** What to type in the reporter's unit search to find a unit whose 一把手 and team members route to keyed organs. */
export const KEYED_UNIT_QUERY = KEYED_UNITS.countyDepartment.name;

export interface KeyedDemoStaff {
	staffId: string;
	organId: string;
	role: 'inspector' | 'head';
	/** The demo account (placeholder credentials: it cannot sign in yet). */
	username: string;
	publicKey: Uint8Array;
	secretKey: Uint8Array;
	/** With `signin: true`: the account's sign-in password and enrolled TOTP secret (use totpCode()). */
	password?: string;
	totpKey?: Uint8Array;
	totpBase32?: string;
}

export interface KeyedDemoKeys {
	/** The deployment's cipher suite the keys are of. */
	suite: SuiteId;
	/** Password the root seed and the staff secret keys are wrapped under. */
	password: string;
	kdf: DemoKeysFile['kdf'];
	rootSeed: Uint8Array;
	rootPublicKey: Uint8Array;
	fingerprint: string;
	staff: KeyedDemoStaff[];
}

export interface KeyedDemoOptions {
	/** Default: KEYED_DEMO_ORGANS. */
	organIds?: readonly string[];
	/** Key every demo organ instead (`demo:keys --all`): a report routed anywhere can be received. Slower. */
	allOrgans?: boolean;
	password?: string;
	/** Wrap with the cheap test-only Argon2id parameters (faster; browsers then unlock instantly). */
	testKdf?: boolean;
	/** Give the keyed staff a real password sign-in (the key password) and an enrolled TOTP secret. */
	signin?: boolean;
	/** Extra environment for the restarted server. */
	env?: Record<string, string>;
	/** The deployment's cipher suite (default NaCl); `gm` keys the demo in the GM suite and runs QF_CRYPTO_SUITE=gm. */
	suite?: SuiteId;
	/** ORIGIN of the restarted server (see StartOptions.origin). */
	origin?: StartOptions['origin'];
	/** The restarted server keeps its storage when stopped (to dump it; then `releaseStorage`). */
	keepStorage?: boolean;
}

/** Runs `scripts/demo-keys.ts` against the storage of a stopped server; returns the parsed key file. */
export async function keyDemoInto(stopped: Server, opts: KeyedDemoOptions = {}): Promise<KeyedDemoKeys> {
	// The server that ran on this storage ran the build the tests use: it says whether it is a test build.
	if (opts.testKdf && !stopped.output().includes(TEST_BUILD_BANNER))
		throw new Error(
			'The keyed demo with cheap Argon2 (testKdf) needs a test build: a production build refuses cheap ' +
				'parameters at staff sign-in (issue 16). Run `npm run build:test` (QF_TEST_BUILD=1 vite build).'
		);
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('__VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
	}
	delete env.DATABASE_URL;
	delete env.DATA_DIR;
	Object.assign(env, stopped.env, { NODE_ENV: 'production' });
	const dir = path.join(root, 'tests', '.tmp');
	mkdirSync(dir, { recursive: true });
	const out = path.join(dir, `demo-keys-${randomBytes(6).toString('hex')}.json`);
	const args = [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo-keys.ts', '--out', out];
	if (opts.allOrgans) args.push('--all');
	else for (const id of opts.organIds ?? KEYED_DEMO_ORGANS) args.push('--organ', id);
	if (opts.password !== undefined) args.push('--password', opts.password);
	if (opts.testKdf) args.push('--test-kdf');
	if (opts.signin) args.push('--signin');
	const suite = opts.suite ?? 'nacl';
	args.push('--suite', suite);
	env.QF_CRYPTO_SUITE = suite;
	try {
		await new Promise<void>((resolve, reject) => {
			const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
			let log = '';
			child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
			child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
			child.once('error', reject);
			child.once('close', (code) =>
				code === 0 ? resolve() : reject(new Error(`scripts/demo-keys.ts exited with ${code}:\n${log}`))
			);
		});
		const file = JSON.parse(readFileSync(out, 'utf8')) as DemoKeysFile;
		pinRoot(stopped, file.root.publicKey); // demo:keys acted as the root ceremony: the deployment pins its key
		if ((file.suite ?? 'nacl') !== suite) throw new Error(`demo:keys wrote ${file.suite} keys, not ${suite}`);
		return {
			suite,
			password: file.password,
			kdf: file.kdf,
			rootSeed: decodeBase64(file.root.seed),
			rootPublicKey: decodeBase64(file.root.publicKey),
			fingerprint: file.root.fingerprint,
			staff: file.staff.map((s) => ({
				staffId: s.staffId,
				organId: s.organId,
				role: s.role as KeyedDemoStaff['role'],
				username: s.username,
				publicKey: decodeBase64(s.publicKey),
				secretKey: decodeBase64(s.secretKey),
				...(s.signin
					? { password: s.signin.password, totpKey: decodeBase64(s.signin.totpKey), totpBase32: s.signin.totpBase32 }
					: {})
			}))
		};
	} finally {
		rmSync(out, { force: true });
	}
}

/** Starts a server on a fresh database holding the demo province with keys for `organIds`. */
export async function startWithKeyedDemo(
	opts: KeyedDemoOptions = {}
): Promise<{ server: Server; keys: KeyedDemoKeys }> {
	const suiteEnv: Record<string, string> = opts.suite === 'gm' ? { QF_CRYPTO_SUITE: 'gm' } : {};
	const first = await startServer({ keepStorage: true, env: suiteEnv });
	try {
		await first.stop();
		await loadDemoInto(first);
		const keys = await keyDemoInto(first, opts);
		const server = await startServer({
			reuse: first,
			env: { ...suiteEnv, ...opts.env },
			origin: opts.origin,
			keepStorage: opts.keepStorage
		});
		return { server, keys };
	} catch (e) {
		await releaseStorage(first);
		throw e;
	}
}

/** The current TOTP code for a keyed staff member's secret (`signin: true`), optionally `stepOffset` steps away. */
export function totpCode(totpKey: Uint8Array, now = Date.now(), stepOffset = 0): string {
	return generateHOTP(totpKey, BigInt(Math.floor(now / 1000 / 30) + stepOffset), 6);
}
