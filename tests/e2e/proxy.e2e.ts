/**
 * HTTPS behind a real proxy (issue 12): Debian's nginx runs deploy/qingfeng.nginx.conf, the site file an
 * operator installs (ports, certificate and log paths substituted, nothing else), with a throw-away
 * self-signed certificate on loopback, in front of `node build`. Two deployments:
 * - as deploy/qingfeng.env says (ORIGIN https, ADDRESS_HEADER=X-Forwarded-For, XFF_DEPTH=1), on the demo
 *   province with keys: a report through the reporter's pages over HTTP/2 and TLS, a staff sign-in with a
 *   `__Host-` cookie, HSTS, request bodies as large as the app reads, and the client address reaching the
 *   in-memory rate limiter and nothing else (not the app's logs, not the database, not nginx's logs);
 * - without ORIGIN, with PROTOCOL_HEADER / HOST_HEADER: the first administrator created over https from the
 *   printed setup link, cross-site posts refused, and plain http straight to the app left without HSTS.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { dumpStorage, findCanary } from './dump';
import {
	freePort,
	launchBrowser,
	releaseStorage,
	root,
	startServer,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';
import { startWithKeyedDemo, totpCode, type KeyedDemoKeys } from './keyed-demo';

const run = promisify(execFile);
const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const SITE = path.join(root, 'deploy', 'qingfeng.nginx.conf');
const HSTS = 'max-age=63072000; includeSubDomains';
const PASSWORD = 'proxy mode password 清风 2024';
/** Source addresses of the probing clients (Linux routes all of 127/8 to loopback); none may be kept anywhere. */
const CLIENT_A = '127.0.0.2';
const CLIENT_B = '127.0.0.3';
const SPOOFED = '203.0.113.77';
/** What deploy/qingfeng.env sets besides ORIGIN, HOST and PORT (read from the file). */
const DOCUMENTED_ENV = Object.fromEntries(
	readFileSync(path.join(root, 'deploy', 'qingfeng.env'), 'utf8')
		.split('\n')
		.filter((l) => /^(ADDRESS_HEADER|XFF_DEPTH)=/.test(l))
		.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
);

/* ------------------------------------------------------------------ nginx */

interface Proxy {
	/** https://127.0.0.1:<port> */
	url: string;
	httpPort: number;
	dir: string;
	/** nginx's own error logs (main and site) and the access log every Debian site gets unless it opts out. */
	logs(): string;
	stop(): Promise<void>;
}

/** Replaces `from` in the site file, insisting it occurs exactly `times` times (a changed template fails here). */
function substitute(text: string, from: string, to: string, times = 1): string {
	const found = text.split(from).length - 1;
	if (found !== times) throw new Error(`deploy/qingfeng.nginx.conf: expected ${times}× "${from}", found ${found}`);
	return text.split(from).join(to);
}

async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
	const cert = path.join(dir, 'cert.pem');
	const key = path.join(dir, 'key.pem');
	try {
		await run('openssl', [
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-days',
			'1',
			'-subj',
			'/CN=127.0.0.1',
			'-addext',
			'subjectAltName=IP:127.0.0.1',
			'-keyout',
			key,
			'-out',
			cert
		]);
	} catch (e) {
		throw new Error('openssl is needed for the proxy test (apt-get install -y openssl)', { cause: e });
	}
	return { cert, key };
}

/** nginx in the foreground, one process, everything it writes inside `dir`, proxying to `appPort`. */
async function startNginx(dir: string, appPort: number, httpsPort: number): Promise<Proxy> {
	if (!existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX}: apt-get install -y nginx (or set NGINX_PATH)`);
	const httpPort = await freePort();
	mkdirSync(dir, { recursive: true });
	let site = readFileSync(SITE, 'utf8');
	site = substitute(site, 'server 127.0.0.1:3000;', `server 127.0.0.1:${appPort};`);
	site = substitute(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
	site = substitute(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
	site = substitute(site, '\tlisten [::]:80;\n', '');
	site = substitute(site, '\tlisten [::]:443 ssl http2;\n', '');
	site = substitute(site, '/etc/letsencrypt/live/qingfeng.example.org/fullchain.pem', tls.cert);
	site = substitute(site, '/etc/letsencrypt/live/qingfeng.example.org/privkey.pem', tls.key);
	site = substitute(site, '/var/log/nginx/qingfeng.error.log', path.join(dir, 'site-error.log'));
	writeFileSync(path.join(dir, 'site.conf'), site);
	// The parts of Debian's /etc/nginx/nginx.conf that matter here, with every path in `dir`: an access log
	// for every site (the site must turn it off) and a main error log.
	const conf = `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 128; }
http {
	access_log ${dir}/access.log;
	client_body_temp_path ${dir}/client_body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	include ${dir}/site.conf;
}
`;
	writeFileSync(path.join(dir, 'nginx.conf'), conf);
	const child: ChildProcess = spawn(
		NGINX,
		['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	let out = '';
	child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
	child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	process.once('exit', () => child.kill('SIGKILL'));
	const url = `https://127.0.0.1:${httpsPort}`;
	const deadline = Date.now() + 15_000;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`nginx exited (${child.exitCode}):\n${out}\n${readIf(path.join(dir, 'error.log'))}`);
		try {
			await get(`${url}/healthz`);
			break;
		} catch (e) {
			if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}:\n${out}`, { cause: e });
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	return {
		url,
		httpPort,
		dir,
		logs: () => ['error.log', 'site-error.log', 'access.log'].map((f) => readIf(path.join(dir, f))).join('\n'),
		stop: async () => {
			if (child.exitCode === null) child.kill('SIGQUIT');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	};
}

function readIf(file: string): string {
	return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

interface Answer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

/** An https request that trusts only the test's certificate, optionally from a given loopback address. */
function get(
	url: string,
	opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; from?: string } = {}
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const u = new URL(url);
		const req = https.request(
			{
				host: u.hostname,
				port: u.port,
				path: u.pathname + u.search,
				method: opts.method ?? 'GET',
				headers: opts.headers,
				ca: readFileSync(tls.cert),
				localAddress: opts.from,
				agent: false
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
				);
				res.on('error', reject);
			}
		);
		req.on('error', reject);
		req.end(opts.body);
	});
}

/* ------------------------------------------------------------------ set-up */

let tmp: string;
let tls: { cert: string; key: string };
let browser: Browser;
/** The documented deployment (ORIGIN https) on the keyed demo province. */
let app: Server;
let keys: KeyedDemoKeys;
let proxy: Proxy;
/** The same storage afterwards, started without ORIGIN, with PROTOCOL_HEADER / HOST_HEADER. */
let bare: Server;
let bareProxy: Proxy;

beforeAll(async () => {
	mkdirSync(path.join(root, 'tests', '.tmp'), { recursive: true });
	tmp = mkdtempSync(path.join(root, 'tests', '.tmp', 'proxy-'));
	tls = await selfSignedCertificate(tmp);
	// The documented deployment's ORIGIN is nginx's address: nginx's port is chosen first.
	const httpsPort = await freePort();
	const [keyed, b] = await Promise.all([
		startWithKeyedDemo({
			organIds: ['o-sf-c01'],
			testKdf: true,
			signin: true,
			keepStorage: true,
			origin: () => `https://127.0.0.1:${httpsPort}`,
			env: { ...DOCUMENTED_ENV, POW_DIFFICULTY: '8', RECEIPT_PER_10MIN: '3', JOBS: 'off' }
		}),
		launchBrowser()
	]);
	[app, keys, browser] = [keyed.server, keyed.keys, b];
	proxy = await startNginx(path.join(tmp, 'nginx-a'), app.port, httpsPort);
});

afterAll(async () => {
	await browser?.close();
	await Promise.all([proxy?.stop(), bareProxy?.stop()]);
	await bare?.stop();
	if (app) await releaseStorage(app);
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A browser context that accepts the throw-away certificate. */
function desk(): Promise<BrowserContext> {
	return browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', ignoreHTTPSErrors: true });
}

/** The protocol the page's own document came over ('h2' for HTTP/2). */
function protocolOf(page: Page): Promise<string> {
	return page.evaluate(
		() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol
	);
}

/* ------------------------------------------------------------------ the documented deployment */

describe('behind nginx as deploy/ describes it (ORIGIN https)', () => {
	it('serves pages over TLS with HSTS from the app, once; plain http only redirects', async () => {
		for (const p of ['/', '/report', '/staff/login', '/api/v1/stats/public']) {
			const res = await get(proxy.url + p);
			expect(res.status, p).toBe(200);
			expect(res.headers['strict-transport-security'], p).toBe(HSTS);
			expect(res.headers.server, p).toBe('nginx'); // server_tokens off: no version
		}
		const redirect = await fetch(`http://127.0.0.1:${proxy.httpPort}/report?x=1`, { redirect: 'manual' });
		expect(redirect.status).toBe(301);
		expect(redirect.headers.get('location')).toBe('https://127.0.0.1/report?x=1');
		expect(redirect.headers.get('strict-transport-security')).toBeNull();
	});

	it('takes a report through the reporter’s pages over HTTP/2', async () => {
		const context = await browser.newContext({
			viewport: { width: 360, height: 740 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			locale: 'zh-CN',
			ignoreHTTPSErrors: true
		});
		const page = await context.newPage();
		try {
			const first = await page.goto(`${proxy.url}/report`);
			expect(first?.headers()['strict-transport-security']).toBe(HSTS);
			expect(await protocolOf(page)).toBe('h2');
			await page.locator('#unit-q:enabled').waitFor();
			await page.getByLabel('单位名称（可输入拼音或首字母，如 gxq）').fill('银清县');
			await page
				.locator('.hits .hit')
				.filter({ has: page.locator('.name', { hasText: /^银清县$/ }) })
				.first()
				.click();
			await page.getByTestId('unit-selected').waitFor();
			await page.getByRole('radio', { name: '一把手（主要负责人）' }).check();
			await page.getByRole('button', { name: '下一步' }).click();
			await page.getByRole('radio', { name: /^廉洁纪律/ }).check();
			await page.getByLabel('具体情况').fill('经由反向代理提交的测试举报。');
			await page.getByRole('button', { name: '下一步' }).click();
			await page.getByTestId('recipients').waitFor();
			await page.getByRole('button', { name: '加密并提交' }).click();
			const card = page.getByTestId('receipt');
			await card.waitFor({ timeout: 90_000 });
			expect((await card.getByTestId('receipt-locator').textContent())!.trim()).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
			expect(await context.cookies()).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it('signs a staff member in over https with a __Host- cookie', async () => {
		const staff = keys.staff.find((s) => s.password && s.totpKey)!;
		const context = await desk();
		const page = await context.newPage();
		await page.goto(`${proxy.url}/staff/login`);
		await page.locator('main form button[type="submit"]:not([disabled])').waitFor({ timeout: 60_000 });
		await page.getByLabel('用户名').fill(staff.username);
		await page.getByLabel('密码', { exact: true }).fill(staff.password!);
		await page.getByRole('button', { name: '登录' }).click();
		await page.waitForURL(`${proxy.url}/staff/login/totp`, { timeout: 60_000 });
		await page.getByLabel('验证码').fill(totpCode(staff.totpKey!));
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL((u) => u.pathname.startsWith('/staff') && !u.pathname.startsWith('/staff/login'));
		const cookies = await context.cookies();
		expect(
			cookies.map((c) => ({ name: c.name, secure: c.secure, httpOnly: c.httpOnly, sameSite: c.sameSite, path: c.path }))
		).toEqual([{ name: '__Host-qf_session', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' }]);
		expect(await protocolOf(page)).toBe('h2');
		await context.close();
	});

	it('passes bodies as large as the app reads, and refuses larger ones itself', async () => {
		const limit = 3 * 1024 * 1024; // client_max_body_size in the site (tests/unit/deploy.test.ts ties it to the app)
		expect(readFileSync(SITE, 'utf8')).toMatch(/^\s*client_max_body_size 3m;$/m);
		const post = (size: number) =>
			get(`${proxy.url}/api/v1/reports`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: Buffer.alloc(size, 0x20),
				from: CLIENT_B
			});
		const fits = await post(limit);
		expect(fits.status).toBe(413);
		expect(JSON.parse(fits.body)).toMatchObject({ error: { code: 'body_too_large' } }); // the app's answer
		const over = await post(limit + 1);
		expect(over.status).toBe(413);
		expect(over.body).toContain('<center>nginx</center>'); // nginx's own page: never reached the app
	});

	it('gives the in-memory rate limiter the address nginx saw, and nothing a client claims', async () => {
		const spec = (from: string, headers: Record<string, string> = {}) =>
			get(`${proxy.url}/api/v1/receipt/spec`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ locator: '0000000000' }),
				from
			});
		// RECEIPT_PER_10MIN=3 per address.
		for (let i = 0; i < 3; i++) expect((await spec(CLIENT_A)).status).toBe(200);
		expect((await spec(CLIENT_A)).status).toBe(429);
		// Another address has its own budget…
		expect((await spec(CLIENT_B)).status).toBe(200);
		// …and a client cannot buy one by claiming an address: nginx replaces X-Forwarded-For.
		expect((await spec(CLIENT_A, { 'x-forwarded-for': SPOOFED })).status).toBe(429);
	});

	it('keeps no client address in the app’s logs, the database or nginx’s logs', async () => {
		// A few more ways for an address to end up in a log: a refused form post, a 404, a bad body.
		expect(
			(
				await get(`${proxy.url}/staff/login`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
					body: 'a=1',
					from: CLIENT_A
				})
			).status
		).toBe(403);
		expect((await get(`${proxy.url}/no-such-page`, { from: CLIENT_A })).status).toBe(404);
		expect(
			(
				await get(`${proxy.url}/api/v1/pow`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: '{',
					from: CLIENT_B
				})
			).status
		).toBe(400);
		await proxy.stop();
		await app.stop();
		const dump = await dumpStorage(app);
		expect(dump.tables).toBeGreaterThan(10);
		for (const address of [CLIENT_A, CLIENT_B, SPOOFED]) {
			expect(findCanary(app.output(), address), `${address} in the app's output`).toEqual([]);
			expect(findCanary(dump.sql, address), `${address} in the database`).toEqual([]);
			expect(findCanary(dump.files, address), `${address} in the data folder`).toEqual([]);
			expect(proxy.logs(), `${address} in nginx's logs`).not.toContain(address);
		}
		// Debian's catch-all access log stayed empty: the site's `access_log off` won.
		expect(readIf(path.join(proxy.dir, 'access.log'))).toBe('');
	});
});

/* ------------------------------------------------------------------ without ORIGIN */

describe('behind nginx without ORIGIN (PROTOCOL_HEADER, HOST_HEADER)', () => {
	let totpKey: Uint8Array;
	let site: string;

	beforeAll(async () => {
		await proxy.stop();
		await app.stop();
		// The same storage (still without an administrator), now as a proxy deployment without ORIGIN.
		bare = await startServer({
			reuse: app,
			origin: false,
			env: { ...DOCUMENTED_ENV, PROTOCOL_HEADER: 'x-forwarded-proto', HOST_HEADER: 'x-forwarded-host', JOBS: 'off' }
		});
		bareProxy = await startNginx(path.join(tmp, 'nginx-b'), bare.port, await freePort());
		site = bareProxy.url;
	});

	it('creates the first administrator over https from the printed setup link', async () => {
		expect(bare.env.ORIGIN).toBeUndefined();
		const printed = new URL(bare.setupLink()!);
		// Printed for this machine (plain http, straight to the app); through the proxy it is the same path.
		expect(printed.origin).toBe(bare.url);
		const context = await desk();
		const page = await context.newPage();
		const first = await page.goto(site + printed.pathname + printed.search);
		expect(first?.headers()['strict-transport-security']).toBe(HSTS);
		await page.locator('main form button[type="submit"]:not([disabled])').waitFor({ timeout: 60_000 });
		await page.getByLabel('用户名').fill('admin');
		await page.getByLabel('姓名').fill('代理管理员');
		await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
		await page.getByLabel('再次输入密码').fill(PASSWORD);
		await page.getByRole('button', { name: '创建管理员' }).click();
		await page.waitForURL(`${site}/staff/2fa/setup`, { timeout: 60_000 });
		totpKey = decodeBase32IgnorePadding((await page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, ''));
		await page.getByLabel('验证码').fill(generateHOTP(totpKey, BigInt(Math.floor(Date.now() / 30_000)), 6));
		await page.getByRole('button', { name: '验证' }).click();
		await page.getByTestId('recovery-codes').waitFor();
		await page.getByRole('link', { name: '我已妥善保存，继续' }).click();
		await page.waitForURL(`${site}/staff`);
		await expect(page.getByTestId('welcome').textContent()).resolves.toContain('代理管理员');
		const cookies = await context.cookies();
		expect(cookies.map((c) => ({ name: c.name, secure: c.secure }))).toEqual([
			{ name: '__Host-qf_session', secure: true }
		]);
		expect(await protocolOf(page)).toBe('h2');
		await context.close();
	});

	it('still refuses cross-site form posts, also from its own host over http', async () => {
		const before = bare.output().split('"event":"form_post_refused"').length;
		for (const origin of ['https://evil.example', `http://127.0.0.1:${new URL(site).port}`]) {
			const res = await get(`${site}/staff/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
				body: 'a=1'
			});
			expect(res.status, origin).toBe(403);
			expect(res.body).toContain('<h1>提交未被接受</h1>');
		}
		const same = await get(`${site}/staff/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: site, accept: 'text/html' },
			body: 'a=1'
		});
		expect(same.status).toBe(400); // reached the action, which wants an auth key
		expect(bare.output().split('"event":"form_post_refused"').length - before).toBe(2);
	});

	it('answers plain http straight to the app as http: no HSTS, its own origin accepted', async () => {
		const page = await fetch(`${bare.url}/staff/login`);
		expect(page.status).toBe(200);
		expect(page.headers.get('strict-transport-security')).toBeNull();
		const direct = await fetch(`${bare.url}/staff/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: bare.url, accept: 'text/html' },
			body: 'a=1'
		});
		expect(direct.status).toBe(400);
	});
});
