/**
 * Departments and duties (issue 18), in a browser against the built server with the demo loaded: every organ
 * has its default departments; the admin gives a demo inspector a duty, switches the organ's division of duties
 * on and off again (a duty alone changes nothing; the page names the actions no duty covers) and takes the duty
 * away; axe passes on the page; a non-admin gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	launchBrowser,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';
import { startWithDemo } from './demo';
import { setUpAdmin } from './staff-session';

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
		await setUpAdmin(page, server.setupLink()!, PASSWORD);

		// From the directory's page, to the organ's departments.
		await page.goto(`${server.url}/staff/admin/org`);
		await page.getByRole('link', { name: '部门与分工' }).click();
		await page.waitForURL(/\/staff\/admin\/departments$/);
		await page.getByTestId('dept-organ').selectOption('o-sf-c01');
		await page.getByRole('button', { name: '选择机关' }).click();
		await page.waitForURL(/organ=o-sf-c01/);
		for (const name of ['信访室', '案件监督管理室', '第一监督检查室', '第一审查调查室', '案件审理室'])
			await page.getByRole('listitem').filter({ hasText: name }).first().waitFor();
		await expect(page.getByTestId('dept-enforced').textContent()).resolves.toContain('尚未开启按分工办理');
		await expectNoAxeViolations(page);

		const add = page.getByTestId('duty-add');
		await add.getByRole('button', { name: '添加分工' }).waitFor();
		await add.locator('select[name="staffId"]').selectOption({ index: 0 });
		await add.locator('select[name="departmentId"]').selectOption({ label: '信访室' });
		await add.locator('select[name="role"]').selectOption('member');
		await add.getByRole('button', { name: '添加分工' }).click();
		await page.getByTestId('duty').first().waitFor();
		expect(await page.getByTestId('duty').first().textContent()).toContain('信访室');
		// A duty alone changes nothing: the organ works by its duties once the admin switches that on, and the
		// page names the actions no duty covers yet.
		await expect(page.getByTestId('dept-enforced').textContent()).resolves.toContain('尚未开启按分工办理');
		expect(await page.getByTestId('dept-gaps').textContent()).toContain('分办');
		await page.getByTestId('dept-enforce').click();
		await expect.poll(() => page.getByTestId('dept-enforced').textContent()).toContain('本机关已开启按分工办理');
		await expectNoAxeViolations(page);
		await page.getByTestId('dept-enforce').click();
		await expect.poll(() => page.getByTestId('dept-enforced').textContent()).toContain('尚未开启按分工办理');

		await page
			.getByRole('button', { name: /^取消:/ })
			.first()
			.click();
		await page.getByTestId('duty').first().waitFor({ state: 'detached' });
	});
});
