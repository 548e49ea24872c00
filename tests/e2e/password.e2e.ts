/**
 * Self-service password change, in Chromium against the production build: the first admin enrols a
 * staff key, changes the password on /staff/password (the browser derives both auth keys and re-wraps
 * the key; no password leaves it), the old password is then refused at sign-in, the new one signs in
 * and unlocks the key. A wrong current password is refused with a message, by the server before a key
 * is enrolled and by the browser (the key does not open) after.
 *
 * The first admin's steps (setup, sign-in, the key page) are shared with keys.e2e.ts in key-steps.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	launchBrowser,
	releaseStorage,
	startServer,
	type Browser,
	type Page,
	type Server
} from './harness';
import { adminSteps, interactive, signOut, unlock } from './key-steps';

const PASSWORD = 'correct horse battery staple 清风';
const NEW_PASSWORD = 'a brand new password 清风 2';

let server: Server;
let browser: Browser;

const { desk, createFirstAdmin, submitPassword, signIn, openKeys } = adminSteps({
	server: () => server,
	browser: () => browser,
	password: PASSWORD
});

async function openPasswordPage(page: Page): Promise<void> {
	await page.goto(`${server.url}/staff/password`);
	await page.getByRole('heading', { level: 1, name: '修改登录密码' }).waitFor();
	await interactive(page);
}

async function changePassword(page: Page, current: string, next: string, confirm = next): Promise<void> {
	await page.getByLabel('当前密码').fill(current);
	await page.getByLabel('新密码', { exact: true }).fill(next);
	await page.getByLabel('再次输入新密码').fill(confirm);
	await page.getByRole('button', { name: '确认修改' }).click();
}

async function errorText(page: Page): Promise<string> {
	await page.getByTestId('password-error').waitFor({ timeout: 60_000 });
	return (await page.getByTestId('password-error').textContent())!.trim();
}

beforeAll(async () => {
	[server, browser] = await Promise.all([startServer({ keepStorage: true }), launchBrowser()]);
});

afterAll(async () => {
	await browser?.close();
	if (server) {
		await server.stop();
		await releaseStorage(server);
	}
});

describe('password change', () => {
	it('sets up the first admin', async () => {
		await createFirstAdmin();
	}, 240_000);

	it('refuses a wrong current password, then changes the password and re-wraps the enrolled key', async () => {
		const { context, page } = await desk();
		const posted: string[] = [];
		page.on('request', (r) => {
			if (r.method() === 'POST') posted.push(r.postData() ?? '');
		});
		await signIn(page, PASSWORD);
		await page.getByTestId('password-link').click();
		await page.waitForURL(/\/staff\/password$/);
		await interactive(page);
		await expectNoAxeViolations(page);

		// No key yet: the server checks the current auth key and refuses.
		await changePassword(page, 'not my password at all', NEW_PASSWORD);
		expect(await errorText(page)).toBe('当前密码不正确。');
		await changePassword(page, PASSWORD, NEW_PASSWORD, `${NEW_PASSWORD}x`);
		expect(await errorText(page)).toBe('两次输入的密码不一致。');
		// Too short: the browser does not even submit (minlength), and the page script refuses it too.
		await changePassword(page, PASSWORD, 'short');
		const blocked = await page
			.getByLabel('新密码', { exact: true })
			.evaluate((el) => !(el as HTMLInputElement).checkValidity());
		if (!blocked) expect(await errorText(page)).toBe('密码至少需要 12 个字符。');

		await openKeys(page);
		await page.getByLabel('登录密码').fill(PASSWORD);
		await page.getByRole('button', { name: '生成并上传我的密钥' }).click();
		await page.getByTestId('recovery-key').waitFor({ timeout: 60_000 });
		await page.getByRole('button', { name: '我已妥善保存' }).click();
		await expect(page.getByTestId('key-status').textContent()).resolves.toContain('已解锁');

		// With a key: the wrong current password does not open it, in the browser.
		await openPasswordPage(page);
		await changePassword(page, 'not my password at all', NEW_PASSWORD);
		expect(await errorText(page)).toContain('当前密码无法解锁您的私钥');

		const before = posted.length;
		await changePassword(page, PASSWORD, NEW_PASSWORD);
		await page.getByTestId('password-changed').waitFor({ timeout: 60_000 });
		expect(await page.getByTestId('password-error').count()).toBe(0);
		await expectNoAxeViolations(page);
		const changePost = posted.slice(before).find((p) => p.includes('passwordWrapped'));
		expect(changePost).toBeTruthy();
		for (const p of posted) {
			for (const secret of [PASSWORD, NEW_PASSWORD]) {
				expect(
					p.includes(secret) ||
						p.includes(encodeURIComponent(secret)) ||
						p.includes('correct horse') ||
						p.includes('brand new')
				).toBe(false);
			}
		}
		// The session that made the change goes on.
		await page.goto(`${server.url}/staff`);
		await page.getByTestId('welcome').waitFor();
		await signOut(page);
		await context.close();
	}, 240_000);

	it('refuses the old password and signs in and unlocks the key with the new one', async () => {
		const { context, page } = await desk();
		await submitPassword(page, 'admin', PASSWORD);
		await page.getByText('用户名或密码不正确。').waitFor({ timeout: 60_000 });
		expect(page.url()).toMatch(/\/staff\/login$/);

		await signIn(page, NEW_PASSWORD);
		await openKeys(page);
		await expect(page.getByTestId('key-status').textContent()).resolves.toContain('已锁定');
		await unlock(page, PASSWORD);
		await page.getByTestId('keys-error').waitFor({ timeout: 60_000 });
		await unlock(page, NEW_PASSWORD);
		await page.getByText('私钥已解锁').waitFor({ timeout: 60_000 });
		await context.close();
	}, 240_000);
});
