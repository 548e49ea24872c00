/**
 * Staff sign-in end to end, in Chromium against the production build: first-run setup link, TOTP
 * enrolment, recovery codes, sign-out, wrong password, wrong code, recovery-code sign-in, slow-down
 * after repeated failures, invitations and disabling an account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { deriveKey } from '../../src/lib/crypto/kdf';
import {
	expectNoAxeViolations,
	launchBrowser,
	startServer,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';

const PASSWORD = 'correct horse battery staple 清风';
const step = () => Math.floor(Date.now() / 30_000);

let server: Server;
let browser: Browser;
let totpKey: Uint8Array;
let usedStep = 0;
let recoveryCodes: string[] = [];

/**
 * A fresh code for a time step not used before (TOTP codes cannot be replayed). The server accepts the
 * next step early, so at most one step ahead is used; beyond that, wait for the clock.
 */
async function nextCode(): Promise<string> {
	while (Math.max(step(), usedStep + 1) > step() + 1) await new Promise((r) => setTimeout(r, 500));
	usedStep = Math.max(step(), usedStep + 1);
	return generateHOTP(totpKey, BigInt(usedStep), 6);
}

async function desk(): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
	const page = await context.newPage();
	return { context, page };
}

/** Forms stay disabled until the page is interactive (their script derives keys); wait for that. */
async function interactive(page: Page): Promise<void> {
	await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
}

async function signInWithPassword(page: Page, username: string, password: string, base = ''): Promise<void> {
	await page.goto(`${server.url}${base}/staff/login`);
	await interactive(page);
	await page.getByLabel(base === '/en' ? 'User name' : '用户名').fill(username);
	await page.getByLabel(base === '/en' ? 'Password' : '密码', { exact: true }).fill(password);
	await page.getByRole('button', { name: base === '/en' ? 'Sign in' : '登录' }).click();
}

/** Waits for the second-factor page, failing with whatever message the sign-in page showed instead. */
async function expectTotpStep(page: Page): Promise<void> {
	try {
		await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
	} catch (e) {
		const shown = await page.locator('.error').allTextContents();
		throw new Error(`sign-in did not reach the TOTP step; the page says: ${JSON.stringify(shown)}`, { cause: e });
	}
}

beforeAll(async () => {
	server = await startServer({ env: { SIGNIN_FREE_ATTEMPTS: '4' } });
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('staff sign-in', () => {
	it('creates the first admin through the one-time setup link and enrols TOTP', async () => {
		const link = server.setupLink();
		expect(link).toMatch(/\/staff\/setup\?token=[A-Za-z0-9_-]{20,}$/);
		const { context, page } = await desk();
		const posted: string[] = [];
		page.on('request', (r) => {
			if (r.method() === 'POST') posted.push(r.postData() ?? '');
		});
		await page.goto(link!);
		await interactive(page);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('初始设置');
		await page.getByLabel('用户名').fill('admin');
		await page.getByLabel('姓名').fill('王管理');
		await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
		await page.getByLabel('再次输入密码').fill(PASSWORD);
		await page.getByRole('button', { name: '创建管理员' }).click();
		await page.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
		// The password itself never left the browser.
		expect(posted.some((p) => p.includes('correct horse') || p.includes(encodeURIComponent(PASSWORD)))).toBe(false);
		expect(posted.some((p) => p.includes('authKey'))).toBe(true);

		await expect(page.locator('svg[role="img"]').count()).resolves.toBe(1);
		const manual = (await page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, '');
		totpKey = decodeBase32IgnorePadding(manual);
		expect(totpKey.length).toBe(20);

		await page.getByLabel('验证码').fill('000000' === nextCodePeek() ? '111111' : '000000');
		await page.getByRole('button', { name: '验证' }).click();
		await page.getByText('验证码不正确或已使用').waitFor();

		await page.getByLabel('验证码').fill(await nextCode());
		await page.getByRole('button', { name: '验证' }).click();
		await page.getByTestId('recovery-codes').waitFor();
		recoveryCodes = (await page.getByTestId('recovery-codes').locator('code').allTextContents()).map((s) => s.trim());
		expect(recoveryCodes).toHaveLength(10);
		await page.getByRole('link', { name: '我已妥善保存，继续' }).click();
		await page.waitForURL(/\/staff$/);
		await expect(page.getByTestId('welcome').textContent()).resolves.toContain('王管理');

		const cookies = await context.cookies();
		expect(cookies).toHaveLength(1);
		expect(cookies[0]).toMatchObject({ name: 'qf_session', httpOnly: true, sameSite: 'Strict', path: '/' });
		expect(cookies[0]!.value).toMatch(/^[a-z2-7]+\.[a-z2-7]+$/);
		await expectNoAxeViolations(page);
		await context.close();
	});

	it('refuses the setup link a second time', async () => {
		const { context, page } = await desk();
		await page.goto(server.setupLink()!);
		await page.getByText('已经存在管理员，无需初始设置。').waitFor();
		await context.close();
	});

	it('refuses a wrong password with a clear message', async () => {
		const { context, page } = await desk();
		await signInWithPassword(page, 'admin', 'not the password at all');
		await page.getByText('用户名或密码不正确。').waitFor({ timeout: 60_000 });
		expect(page.url()).toMatch(/\/staff\/login$/);
		expect(await context.cookies()).toHaveLength(0);
		await context.close();
	});

	it('answers an unknown user name exactly like a wrong password, in English too', async () => {
		const { context, page } = await desk();
		await signInWithPassword(page, 'nobody-here', PASSWORD, '/en');
		await page.getByText('Wrong user name or password.').waitFor({ timeout: 60_000 });
		await context.close();
	});

	it('signs in with password and TOTP, refusing a wrong code, then signs out', async () => {
		const { context, page } = await desk();
		await signInWithPassword(page, 'admin', PASSWORD);
		await expectTotpStep(page);
		const partial = (await context.cookies())[0]!.value;

		// The half-signed-in session does not open the back office.
		await page.goto(`${server.url}/staff`);
		await page.waitForURL(/\/staff\/login\/totp$/);

		await page.getByLabel('验证码').fill('123456' === nextCodePeek() ? '654321' : '123456');
		await page.getByRole('button', { name: '验证' }).click();
		await page.getByText('验证码不正确或已使用').waitFor();

		await page.getByLabel('验证码').fill(await nextCode());
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL(/\/staff$/);
		const full = (await context.cookies())[0]!.value;
		expect(full.split('.')[0]).not.toBe(partial.split('.')[0]); // a new session id after sign-in

		const logout = page.waitForResponse((r) => r.url().endsWith('/staff/logout') && r.request().method() === 'POST');
		await page.getByRole('button', { name: '退出登录' }).click();
		const res = await logout;
		expect(res.status()).toBe(200); // an enhanced form action answers with a JSON redirect
		expect(await res.json()).toMatchObject({ type: 'redirect', location: '/staff/login?signedout=1' });
		expect((await res.allHeaders())['clear-site-data']).toBe('"cache", "cookies", "storage"');
		await page.waitForURL(/\/staff\/login\?signedout=1$/);
		await page.getByText('您已安全退出。').waitFor();
		expect(await context.cookies()).toHaveLength(0);

		// The old token is dead on the server, not just forgotten by the browser.
		const replay = await fetch(`${server.url}/staff`, {
			headers: { cookie: `qf_session=${full}` },
			redirect: 'manual'
		});
		expect(replay.status).toBe(303);
		expect(replay.headers.get('location')).toBe('/staff/login');
		await context.close();
	});

	it('signs in with a one-time recovery code instead of TOTP', async () => {
		const { context, page } = await desk();
		await signInWithPassword(page, 'admin', PASSWORD);
		await expectTotpStep(page);
		await page.getByRole('link', { name: '无法使用验证器？使用恢复码' }).click();
		await page.getByLabel('恢复码').fill(recoveryCodes[0]!);
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL(/\/staff$/);
		await context.close();
	});

	it('invites a colleague who sets a password and TOTP; disabling the account ends their session', async () => {
		const admin = await desk();
		await signInWithPassword(admin.page, 'admin', PASSWORD);
		await expectTotpStep(admin.page);
		await admin.page.getByLabel('验证码').fill(await nextCode());
		await admin.page.getByRole('button', { name: '验证' }).click();
		await admin.page.waitForURL(/\/staff$/);
		await admin.page.getByRole('link', { name: '工作人员账号' }).click();
		await admin.page.getByLabel('用户名').fill('li.jiancha');
		await admin.page.getByLabel('姓名').fill('李检查');
		await admin.page.getByRole('button', { name: '创建邀请链接' }).click();
		const link = (await admin.page.getByTestId('invite-link').textContent())!.trim();
		expect(link).toMatch(/\/staff\/invite\?token=/);

		const colleague = await desk();
		await colleague.page.goto(link);
		await interactive(colleague.page);
		await colleague.page.getByLabel('密码', { exact: true }).fill('another long password 123');
		await colleague.page.getByLabel('再次输入密码').fill('another long password 123');
		await colleague.page.getByRole('button', { name: '登录' }).click();
		await colleague.page.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
		const key = decodeBase32IgnorePadding(
			(await colleague.page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, '')
		);
		await colleague.page.getByLabel('验证码').fill(generateHOTP(key, BigInt(step()), 6));
		await colleague.page.getByRole('button', { name: '验证' }).click();
		await colleague.page.getByTestId('recovery-codes').waitFor();
		await colleague.page.goto(`${server.url}/staff`);
		await expect(colleague.page.getByTestId('welcome').textContent()).resolves.toContain('李检查');

		await admin.page.reload();
		const row = admin.page.getByRole('row').filter({ hasText: 'li.jiancha' });
		await row.getByRole('button', { name: '停用账号' }).click();
		await row.getByText('已停用').waitFor();

		await colleague.page.goto(`${server.url}/staff`);
		await colleague.page.waitForURL(/\/staff\/login$/);
		await admin.context.close();
		await colleague.context.close();
	});

	it('slows down repeated failures and refuses even the right password while waiting', async () => {
		// The right auth key, derived here the way the browser does, so it can be sent the instant a
		// wait is announced (a browser try takes seconds of Argon2id and could outlast a short wait).
		const saltRes = await fetch(`${server.url}/staff/login/salt`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'admin' })
		});
		const { salt, params } = (await saltRes.json()) as { salt: string; params: { m: number; t: number; p: number } };
		const rightKey = Buffer.from(await deriveKey(PASSWORD, Buffer.from(salt, 'base64'), params, 32)).toString('base64');

		const { context, page } = await desk();
		const throttled = /尝试次数过多，请在 (\d+) 秒后再试。/;
		// The first SIGNIN_FREE_ATTEMPTS (4) failures are answered plainly; after that each failure
		// doubles the wait (2, 4, 8 s…).
		let attempts = 0;
		let plainFailures = 0;
		let waitSeconds = 0;
		while (attempts < 12 && waitSeconds < 2) {
			attempts++;
			await signInWithPassword(page, 'admin', `wrong password ${attempts}`);
			const shown = page.locator('.error').filter({ hasText: /用户名或密码不正确。|尝试次数过多/ });
			await shown.waitFor({ timeout: 60_000 });
			const message = (await shown.textContent()) ?? '';
			const m = throttled.exec(message);
			if (m) waitSeconds = Number(m[1]);
			else {
				expect(message).toBe('用户名或密码不正确。');
				plainFailures++;
			}
		}
		expect(plainFailures).toBeGreaterThanOrEqual(4);
		expect(waitSeconds).toBeGreaterThanOrEqual(2);

		// During the wait even the right password is refused, and no session is made.
		const form = new URLSearchParams({ username: 'admin', authKey: rightKey });
		const res = await fetch(`${server.url}/staff/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
			body: form,
			redirect: 'manual'
		});
		const body = await res.text();
		// A plain (script-less) form post gets the sign-in page again, carrying the wait message.
		expect(body).toMatch(throttled);
		expect(res.status).not.toBe(303);
		expect(res.headers.get('set-cookie')).toBeNull();
		expect(await context.cookies()).toHaveLength(0);
		await context.close();
	});
});

/** The code a test must not use as its "wrong" code (vanishingly unlikely, but then the test would lie). */
function nextCodePeek(): string {
	return generateHOTP(totpKey, BigInt(Math.max(step(), usedStep + 1)), 6);
}
