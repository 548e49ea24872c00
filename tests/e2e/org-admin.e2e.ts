/**
 * The directory admin pages in Chromium against the production build, with the demo province loaded:
 * the first admin signs in (setup link + TOTP), finds 高新区 by "gxq", opens it, sees where reports about
 * its people go and why, declares a conflict for a staff member, exports the directory as CSV, and an
 * import of a broken file shows line-numbered errors and changes nothing. axe passes on every page.
 */
import { readFile } from 'node:fs/promises';
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
const step = () => Math.floor(Date.now() / 30_000);

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let totpKey: Uint8Array;
let usedStep = 0;

/** A fresh TOTP code for a time step not used before (codes cannot be replayed). */
function nextCode(): string {
	const s = Math.max(step(), usedStep + 1);
	if (s > step() + 1) throw new Error('test used more than one code per 30 s window');
	usedStep = s;
	return generateHOTP(totpKey, BigInt(s), 6);
}

/** Forms stay disabled until the page is interactive; wait for that. */
async function interactive(p: Page): Promise<void> {
	await p.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
}

beforeAll(async () => {
	server = await startWithDemo();
	browser = await launchBrowser();
	context = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		locale: 'zh-CN',
		acceptDownloads: true
	});
	page = await context.newPage();
});

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await server?.stop();
});

describe('organization directory admin', () => {
	it('is closed to anyone without an admin session', async () => {
		const exp = await fetch(`${server.url}/staff/admin/org/export/csv`, { redirect: 'manual' });
		expect(exp.status).toBe(403);
		expect(await exp.text()).not.toContain('type,id');
		const pageRes = await fetch(`${server.url}/staff/admin/org`, { redirect: 'manual' });
		expect(pageRes.status).toBe(303);
		expect(pageRes.headers.get('location')).toBe('/staff/login');
	});

	it('lets the first admin in with TOTP and links the directory from the staff accounts page', async () => {
		const link = server.setupLink();
		expect(link).toBeTruthy();
		await page.goto(link!);
		await interactive(page);
		await page.getByLabel('用户名').fill('admin');
		await page.getByLabel('姓名').fill('王管理');
		await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
		await page.getByLabel('再次输入密码').fill(PASSWORD);
		await page.getByRole('button', { name: '创建管理员' }).click();
		await page.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
		totpKey = decodeBase32IgnorePadding((await page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, ''));
		await page.getByLabel('验证码').fill(nextCode());
		await page.getByRole('button', { name: '验证' }).click();
		await page.getByTestId('recovery-codes').waitFor();
		await page.getByRole('link', { name: '我已妥善保存，继续' }).click();
		await page.waitForURL(/\/staff$/);

		await page.goto(`${server.url}/staff/admin/users`);
		await page.getByRole('link', { name: '组织目录' }).click();
		await page.waitForURL(/\/staff\/admin\/org$/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('组织目录');
		await page.getByRole('link', { name: '示范省' }).waitFor();
		await expectNoAxeViolations(page);
	});

	it('finds 高新区 by "gxq", opens it and previews where reports about each position go, and why', async () => {
		await page.getByLabel('单位名称、拼音或拼音首字母').fill('gxq');
		await page.getByRole('button', { name: '查找' }).click();
		await page.waitForURL(/\/staff\/admin\/org\?q=gxq$/);
		const hit = page.getByTestId('search-hits').getByRole('link', { name: '高新区', exact: true }).first();
		await hit.waitFor();
		await expectNoAxeViolations(page);
		await hit.click();
		await page.waitForURL(/\/staff\/admin\/org\/units\/[^/]+$/);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('高新区');

		const preview = page.getByTestId('routing-preview').getByRole('listitem');
		await expect(preview.count()).resolves.toBe(3);
		const top = preview.filter({ has: page.getByRole('heading', { name: '一把手', exact: true }) });
		const topText = (await top.textContent()) ?? '';
		// 高新区's party secretary is managed by the city committee (干部管理权限), so the city commission
		// handles it, not the district's own; the explanation names the managing committee and the rule.
		expect(topText).toMatch(/将交给「[^」]+市纪委监委」/);
		expect(topText).toContain('原因：');
		expect(topText).toMatch(/高新区委书记由上一级的[^，]+市委管理/);
		expect(topText).toContain('适用规则：干部管理权限：上一级党委管理');
		// The district's leadership team is managed by the city committee too; its other cadres by the district's
		// own committee, so its own commission handles them (before issue 14: team members stayed in the district).
		const member =
			(await preview.filter({ has: page.getByRole('heading', { name: '领导班子成员', exact: true }) }).textContent()) ??
			'';
		expect(member).toMatch(/将交给「[^」]+市纪委监委」/);
		const other =
			(await preview.filter({ has: page.getByRole('heading', { name: '其他干部', exact: true }) }).textContent()) ?? '';
		expect(other).toMatch(/将交给「[^」]*高新区[^」]*」/);

		await page.getByRole('heading', { name: '领导职务' }).waitFor();
		await page.getByRole('cell', { name: '一把手' }).first().waitFor();
		await page.getByRole('heading', { name: '负责的纪检监察机关' }).waitFor();
		await expectNoAxeViolations(page);
	});

	it('declares a conflict for a staff member, lists it, and removes it again', async () => {
		await interactive(page);
		const options = await page.getByLabel('工作人员', { exact: true }).locator('option').allTextContents();
		const demoStaff = options.find((o) => o.startsWith('demo-'));
		expect(demoStaff).toBeTruthy();
		await page.getByLabel('工作人员', { exact: true }).selectOption({ label: demoStaff! });
		await page.getByLabel('回避理由').fill('曾在该单位任职（端到端测试）');
		await page.getByRole('button', { name: '声明回避' }).click();
		const table = page.getByTestId('conflicts');
		const row = table.getByRole('row').filter({ hasText: '曾在该单位任职（端到端测试）' });
		await row.waitFor();
		expect(await row.textContent()).toContain(demoStaff!.split(' ')[0]);
		await expectNoAxeViolations(page);

		// Still there after a full reload: it was written, not just shown.
		await page.reload();
		await row.waitFor();
		const username = demoStaff!.split(' ')[0]!;

		// Declared conflicts are in the export as well.
		await page.getByRole('link', { name: '组织目录' }).first().click();
		await page.waitForURL(/\/staff\/admin\/org$/);
		const download = page.waitForEvent('download');
		await page.getByRole('link', { name: '导出 CSV' }).click();
		const file = await download;
		expect(file.suggestedFilename()).toBe('qingfeng-org.csv');
		const csv = await readFile((await file.path())!, 'utf8');
		const lines = csv.trim().split('\n');
		expect(lines[0]).toBe(
			'type,id,parent,name,level,kind,unit,host_unit,organ,username,role,has_key,reason,position,title,holder_name,unit_type,managed_by'
		);
		expect(lines.some((l) => l.startsWith('unit,') && l.includes(',高新区,county,'))).toBe(true);
		expect(
			lines.some((l) => l.startsWith('conflict,') && l.includes(username) && l.includes('曾在该单位任职（端到端测试）'))
		).toBe(true);
		expect(lines.length).toBeGreaterThan(300);

		await page.goBack();
		await page.waitForURL(/\/staff\/admin\/org\/units\/[^/]+$/);
		await interactive(page);
		await page.getByRole('button', { name: `撤销 ${username} 的回避声明` }).click();
		await row.waitFor({ state: 'detached' });
	});

	it('refuses a broken import with every error line-numbered, and changes nothing', async () => {
		await page.goto(`${server.url}/staff/admin/org`);
		await interactive(page);
		const header =
			'type,id,parent,name,level,kind,unit,host_unit,organ,username,role,has_key,reason,position,title,holder_name';
		const broken = [
			header,
			'unit,x1,,测试省,province,,,,,,,,,,,',
			'unit,x2,nowhere,测试市,city,,,,,,,,,,,',
			'unit,x1,,重复,province,,,,,,,,,,,',
			'unit,x3,,坏级别,galaxy,,,,,,,,,,,'
		].join('\n');
		await page
			.getByLabel('目录文件（.csv 或 .json）')
			.setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(broken) });
		await page.getByRole('button', { name: '导入并替换目录' }).click();
		const errors = page.getByTestId('import-errors').getByRole('listitem');
		await errors.first().waitFor();
		const texts = await errors.allTextContents();
		expect(texts.some((t) => t.startsWith('第 3 行') && t.includes('[parent]'))).toBe(true);
		expect(texts.some((t) => t.startsWith('第 4 行') && t.includes('[id]'))).toBe(true);
		expect(texts.some((t) => t.startsWith('第 5 行') && t.includes('[level]'))).toBe(true);
		await expect(page.getByTestId('import-result').textContent()).resolves.toContain('目录未作任何更改');
		await expectNoAxeViolations(page);

		// The demo directory is still there.
		const res = await fetch(`${server.url}/api/v1/units`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ q: 'gxq' })
		});
		expect(((await res.json()) as { name: string }[])[0]?.name).toBe('高新区');
	});

	it('lists organs with their jurisdiction and staff, and adds and removes a membership', async () => {
		await page.goto(`${server.url}/staff/admin/org/organs`);
		await interactive(page);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('纪检监察机关');
		const organ = page.getByRole('region', { name: '示范省纪委监委', exact: true });
		await organ.getByRole('heading', { name: /管辖单位/ }).waitFor();

		await page.getByLabel('工作人员', { exact: true }).selectOption({ label: 'admin (王管理)' });
		await page.getByLabel('机关', { exact: true }).selectOption({ label: '示范省纪委监委' });
		await page.getByLabel('角色', { exact: true }).selectOption('inspector');
		await page.getByRole('button', { name: '添加或更改任职' }).click();
		const mine = organ.getByRole('row').filter({ hasText: 'admin' });
		await mine.waitFor();
		expect(await mine.textContent()).toContain('办理人员');
		await expectNoAxeViolations(page);

		await organ.getByRole('button', { name: '将 admin 从「示范省纪委监委」移除' }).click();
		await mine.waitFor({ state: 'detached' });
	});

	it('refuses a unit edit that names an unknown parent, saying why, and shows the page in English', async () => {
		await page.goto(`${server.url}/staff/admin/org/units/sf-c01-k01`);
		await interactive(page);
		await page.getByLabel('上级单位编号').fill('no-such-parent');
		await page.getByRole('button', { name: '保存' }).click();
		await page.getByText('找不到这个上级单位编号。').waitFor();
		await page.reload();
		await expect(page.getByLabel('上级单位编号').inputValue()).resolves.toBe('sf-c01');

		await page.goto(`${server.url}/en/staff/admin/org/units/sf-c01-k01`);
		await interactive(page);
		const top = page
			.getByTestId('routing-preview')
			.getByRole('listitem')
			.filter({ has: page.getByRole('heading', { name: 'Top leader', exact: true }) });
		const text = (await top.textContent()) ?? '';
		expect(text).toMatch(/Goes to \S+市纪委监委/);
		expect(text).toMatch(/the 区委书记 of 高新区 is managed by \S+市委, one level up/);
		expect(text).toContain('Rules applied: cadre management: managed one level up');
		await expectNoAxeViolations(page);
	});

	it('answers 403 to a signed-in colleague who is not an administrator', async () => {
		await page.goto(`${server.url}/staff/admin/users`);
		await interactive(page);
		await page.getByLabel('用户名').fill('li.jiancha');
		await page.getByLabel('姓名').fill('李检查');
		await page.getByRole('button', { name: '创建邀请链接' }).click();
		const link = (await page.getByTestId('invite-link').textContent())!.trim();

		const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
		try {
			const p = await other.newPage();
			await p.goto(link);
			await interactive(p);
			await p.getByLabel('密码', { exact: true }).fill('another long password 123');
			await p.getByLabel('再次输入密码').fill('another long password 123');
			await p.getByRole('button', { name: '登录' }).click();
			await p.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
			const key = decodeBase32IgnorePadding((await p.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, ''));
			await p.getByLabel('验证码').fill(generateHOTP(key, BigInt(step()), 6));
			await p.getByRole('button', { name: '验证' }).click();
			await p.getByTestId('recovery-codes').waitFor();

			for (const path of ['/staff/admin/org', '/staff/admin/org/organs', '/staff/admin/org/units/sf-c01-k01']) {
				const res = await p.goto(`${server.url}${path}`);
				expect(res?.status(), path).toBe(403);
			}
			const exp = await p.request.get(`${server.url}/staff/admin/org/export/json`);
			expect(exp.status()).toBe(403);
			expect(await exp.text()).not.toContain('qingfeng-org');
			// A form action posted by a non-admin is refused too, and writes nothing.
			const post = await p.request.post(`${server.url}/staff/admin/org/units/sf-c01-k01?/declare`, {
				headers: { origin: server.url, 'x-sveltekit-action': 'true' },
				form: { staffId: '00000000-0000-0000-0000-000000000000', reason: 'x' }
			});
			expect(post.status()).toBe(403);
		} finally {
			await other.close();
		}
	});
});
