/**
 * Without ORIGIN (issue 12): a bare `npm start` serves plain http on every address of the machine, and the
 * staff side must work there. The server runs as `npm start` runs it (no ORIGIN, HOST 0.0.0.0): the printed
 * setup link creates the first administrator in Chromium; the administrator then signs in on the machine's
 * own network address (where Chrome refuses Secure cookies over http) and gets links built on that
 * address. Form posts from another origin are still refused, with a page in the reader's language and one
 * warning line naming ORIGIN. A second server with a wrong ORIGIN shows what the staff see then: the
 * message, where the page used to show nothing.
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import { expectNoAxeViolations, launchBrowser, startServer, type Browser, type Server } from './harness';
import { enrolFirstAdmin, interactive } from './key-steps';

const PASSWORD = 'local mode password 清风 2024';
const FORM = 'application/x-www-form-urlencoded';

let local: Server;
let misconfigured: Server;
let browser: Browser;
let totpKey: Uint8Array;
let usedStep = 0;

/** A TOTP code for a time step not used before (codes cannot be replayed). */
async function nextCode(): Promise<string> {
	const step = () => Math.floor(Date.now() / 30_000);
	while (Math.max(step(), usedStep + 1) > step() + 1) await new Promise((r) => setTimeout(r, 500));
	usedStep = Math.max(step(), usedStep + 1);
	return generateHOTP(totpKey, BigInt(usedStep), 6);
}

/** This machine's first non-loopback IPv4 address: what a colleague on the LAN would type. */
function ownAddress(): string {
	for (const list of Object.values(os.networkInterfaces())) {
		for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
	}
	throw new Error(
		'This test needs a network interface with a non-loopback IPv4 address (the "own address" case of issue 12).'
	);
}

function refusals(server: Server): Record<string, unknown>[] {
	return server
		.output()
		.split('\n')
		.filter((l) => l.includes('"event":"form_post_refused"'))
		.map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
	[local, misconfigured, browser] = await Promise.all([
		startServer({ origin: false, env: { HOST: '0.0.0.0' } }),
		startServer({ origin: (port) => `https://127.0.0.1:${port}` }),
		launchBrowser()
	]);
});

afterAll(async () => {
	await browser?.close();
	await Promise.all([local?.stop(), misconfigured?.stop()]);
});

describe('npm start without ORIGIN', () => {
	it('prints a setup link on http://localhost that creates the first administrator in the browser', async () => {
		expect(local.env.ORIGIN).toBeUndefined();
		const link = local.setupLink();
		expect(link).toMatch(new RegExp(`^http://localhost:${local.port}/staff/setup\\?token=[A-Za-z0-9_-]{20,}$`));

		const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
		const page = await context.newPage();
		const first = await page.goto(link!);
		expect(first?.headers()['strict-transport-security']).toBeUndefined();
		totpKey = await enrolFirstAdmin(page, { name: '本机管理员', password: PASSWORD }, (key) => {
			totpKey = key;
			return nextCode();
		});
		await page.waitForURL(`http://localhost:${local.port}/staff`);
		await expect(page.getByTestId('welcome').textContent()).resolves.toContain('本机管理员');

		// Plain http: the cookie without __Host- and without Secure.
		const cookies = await context.cookies();
		expect(cookies.map((c) => ({ name: c.name, secure: c.secure, domain: c.domain }))).toEqual([
			{ name: 'qf_session', secure: false, domain: 'localhost' }
		]);
		await context.close();
	});

	it('signs in on the machine’s own network address, and builds links on that address', async () => {
		const base = `http://${ownAddress()}:${local.port}`;
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
		const page = await context.newPage();
		await page.goto(`${base}/staff/login`);
		await interactive(page);
		await page.getByLabel('用户名').fill('admin');
		await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
		await page.getByRole('button', { name: '登录' }).click();
		await page.waitForURL(`${base}/staff/login/totp`, { timeout: 60_000 });
		await page.getByLabel('验证码').fill(await nextCode());
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL(`${base}/staff`);
		const cookies = await context.cookies();
		expect(cookies.map((c) => ({ name: c.name, secure: c.secure }))).toEqual([{ name: 'qf_session', secure: false }]);

		// An invitation link is absolute: it must be the address the administrator is using, over http.
		await page.getByRole('link', { name: '工作人员账号' }).click();
		await page.getByLabel('用户名').fill('lan.colleague');
		await page.getByLabel('姓名').fill('局域网同事');
		await page.getByRole('button', { name: '创建邀请链接' }).click();
		const invite = (await page.getByTestId('invite-link').textContent())!.trim();
		expect(invite).toMatch(new RegExp(`^${base.replaceAll('.', '\\.')}/staff/invite\\?token=[A-Za-z0-9_-]+$`));
		await context.close();
	});

	it('refuses a form another site makes the browser post, with a page in the reader’s language', async () => {
		const context = await browser.newContext({ locale: 'zh-CN' });
		const page = await context.newPage();
		// A page of another origin with a form aimed at the staff sign-in, as an attacker would serve it.
		await page.route('http://elsewhere.test/**', (route) =>
			route.fulfill({
				contentType: 'text/html; charset=utf-8',
				body: `<!doctype html><html lang="en"><title>x</title><form method="post" action="http://localhost:${local.port}${route.request().url().endsWith('/en') ? '/en' : ''}/staff/login"><input name="username" value="admin"><button>go</button></form></html>`
			})
		);
		const before = refusals(local).length;
		for (const [path, lang, heading] of [
			['/', 'zh-CN', '提交未被接受'],
			['/en', 'en', 'Form not accepted']
		] as const) {
			await page.goto(`http://elsewhere.test${path}`);
			const answer = page.waitForResponse((r) => r.url().includes('/staff/login') && r.request().method() === 'POST');
			await page.getByRole('button', { name: 'go' }).click();
			expect((await answer).status()).toBe(403);
			await page.getByRole('heading', { level: 1, name: heading }).waitFor();
			expect(await page.locator('html').getAttribute('lang')).toBe(lang);
			expect(await page.locator('main').textContent()).toContain('ORIGIN');
			await expectNoAxeViolations(page);
		}
		const logged = refusals(local).slice(before);
		expect(logged).toHaveLength(2);
		for (const line of logged) {
			expect(line).toMatchObject({
				level: 'warn',
				expected: `http://localhost:${local.port}`,
				received: 'http://elsewhere.test'
			});
			expect(String(line.hint)).toContain('ORIGIN');
		}
		await context.close();
	});

	it('refuses every cross-site form post it is probed with, and accepts the same origin', async () => {
		const site = `http://localhost:${local.port}`;
		const post = (headers: Record<string, string>, path = '/staff/login') =>
			fetch(site + path, {
				method: 'POST',
				headers: { 'content-type': FORM, ...headers },
				body: 'username=admin&authKey=x',
				redirect: 'manual'
			});
		const before = refusals(local).length;

		const foreign = await post({ origin: 'https://evil.example', accept: 'text/html' });
		expect(foreign.status).toBe(403);
		expect(await foreign.text()).toContain('<h1>提交未被接受</h1>');
		// Same host, other scheme or port; no Origin at all: all refused.
		for (const origin of [`https://localhost:${local.port}`, `http://localhost:${local.port + 1}`])
			expect((await post({ origin })).status, origin).toBe(403);
		expect((await post({})).status).toBe(403);
		const json = await post({ origin: 'https://evil.example' }, '/api/v1/pow');
		expect(json.status).toBe(403);
		expect(((await json.json()) as { error: { code: string } }).error.code).toBe('bad_origin');
		const action = await post({
			origin: 'https://evil.example',
			accept: 'application/json',
			'x-sveltekit-action': 'true'
		});
		expect(((await action.json()) as { type: string }).type).toBe('error');

		// The same origin reaches the action (which refuses the junk key with its own 400).
		const same = await post({ origin: site, accept: 'text/html' });
		expect(same.status).toBe(400);
		expect(refusals(local).slice(before)).toHaveLength(6);
	});

	it('never sends HSTS over plain http, and logs no client address or user agent', async () => {
		for (const path of ['/', '/staff/login', '/en/report']) {
			const res = await fetch(`http://localhost:${local.port}${path}`);
			expect(res.status).toBe(200);
			expect(res.headers.get('strict-transport-security'), path).toBeNull();
		}
		const out = local.output();
		for (const needle of ['127.0.0.1', '::1', ownAddress(), 'Chrome', 'Mozilla', 'node-fetch', 'undici'])
			expect(out, needle).not.toContain(needle);
	});
});

describe('a wrong ORIGIN (https for a plain-http server)', () => {
	it('shows the staff why the set-up form was refused, and creates nothing', async () => {
		// The printed link carries the configured (wrong) origin; the server itself answers on http.
		const printed = misconfigured.setupLink()!;
		expect(printed.startsWith(`https://127.0.0.1:${misconfigured.port}/`)).toBe(true);
		const link = printed.replace('https://', 'http://');
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
		const page = await context.newPage();
		await page.goto(link);
		await interactive(page);
		await page.getByLabel('用户名').fill('admin');
		await page.getByLabel('姓名').fill('管理员');
		await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
		await page.getByLabel('再次输入密码').fill(PASSWORD);
		await page.getByRole('button', { name: '创建管理员' }).click();
		await page.getByText(/ORIGIN 设置必须与浏览器地址栏里的网址一致/).waitFor({ timeout: 60_000 });
		expect(page.url()).toBe(link);
		await expectNoAxeViolations(page);
		expect(await context.cookies()).toEqual([]);

		const logged = refusals(misconfigured);
		expect(logged).toHaveLength(1);
		expect(logged[0]).toMatchObject({
			expected: `https://127.0.0.1:${misconfigured.port}`,
			received: `http://127.0.0.1:${misconfigured.port}`
		});
		expect(String(logged[0]!.hint)).toContain('ORIGIN must be the address people open');

		// Nothing was created: the link still opens the set-up form.
		await page.goto(link);
		await interactive(page);
		await page.getByRole('button', { name: '创建管理员' }).waitFor();
		await context.close();
	});
});
