/**
 * The interference register in the browser (issue 19 item 3), lean: one flow.
 * 1. An official on a 360 px phone enrols with 银清县教育局 (the page verifies 银清县纪委监委's directory
 *    against the pinned root), gets a register key, files a 零报告 for this period, then two records about
 *    the same leader and one about another. axe on the page before and after enrolling.
 * 2. An inspector of 银清县纪委监委 on a 1280 px desk signs in, unlocks, opens /staff/register: the records
 *    grouped per leader with counts (decrypted in the browser), the official by name, axe.
 * 3. The canary: neither the official's name nor the leaders' names, in any stored form, in the database
 *    dump, the PGlite data folder or the server output.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	launchBrowser,
	newPhonePage,
	releaseStorage,
	type Browser,
	type Page,
	type Server
} from './harness';
import { KEYED_UNITS, startWithKeyedDemo, totpCode, type KeyedDemoKeys, type KeyedDemoStaff } from './keyed-demo';
import { dumpStorage, findCanary } from './dump';

const ORGAN = 'o-sf-c01-k02';
const CANARY = `QFREG${randomBytes(5).toString('hex').toUpperCase()}`;
const OFFICIAL = `登记人${CANARY}A`;
const LEADER = `张${CANARY}B`;
const OTHER_LEADER = `李${CANARY}C`;

let server: Server;
let browser: Browser;
let keys: KeyedDemoKeys;
let inspector: KeyedDemoStaff;

beforeAll(async () => {
	[{ server, keys }, browser] = await Promise.all([
		startWithKeyedDemo({
			signin: true,
			testKdf: true,
			organIds: [ORGAN],
			keepStorage: true,
			env: { POW_DIFFICULTY: '8' }
		}),
		launchBrowser()
	]);
	inspector = keys.staff.find((s) => s.organId === ORGAN && s.role === 'inspector' && s.password)!;
}, 300_000);

afterAll(async () => {
	await browser?.close();
	if (server) {
		await server.stop();
		await releaseStorage(server);
	}
});

async function fileRecord(page: Page, leader: string, asked: string): Promise<void> {
	await page.getByRole('radio', { name: '工程项目' }).check();
	await page.getByLabel('案件、项目或事项名称（或编号）').fill('县城北区棚户区改造项目');
	await page.getByLabel('插手干预的领导干部姓名').fill(leader);
	await page.getByLabel('其单位和职务').fill('某局局长');
	await page.getByRole('radio', { name: '打招呼' }).check();
	await page.getByLabel('提出了什么要求').fill(asked);
	await page.getByRole('radio', { name: '当场拒绝' }).check();
	await page.getByRole('button', { name: '加密并提交登记' }).click();
	await expect.poll(() => page.getByTestId('register-done').textContent()).toContain('已加密提交');
	await page.getByLabel('插手干预的领导干部姓名').and(page.locator(':enabled')).waitFor();
}

describe('interference register', () => {
	it('an official enrols, files a 零报告 and records on a 360 px phone', async () => {
		const { context, page } = await newPhonePage(browser);
		try {
			await page.goto(`${server.url}/register`);
			await page.locator('#reg-unit-q:enabled').waitFor();
			await expectNoAxeViolations(page);
			await expectNoHorizontalScroll(page);

			// Enrol.
			const unit = KEYED_UNITS.countyDepartment;
			await page.locator('#reg-unit-q').fill(unit.name);
			await page
				.locator('.hits .hit')
				.filter({ has: page.locator('.name', { hasText: new RegExp(`^${unit.name}$`) }) })
				.first()
				.click();
			await expect
				.poll(() => page.getByTestId('register-recipients').textContent(), { timeout: 30_000 })
				.toContain('银清县纪委监委');
			await page.getByLabel('您的姓名').fill(OFFICIAL);
			await page.getByLabel('您的职务').fill('科长');
			await page.getByRole('radio', { name: '每月' }).check();
			await page.getByRole('button', { name: '登记并领取登记密钥' }).click();
			const key = (await page.getByTestId('register-key').textContent({ timeout: 30_000 }))!.trim();
			expect(key).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
			await expectNoAxeViolations(page);
			await expectNoHorizontalScroll(page);

			// A 零报告 for this month with the key (typed in lower case, without dashes); the page knows the
			// periods due since enrolling: this month is the one offered.
			await page.getByRole('radio', { name: /报送零报告/ }).check();
			await page.locator('#reg-key').fill(key.replaceAll('-', '').toLowerCase());
			const month = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric' }).format(
				new Date()
			);
			expect(await page.getByRole('radio', { name: new RegExp(`年 ${parseInt(month, 10)} 月$`) }).isChecked()).toBe(
				true
			);
			await page.getByRole('button', { name: '报送零报告', exact: true }).click();
			await expect.poll(() => page.getByTestId('register-done').textContent()).toContain('零报告已报送');
			expect(await page.getByTestId('register-status').textContent()).toContain('0 条插手干预记录，1 份零报告');

			// Records: two about one leader, one about another.
			await page.getByRole('radio', { name: '登记一次插手干预' }).check();
			await fileRecord(page, LEADER, '要求在招标中关照某公司');
			await fileRecord(page, ` ${LEADER}`, '再次打招呼');
			await fileRecord(page, OTHER_LEADER, '递条子');
			expect(await page.getByTestId('register-status').textContent()).toContain('3 条插手干预记录，1 份零报告');
			await expectNoAxeViolations(page);
			// Nothing on the device: no cookie, no storage (the key is the official's to keep).
			expect(await context.cookies()).toEqual([]);
			expect(await page.evaluate(async () => [localStorage.length, (await indexedDB.databases()).length])).toEqual([
				0, 0
			]);
		} finally {
			await context.close();
		}
	}, 180_000);

	it('the inspector sees the records per leader, decrypted in the browser, on a 1280 px desk', async () => {
		const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
		const page = await context.newPage();
		try {
			await page.goto(`${server.url}/staff/login`);
			await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
			await page.getByLabel('用户名').fill(inspector.username);
			await page.getByLabel('密码', { exact: true }).fill(inspector.password!);
			await page.getByRole('button', { name: '登录' }).click();
			await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
			await page.getByLabel('验证码').fill(totpCode(inspector.totpKey!));
			await page.getByRole('button', { name: '验证' }).click();
			await page.getByTestId('welcome').waitFor({ timeout: 60_000 });

			await page.getByRole('link', { name: '插手干预登记' }).click();
			await page.waitForURL(/\/staff\/register$/);
			const box = page.getByTestId('unlock');
			await box.locator('button[type="submit"]:not([disabled])').waitFor();
			await box.getByLabel('登录密码').fill(inspector.password!);
			await box.getByRole('button', { name: '解锁' }).click();
			const table = page.getByTestId('by-leader');
			await table.waitFor({ timeout: 60_000 });
			const rows = await table.locator('tbody tr').allTextContents();
			expect(rows).toHaveLength(2);
			expect(rows[0]).toContain(LEADER);
			expect(rows[0]).toContain('2 次');
			expect(rows[1]).toContain(OTHER_LEADER);
			expect(rows[1]).toContain('1 次');
			const officials = await page.getByTestId('officials').textContent();
			expect(officials).toContain(OFFICIAL);
			expect(officials).toContain('按时报送');
			await expectNoAxeViolations(page);
		} finally {
			await context.close();
		}
	}, 180_000);

	it('canary: no name of the register in the dump, the data folder or the server output', async () => {
		await server.stop();
		const dump = await dumpStorage(server);
		expect(dump.sql, 'positive control: the register tables are dumped').toContain('register_entry');
		for (const part of [`${CANARY}A`, `${CANARY}B`, `${CANARY}C`, CANARY]) {
			expect(findCanary(dump.sql, part), `${part} in the database dump`).toEqual([]);
			expect(findCanary(dump.files, part), `${part} in the data folder`).toEqual([]);
			expect(findCanary(server.output(), part), `${part} in the server output`).toEqual([]);
		}
	}, 120_000);
});
