/**
 * Departments and duties (issue 18), in a browser against the built server with the demo loaded: every organ
 * has its default departments; the admin gives a demo inspector a duty (the organ then works by its division
 * of duties) and takes it away again; axe passes on the page; a non-admin gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import {
	expectNoAxeViolations,
	launchBrowser,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';
import { startWithDemo } from './demo';

const PASSWORD = 'a long admin password 清风 2026';

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
	server = await startWithDemo();
	browser = await launchBrowser();
	context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
	page = await context.newPage();
});

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await server?.stop();
});

describe('departments and duties admin', () => {
	it('is closed without an admin session', async () => {
		const res = await fetch(`${server.url}/staff/admin/departments?organ=o-sf-c01`, { redirect: 'manual' });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/staff/login');
	});

	it('lists the default departments of a demo organ, assigns a duty and removes it, with no axe violations', async () => {
		await page.goto(server.setupLink()!);
		await page
			.locator('main form button[type="submit"]:not([disabled])')
			.first()
			.waitFor({ timeout: 90_000 })
			.catch(async (e) => {
				console.log(page.url(), (await page.content()).slice(0, 3000));
				throw e;
			});
		await page.getByLabel('用户名').fill('admin');
		await page.getByLabel('姓名').fill('王管理');
		await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
		await page.getByLabel('再次输入密码').fill(PASSWORD);
		await page.getByRole('button', { name: '创建管理员' }).click();
		await page.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
		const key = decodeBase32IgnorePadding(
			(await page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, '')
		);
		await page.getByLabel('验证码').fill(generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000)), 6));
		await page.getByRole('button', { name: '验证' }).click();
		await page.getByTestId('recovery-codes').waitFor();
		await page.getByRole('link', { name: '我已妥善保存，继续' }).click();
		await page.waitForURL(/\/staff$/);

		// From the directory's page, to the organ's departments.
		await page.goto(`${server.url}/staff/admin/org`);
		await page.getByRole('link', { name: '部门与分工' }).click();
		await page.waitForURL(/\/staff\/admin\/departments$/);
		await page.getByTestId('dept-organ').selectOption('o-sf-c01');
		await page.getByRole('button', { name: '选择机关' }).click();
		await page.waitForURL(/organ=o-sf-c01/);
		for (const name of ['信访室', '案件监督管理室', '第一监督检查室', '第一审查调查室', '案件审理室'])
			await page.getByRole('listitem').filter({ hasText: name }).first().waitFor();
		await expect(page.getByTestId('dept-enforced').textContent()).resolves.toContain('尚未指定分工');
		await expectNoAxeViolations(page);

		const add = page.getByTestId('duty-add');
		await add.getByRole('button', { name: '添加分工' }).waitFor();
		await add.locator('select[name="staffId"]').selectOption({ index: 0 });
		await add.locator('select[name="departmentId"]').selectOption({ label: '信访室' });
		await add.locator('select[name="role"]').selectOption('member');
		await add.getByRole('button', { name: '添加分工' }).click();
		await page.getByTestId('duty').first().waitFor();
		expect(await page.getByTestId('duty').first().textContent()).toContain('信访室');
		await expect(page.getByTestId('dept-enforced').textContent()).resolves.toContain('已按分工办理');
		await expectNoAxeViolations(page);

		await page
			.getByRole('button', { name: /^取消:/ })
			.first()
			.click();
		await page.getByTestId('duty').first().waitFor({ state: 'detached' });
		await expect(page.getByTestId('dept-enforced').textContent()).resolves.toContain('尚未指定分工');
	});
});
