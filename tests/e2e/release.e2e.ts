/**
 * Issue 15, verifiable client code: the build is reproducible, the ceremony signs its release manifest,
 * and `npm run verify:site` checks what a site serves against the signed manifest and a local build.
 *
 * One extra build keeps this within the CI budget: the sources are copied to another folder (node_modules
 * hard-linked, so the copy is quick) and built there with a root key pinned; its client assets must be
 * byte-identical to those of build/ (the tests' build, made from the same sources without that pin; the copy
 * is built with the same QF_TEST_BUILD as build/, which `npm test` sets for the end-to-end steps: after
 * `npm run build:test`, run this file with QF_TEST_BUILD=1). The
 * second build is then signed, served, and verified directly (PASS) and through a proxy that changes one
 * byte of one served asset, or serves a signature by another key (FAIL). Its /verify page shows the pinned
 * root's 校验码 and the served manifest's hash, and prints as a one-page A4 poster.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRootKey, rootFingerprint } from '../../src/lib/crypto/directory';
import { parseReleaseManifest } from '../../src/lib/shared/build-root';
import {
	expectNoAxeViolations,
	launchBrowser,
	newPhonePage,
	root,
	startServer,
	type Browser,
	type Server
} from './harness';
import { runScript } from './scripts';

const mainBuild = process.env.QF_BUILD_DIR ? path.resolve(root, process.env.QF_BUILD_DIR) : path.join(root, 'build');
const copy = path.join(root, 'tests', '.tmp', `release-${randomBytes(4).toString('hex')}`);
const copyBuild = path.join(copy, 'build');
const seedPath = path.join(copy, 'root-seed.json');
let pinned = '';
let server: Server | undefined;
let proxy: http.Server | undefined;

/** Files under a build's client folder (paths relative to it), without the release manifest and signature. */
function clientFiles(build: string): string[] {
	const out: string[] = [];
	const walk = (dir: string, prefix: string) => {
		for (const name of readdirSync(dir).sort()) {
			const rel = prefix ? `${prefix}/${name}` : name;
			if (statSync(path.join(dir, name)).isDirectory()) walk(path.join(dir, name), rel);
			else if (!/^release\.(json|sig)$/.test(rel)) out.push(rel);
		}
	};
	walk(path.join(build, 'client'), '');
	return out;
}

/** The environment for a child process: the test runner's own variables left out. */
function childEnv(extra: Record<string, string>): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('__VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
	}
	for (const k of ['ROOT_PUBLIC_KEY', 'ROOT_PUBLIC_KEY_FILE', 'QF_BUILD_DIR']) delete env[k];
	return { ...env, NODE_ENV: 'production', ...extra };
}

beforeAll(async () => {
	if (!existsSync(path.join(mainBuild, 'release.json')))
		throw new Error(`No release manifest in ${mainBuild}: run npm run build before the end-to-end tests.`);
	// A copy of the sources (what git tracks or would track) in another folder.
	mkdirSync(copy, { recursive: true });
	const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root })
		.toString('utf8')
		.split('\0')
		.filter((f) => f !== '' && existsSync(path.join(root, f)));
	for (const f of files) {
		mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
		copyFileSync(path.join(root, f), path.join(copy, f));
	}
	execFileSync('cp', ['-al', path.join(root, 'node_modules'), path.join(copy, 'node_modules')]);

	// The ceremony makes the root the copy is built for.
	const init = await runScript('root', ['init', '--out', seedPath], {});
	expect(init.code, init.stderr).toBe(0);
	pinned = /ROOT_PUBLIC_KEY=(\S+)/.exec(init.stdout)![1]!;

	await new Promise<void>((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(copy, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
			cwd: copy,
			env: childEnv({ ROOT_PUBLIC_KEY: pinned }),
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let log = '';
		child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
		child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
		child.once('error', reject);
		child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`build in ${copy} failed:\n${log}`))));
	});
}, 600_000);

afterAll(async () => {
	await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
	await server?.stop();
	rmSync(copy, { recursive: true, force: true });
});

describe('reproducible build and verify:site', () => {
	it('builds byte-identical client assets in another folder', () => {
		const a = clientFiles(mainBuild);
		const b = clientFiles(copyBuild);
		expect(b).toEqual(a);
		expect(a.length).toBeGreaterThan(50);
		const different = a.filter(
			(f) =>
				Buffer.compare(
					readFileSync(path.join(mainBuild, 'client', f)),
					readFileSync(path.join(copyBuild, 'client', f))
				) !== 0
		);
		expect(different).toEqual([]);
		// The manifests list the same assets and version; the copy also names the root it was built for.
		const main = parseReleaseManifest(readFileSync(path.join(mainBuild, 'release.json')))!;
		const built = parseReleaseManifest(readFileSync(path.join(copyBuild, 'release.json')))!;
		expect(built.assets).toEqual(main.assets);
		expect(built.version).toBe(main.version);
		expect(built.version).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
		expect(built.rootPublicKey).toBe(pinned);
		expect(built.rootFingerprint).toBe(rootFingerprint(Buffer.from(pinned, 'base64')));
		expect(Object.keys(built.assets)).toContain('/sw.js');
		expect(readFileSync(path.join(copyBuild, 'client', 'release.json'))).toEqual(
			readFileSync(path.join(copyBuild, 'release.json'))
		);
	});

	it('passes verify:site against the running signed build, and fails after one byte of an asset changes', async () => {
		const sign = await runScript(
			'root',
			['sign-release', '--seed', seedPath, '--manifest', path.join(copyBuild, 'release.json')],
			{}
		);
		expect(sign.code, sign.stderr).toBe(0);
		expect(readFileSync(path.join(copyBuild, 'client', 'release.sig'), 'utf8')).toBe(
			readFileSync(path.join(copyBuild, 'release.sig'), 'utf8')
		);
		server = await startServer({ build: copyBuild, env: { ROOT_PUBLIC_KEY: pinned } });
		const served = await fetch(`${server.url}/release.json`);
		expect(served.status).toBe(200);
		expect(Buffer.from(await served.arrayBuffer())).toEqual(readFileSync(path.join(copyBuild, 'release.json')));

		const pass = await runScript('verify-site', [server.url, '--build', copyBuild], {});
		expect(pass.stderr).toBe('');
		expect(pass.code, pass.stdout).toBe(0);
		const version = parseReleaseManifest(readFileSync(path.join(copyBuild, 'release.json')))!.version;
		expect(pass.stdout.trim().split('\n').at(-1)).toBe(
			`PASS: ${server.url} serves release ${version}, signed by root ${rootFingerprint(Buffer.from(pinned, 'base64'))} and identical to the local build`
		);

		// /verify shows the pinned root's 校验码 and the hash of the release manifest being served.
		const browser = await launchBrowser();
		try {
			for (const [href, heading, print] of [
				['/verify', '核对校验码', '打印海报'],
				['/en/verify', 'Check the verification code', 'Print the poster']
			] as const) {
				const { context, page } = await newPhonePage(browser);
				await page.goto(`${server.url}${href}`);
				await page.getByRole('heading', { level: 1, name: heading }).waitFor();
				expect((await page.getByTestId('verify-fingerprint').textContent())!.trim()).toBe(
					rootFingerprint(Buffer.from(pinned, 'base64'))
				);
				expect((await page.getByTestId('verify-release-hash').textContent())!.trim()).toBe(
					createHash('sha256')
						.update(readFileSync(path.join(copyBuild, 'release.json')))
						.digest('hex')
				);
				await expectNoAxeViolations(page);
				// The print button starts printing from script: disabled in the server's HTML, enabled once hydrated.
				await expect.poll(() => page.getByRole('button', { name: print }).isEnabled(), { timeout: 30_000 }).toBe(true);
				// The poster: the 校验码 in its groups and the site's address; printed alone, on one A4 page.
				const fingerprint = rootFingerprint(Buffer.from(pinned, 'base64'));
				const poster = page.getByTestId('verify-poster');
				expect((await poster.getByTestId('poster-code').innerText()).split(/\s+/).join(' ')).toBe(fingerprint);
				expect(await poster.getByTestId('poster-site').innerText()).toBe(new URL(server.url).host);
				expect(await poster.innerText()).toContain(`${server.url}${href}`);
				await page.emulateMedia({ media: 'print' });
				expect(await poster.isVisible()).toBe(true);
				expect(await page.locator('header.top').isVisible()).toBe(false);
				expect(await page.getByTestId('verify-release-hash').isVisible()).toBe(false);
				const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
				expect(pdf.match(/\/Type\s*\/Page\b(?!s)/g)).toHaveLength(1);
				const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf)!;
				expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([595, 842]);
				await context.close();
			}
			await refusesAnotherRoot(browser, server.url, Buffer.from(pinned, 'base64'));
		} finally {
			await browser.close();
		}

		// A proxy in front of the site changes one byte of one asset, or serves another key's signature.
		const manifest = parseReleaseManifest(readFileSync(path.join(copyBuild, 'release.json')))!;
		const target = Object.keys(manifest.assets).find((p) => p.startsWith('/_app/immutable/entry/start'))!;
		let mode: 'byte' | 'signature' = 'byte';
		const upstream = server.url;
		proxy = http.createServer((req, res) => {
			void (async () => {
				const r = await fetch(`${upstream}${req.url}`, {
					headers: { 'accept-encoding': 'identity' },
					redirect: 'manual'
				});
				let body = Buffer.from(await r.arrayBuffer());
				if (mode === 'byte' && req.url === target) {
					body = Buffer.from(body);
					body[0] = body[0]! ^ 0x01;
				}
				if (mode === 'signature' && req.url === '/release.sig')
					body = Buffer.from(`${Buffer.alloc(64, 7).toString('base64')}\n`);
				res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' });
				res.end(body);
			})().catch(() => res.destroy());
		});
		await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
		const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

		const changed = await runScript('verify-site', [proxyUrl, '--build', copyBuild], {});
		expect(changed.code).toBe(1);
		expect(changed.stdout).toContain(`  ✗ ${target}: the served bytes differ from the signed manifest`);
		expect(changed.stdout.trim().split('\n').at(-1)).toBe(
			`FAIL: ${proxyUrl} does not serve the signed release ${version}`
		);

		mode = 'signature';
		const forged = await runScript('verify-site', [proxyUrl, '--build', copyBuild], {});
		expect(forged.code).toBe(1);
		expect(forged.stdout.trim().split('\n').at(-1)).toBe(
			`FAIL: the served release manifest is not signed by the pinned root ${rootFingerprint(Buffer.from(pinned, 'base64'))}`
		);
	}, 180_000);
});

/**
 * The report page checks the organ's key directory against the root pinned for the site (sent with the page
 * from ROOT_PUBLIC_KEY): a directory under another root, what a root key replaced in the database would
 * give, stops the form at step 3 with the warning and both 校验码, and no report request is made. The
 * look-ups are answered in the browser (this server's directory is empty): only the served root differs.
 */
async function refusesAnotherRoot(browser: Browser, url: string, pinnedKey: Uint8Array): Promise<void> {
	const { context, page } = await newPhonePage(browser);
	try {
		const other = generateRootKey();
		const unit = { id: 'u-1', name: '银清县', level: 'county', regionPath: '示范省/银清县' };
		const organ = { id: 'o-1', name: '北泉市纪委监委', level: 'city' };
		await page.route('**/api/v1/units', (r) => r.fulfill({ json: [unit] }));
		await page.route('**/api/v1/routing', (r) =>
			r.fulfill({
				json: {
					unit,
					position: 'top_leader',
					escalate: false,
					organ,
					deliverable: true,
					explanation: { zh: '上一级纪委监委', en: 'the organ one level up' }
				}
			})
		);
		await page.route('**/api/v1/directory', (r) =>
			r.fulfill({
				json: {
					organ: organ.id,
					root: {
						publicKey: Buffer.from(other.publicKey).toString('base64'),
						fingerprint: rootFingerprint(other.publicKey)
					},
					entries: [],
					revocations: null
				}
			})
		);
		const sent: string[] = [];
		page.on('request', (r) => {
			if (/\/api\/v1\/(reports|intake|pow)/.test(r.url())) sent.push(r.url());
		});
		await page.goto(`${url}/report`);
		await page.locator('#unit-q:enabled').waitFor();
		await page.locator('#unit-q').fill('银清县');
		await page.locator('.hits .hit').first().click();
		await page.locator('input[name="position"][value="top_leader"]').check();
		await page.getByRole('button', { name: '下一步' }).click();
		await page.locator('input[name="category"]').first().check();
		await page.locator('#description').fill('测试：不应发出');
		await page.getByRole('button', { name: '下一步' }).click();

		const warning = page.getByTestId('root-warning');
		await warning.waitFor({ timeout: 20_000 });
		expect(await warning.getByRole('heading').innerText()).toBe('请先不要在这里提交举报');
		expect(await warning.innerText()).toContain('12388');
		expect(await page.getByTestId('root-warning-expected').innerText()).toBe(rootFingerprint(pinnedKey));
		expect(await page.getByTestId('root-warning-served').innerText()).toBe(rootFingerprint(other.publicKey));
		expect(await page.getByRole('button', { name: '加密并提交' }).count()).toBe(0);
		await expectNoAxeViolations(page);
		expect(sent).toEqual([]);
	} finally {
		await context.close();
	}
}
