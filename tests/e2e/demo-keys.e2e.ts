/**
 * The demo as the README tells a newcomer to try it (issue 12, item 7): `npm run demo`, then
 * `npm run demo:keys -- --organ … --signin`, which prints the sign-in details it created; the printed user
 * name, password and TOTP secret (or the code `--totp` prints) sign in for real, and the printed password
 * unlocks the staff key. On PGlite the tool refuses while the server holds the data folder; on PostgreSQL it
 * runs next to the server. The default secrets folder is git-ignored.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { unflatten } from 'devalue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unlockWithPassword } from '../../src/lib/crypto/staff-keys';
import { fromWire, type WireBundle } from '../../src/lib/client/staff-keys';
import { DEMO_SECRETS_FILE } from '../../scripts/demo-secrets';
import { pinRoot, releaseStorage, root, startServer, type Server } from './harness';
import { totpCode, type KeyedDemoStaff } from './keyed-demo';
import { runScript, storageEnv } from './scripts';
import { StaffSession } from './staff-node';

const postgres = process.env.E2E_DB === 'postgres';
let server: Server;
const dir = path.join(root, 'tests', '.tmp', `demo-secrets-${randomBytes(4).toString('hex')}`);
const out = path.join(dir, 'demo-keys.json');
let printed = '';

beforeAll(async () => {
	mkdirSync(dir, { recursive: true });
	server = await startServer({ keepStorage: true });
}, 120_000);

afterAll(async () => {
	await server?.stop();
	if (server) await releaseStorage(server);
	rmSync(dir, { recursive: true, force: true });
});

describe(`npm run demo:keys [${postgres ? 'postgres' : 'pglite'}]`, () => {
	it(
		postgres
			? 'runs next to the running server'
			: 'refuses while the server holds the data folder, runs once it is stopped',
		async () => {
			const args = ['--organ', 'o-sf-c01', '--organ', 'o-sf-c01-k02', '--signin', '--test-kdf', '--out', out];
			if (!postgres) {
				const refused = await runScript('demo-keys', args, storageEnv(server));
				expect(refused.code).toBe(1);
				expect(refused.stderr.trim()).toBe(
					`Refused: The data folder ${server.dataDir} is in use by another Qingfeng process (pid ${server.pid}). PGlite allows one process per data folder: stop that process first (npm run backup works while it runs).`
				);
				await server.stop();
			}
			const demo = await runScript('demo', [], storageEnv(server));
			expect(demo.code, demo.stderr).toBe(0);
			const keys = await runScript('demo-keys', args, {
				...storageEnv(server),
				ORIGIN: 'https://qingfeng.example.org'
			});
			expect(keys.stderr).toBe('');
			expect(keys.code).toBe(0);
			printed = keys.stdout;
			expect(statSync(out).mode & 0o777).toBe(0o600);
			// The tool acted as the root ceremony and printed the key to pin; the restarted server is given it.
			const pin = /^Pin the root key for the server: ROOT_PUBLIC_KEY=(\S+)$/m.exec(printed)![1]!;
			expect(pin).toBe((JSON.parse(readFileSync(out, 'utf8')) as { root: { publicKey: string } }).root.publicKey);
			pinRoot(server, pin);
			if (!postgres) server = await startServer({ reuse: server, keepStorage: true });
		},
		120_000
	);

	it('prints sign-in details that work as printed', async () => {
		const lines = printed.split('\n');
		const intro = lines.find((l) => l.startsWith('Staff sign-in at '))!;
		expect(intro).toBe(
			'Staff sign-in at https://qingfeng.example.org/staff/login: user name below, password qingfeng-demo-keys (the same password unlocks the key), then a TOTP code.'
		);
		expect(lines).toContain('  北泉市纪委监委 (o-sf-c01)');
		expect(lines).toContain('  银清县纪委监委 (o-sf-c01-k02)');
		const accounts = lines
			.map((l) => /^ {4}(\S+)\s+(inspector|head)\s+TOTP secret ([A-Z2-7]{32})$/.exec(l))
			.filter((m) => m !== null);
		expect(accounts.length).toBeGreaterThanOrEqual(4);
		expect(lines).toContain(`  npm run demo:keys -- --totp ${accounts[0]![1]} --out ${out}`);

		const [, username, , secret] = accounts.find((m) => m[2] === 'inspector')!;
		const totpKey = decodeBase32IgnorePadding(secret!);
		// `--totp` prints the code an authenticator app shows for the printed secret.
		const before = totpCode(totpKey);
		const code = await runScript('demo-keys', ['--totp', username!, '--out', out], {});
		expect(code.code).toBe(0);
		expect(code.stdout).toMatch(
			new RegExp(
				`^\\d{6}  \\(TOTP code of ${username}, valid for \\d{1,2} more seconds; each code signs in once\\)\\n$`
			)
		);
		expect([before, totpCode(totpKey)]).toContain(code.stdout.slice(0, 6));

		// Sign in with exactly what was printed, and unlock the key with the printed password.
		const staff = {
			staffId: username!,
			username: username!,
			password: 'qingfeng-demo-keys',
			totpKey
		} as KeyedDemoStaff;
		const session = await StaffSession.signIn(server.url, staff);
		expect((await session.json<{ items: unknown[] }>('/staff/api/inbox')).items).toEqual([]);
		// The key page's data (what the browser unlocks): the printed password opens the staff key.
		const data = (await (await session.fetcher('/staff/keys/__data.json')).json()) as {
			nodes: ({ type: string; data: unknown[] } | null)[];
		};
		const page = data.nodes
			.filter((n) => n?.type === 'data')
			.map((n) => unflatten(n!.data) as { bundle?: WireBundle | null })
			.find((n) => n.bundle)!;
		const pair = await unlockWithPassword(fromWire(page.bundle!), 'qingfeng-demo-keys');
		expect(Buffer.from(pair.publicKey).toString('base64')).toBe(page.bundle!.publicKey);
		await expect(unlockWithPassword(fromWire(page.bundle!), 'not the password')).rejects.toThrow();
	}, 60_000);

	it('writes its secrets file into a git-ignored folder by default', () => {
		// The script's default (importing the script itself would run it).
		expect(DEMO_SECRETS_FILE).toBe(path.join(root, 'demo-secrets', 'demo-keys.json'));
		expect(
			execFileSync('git', ['check-ignore', '-v', 'demo-secrets/demo-keys.json'], { cwd: root, encoding: 'utf8' })
		).toMatch(/^\.gitignore:\d+:\/demo-secrets\tdemo-secrets\/demo-keys\.json\n$/);
	});
});
