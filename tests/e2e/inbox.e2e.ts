/**
 * The inbox as a table and the organ's time zone (issue 18 item 3), in Chromium on a 1280×800 screen whose
 * own clock is UTC: four reports reach 银清县纪委监委 (three about 银清县教育局, one about 清银乡); its inspector
 * signs in and finds one by 查询码 (posted, never in the URL), narrows by unit NAME and by received dates,
 * sorts by a column header, saves the filter and opens it again, moves through the rows with j / k (announced)
 * and opens one with Enter; axe finds nothing serious on the inbox. Then registers the report: its timeline and
 * printed copy show the time in Beijing time, not the browser's UTC, and the printout names the zone.
 * Then the search by person (被反映人): locked, the field says so and leads to the unlock form; the inspector
 * starts the county's lead register, registers two leads about one person (from two of the reports), and
 * finds exactly those two reports by the person's name in the inbox, sorted by a column header; axe clean;
 * no request URL or body carries any form of the name (only blind values travel).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAt } from '../../src/lib/shared/time-zone';
import { findCanary } from './dump';
import { expectNoAxeViolations, launchBrowser, type Browser, type Page, type Server } from './harness';
import { KEYED_UNITS, startWithKeyedDemo, type KeyedDemoKeys, type KeyedDemoStaff } from './keyed-demo';
import { nextCode } from './staff-session';
import { submitAsReporter } from './reporter-node';

const COUNTY = 'o-sf-c01-k02';
const PERSON = '欧阳清收件箱七三';
let server: Server;
let browser: Browser;
let keys: KeyedDemoKeys;
const sent: { locator: string; unit: string }[] = [];

beforeAll(async () => {
	({ server, keys } = await startWithKeyedDemo({
		organIds: [COUNTY],
		signin: true,
		testKdf: true,
		env: { POW_DIFFICULTY: '8' }
	}));
	browser = await launchBrowser();
	const units = [
		KEYED_UNITS.countyDepartment.unitId,
		KEYED_UNITS.countyDepartment.unitId,
		KEYED_UNITS.township.unitId,
		KEYED_UNITS.countyDepartment.unitId
	];
	for (const [i, unit] of units.entries()) {
		const r = await submitAsReporter(server.url, {
			unit,
			position: 'top_leader',
			person: `收件箱对象${i + 1}`,
			description: `收件箱测试 ${i + 1}`,
			files: []
		});
		sent.push({ locator: r.locator.replace('-', ''), unit });
	}
}, 300_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

const rows = (page: Page) => page.getByTestId('inbox-item');
const locators = async (page: Page) =>
	(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-locator')))) as string[];
/** Signs `s` in (zh-CN) on `page`, ending on the inbox. */
async function signIn(page: Page, s: KeyedDemoStaff) {
	await page.goto(`${server.url}/staff/login`);
	await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
	await page.getByLabel('用户名').fill(s.username);
	await page.getByLabel('密码', { exact: true }).fill(s.password!);
	await page.getByRole('button', { name: '登录' }).click();
	await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
	// Both tests sign the same inspector in: a code of a time step not used yet (a TOTP code is accepted once).
	await page.getByLabel('验证码').fill(await nextCode(s));
	await page.getByRole('button', { name: '验证' }).click();
	await page.waitForURL(/\/staff(\?.*)?$/, { timeout: 60_000 });
}

/** Today in Beijing (the inbox's received dates are the organ's dates). */
const beijingDay = (offsetDays = 0) =>
	formatAt(new Date(Date.now() + offsetDays * 86_400_000).toISOString()).slice(0, 10);

describe('the inbox table', () => {
	it('searches by 查询码, unit name and dates, sorts, saves a filter, moves by keyboard, times in Beijing time', async () => {
		const inspector = keys.staff.find((s) => s.organId === COUNTY && s.role === 'inspector' && s.password)!;
		const context = await browser.newContext({
			viewport: { width: 1280, height: 800 },
			locale: 'zh-CN',
			timezoneId: 'UTC'
		});
		const page = await context.newPage();
		const urls: string[] = [];
		page.on('request', (r) => urls.push(r.url()));
		try {
			await signIn(page, inspector);

			// The table with its counts; every report of ours is there.
			await page.getByTestId('inbox').waitFor();
			expect(await page.getByTestId('inbox-caption').textContent()).toMatch(/共 4 件/);
			expect(new Set(await locators(page))).toEqual(new Set(sent.map((s) => s.locator)));
			expect(await page.getByTestId('counts-by-state').textContent()).toMatch(/：4$/);
			await expectNoAxeViolations(page);

			// 查询码, typed in lower case with its hyphen: one row; the code is in no URL.
			const target = sent[1]!;
			await page.keyboard.press('/');
			await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('inbox-locator');
			await page.keyboard.type(`${target.locator.slice(0, 5).toLowerCase()}-${target.locator.slice(5)}`);
			await page.keyboard.press('Enter');
			await page.getByTestId('search-result').waitFor();
			expect(await locators(page)).toEqual([target.locator]);
			expect(urls.filter((u) => u.includes(target.locator) || u.includes(target.locator.slice(5)))).toEqual([]);
			await page.getByRole('button', { name: '返回收件箱' }).click();
			await expect.poll(() => rows(page).count()).toBe(4);

			// Unit by NAME (the URL carries the name, the id is never typed), then a date range.
			await page.getByText('筛选条件', { exact: true }).click();
			await page.getByTestId('filter-unit').fill(KEYED_UNITS.township.name);
			await page.getByTestId('filters').getByRole('button', { name: '筛选', exact: true }).click();
			await page.waitForURL(/unit=/);
			expect(decodeURIComponent(page.url())).toContain(`unit=${KEYED_UNITS.township.name}`);
			expect(await locators(page)).toEqual([sent[2]!.locator]);
			await page.goto(`${server.url}/staff?from=${beijingDay(1)}&to=${beijingDay(2)}`);
			await page.getByTestId('inbox-empty').waitFor();
			await page.goto(`${server.url}/staff?from=${beijingDay()}&to=${beijingDay()}`);
			await expect.poll(() => rows(page).count()).toBe(4);

			// Sort by a column header (on the server): newest first, then oldest first reverses the order.
			const newest = await locators(page);
			await page.getByTestId('sort-received').click();
			await page.waitForURL(/sort=date_asc/);
			await expect.poll(() => locators(page)).toEqual([...newest].reverse());
			expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('收到日期');
			await page.getByTestId('sort-state').click();
			await page.waitForURL(/sort=state/);

			// A saved filter (on the server, per staff member): save, open from the list, delete.
			await page.goto(`${server.url}/staff?unit=${encodeURIComponent(KEYED_UNITS.countyDepartment.name)}`);
			await expect.poll(() => rows(page).count()).toBe(3);
			await page.getByRole('textbox', { name: '名称', exact: true }).fill('教育局');
			await page.getByRole('button', { name: '保存当前筛选' }).click();
			await page.getByTestId('saved-filter').filter({ hasText: '教育局' }).waitFor();
			await page.goto(`${server.url}/staff`);
			await expect.poll(() => rows(page).count()).toBe(4);
			await page.getByTestId('saved-filter').filter({ hasText: '教育局' }).click();
			await page.waitForURL(/unit=/);
			await expect.poll(() => rows(page).count()).toBe(3);
			await page.getByRole('button', { name: '删除“教育局”' }).click();
			await page.getByTestId('saved-filter').waitFor({ state: 'detached' });

			// Still usable on a 360 px phone: rows become cards, nothing wider than the screen; axe again.
			await page.setViewportSize({ width: 360, height: 800 });
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
			await expectNoAxeViolations(page);
			await page.setViewportSize({ width: 1280, height: 800 });

			// Keyboard: j, j, k move the focus row by row and say where it is; Enter opens.
			await page.goto(`${server.url}/staff`);
			await expect.poll(() => rows(page).count()).toBe(4);
			const order = await locators(page);
			await page.locator('h1').click();
			await page.keyboard.press('j');
			await page.keyboard.press('j');
			await page.keyboard.press('k');
			await expect.poll(() => page.getByTestId('inbox-announce').textContent()).toContain('第 1 件，共 4 件');
			await page.keyboard.press('ArrowDown');
			await expect.poll(() => page.getByTestId('inbox-announce').textContent()).toContain('第 2 件，共 4 件');
			await page.keyboard.press('Enter');
			await page.waitForURL(/\/staff\/reports\//);
			const opened = order[1]!;

			// Register it: the timeline shows the time in Beijing time although this browser's clock is UTC.
			const box = page.getByTestId('unlock');
			await box.locator('button[type="submit"]:not([disabled])').waitFor();
			await box.getByLabel('登录密码').fill(inspector.password!);
			await box.getByRole('button', { name: '解锁' }).click();
			await box.getByTestId('key-status').waitFor({ timeout: 60_000 });
			const form = page.getByTestId('action-form');
			await form.getByTestId('action-select').selectOption('register');
			const before = Date.now();
			await form.getByRole('button').click();
			await page.getByTestId('action-done').waitFor({ timeout: 60_000 });
			const after = Date.now();
			const beijing = new Set([formatAt(new Date(before).toISOString()), formatAt(new Date(after).toISOString())]);
			const utc = formatAt(new Date(before).toISOString(), 'UTC');
			const timeline = (await page.getByTestId('timeline').textContent())!;
			expect(
				[...beijing].some((t) => timeline.includes(t)),
				timeline
			).toBe(true);
			if (!beijing.has(utc)) expect(timeline).not.toContain(utc);
			expect(await page.getByTestId('report-locator').textContent()).toBe(`${opened.slice(0, 5)}-${opened.slice(5)}`);

			// The printed copy: the same time, and the zone named.
			await page.getByTestId('print-link').click();
			await page.getByTestId('print-person').waitFor();
			expect(await page.getByTestId('print-zone').textContent()).toContain('北京时间（Asia/Shanghai，UTC+08:00）');
			const printed = (await page.getByTestId('print-view').textContent())!;
			expect(
				[...beijing].some((t) => printed.includes(t)),
				printed
			).toBe(true);
		} finally {
			await context.close();
		}
	});

	it('searches by person through the lead register blind index: only blind values travel', async () => {
		const inspector = keys.staff.find((s) => s.organId === COUNTY && s.role === 'inspector' && s.password)!;
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
		const page = await context.newPage();
		const sentOut: { url: string; body: string }[] = [];
		page.on('request', (r) => sentOut.push({ url: r.url(), body: r.postData() ?? '' }));
		try {
			await signIn(page, inspector);
			await expect.poll(() => rows(page).count()).toBe(4);
			// Locked: the person field says so and takes the user to the unlock form.
			const form = page.getByTestId('person-search');
			await form.getByTestId('person-locked').waitFor();
			await form.getByRole('button', { name: '去解锁' }).click();
			await expect
				.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type))
				.toBe('password');
			await page.keyboard.type(inspector.password!);
			await page.keyboard.press('Enter');
			await page.getByTestId('key-status').waitFor({ timeout: 60_000 });
			await form.getByTestId('person-name').waitFor();

			// The ids of two reports (first and last sent), from their rows' links.
			const idOf = async (locator: string) =>
				(await page.locator(`tr[data-locator="${locator}"] a.locator`).getAttribute('href'))!.split('/').pop()!;
			const about = [sent[0]!.locator, sent[3]!.locator];
			const reportIds = [await idOf(about[0]!), await idOf(about[1]!)];

			// Before the register exists: no organ key opens, the field says so.
			await form.getByTestId('person-name').fill(PERSON);
			await form.getByRole('button', { name: '查找' }).click();
			await form.getByTestId('person-no-keys').waitFor({ timeout: 60_000 });

			// The county's register: started, then one lead per report about the same person (two units).
			for (const [i, id] of reportIds.entries()) {
				await page.goto(`${server.url}/staff/leads?report=${id}`);
				if (i === 0) {
					await page.getByTestId('leads-start').click({ timeout: 60_000 });
				}
				await page.getByTestId('lead-save').waitFor({ timeout: 60_000 });
				await page.getByTestId('lead-source').selectOption('letter_visit');
				await page.getByTestId('lead-matter').fill('违规收受礼金');
				await page.getByTestId('person-name').fill(PERSON);
				await page.getByTestId('person-unit').fill(i === 0 ? '银清县教育局' : '清银乡');
				await page.getByTestId('lead-save').click();
				await expect.poll(() => page.getByTestId('leads-table').innerText(), { timeout: 60_000 }).toContain(PERSON);
			}

			// The inbox: the name (typed with a space) finds exactly those two reports, sorted on the server.
			await page.goto(`${server.url}/staff`);
			await page.getByTestId('key-status').waitFor({ timeout: 60_000 });
			await form.getByTestId('person-name').fill(`${PERSON.slice(0, 2)} ${PERSON.slice(2)}`);
			await form.getByRole('button', { name: '查找' }).click();
			await page.getByTestId('search-result').waitFor({ timeout: 60_000 });
			await expect.poll(() => locators(page)).toHaveLength(2);
			expect(new Set(await locators(page))).toEqual(new Set(about));
			expect(await page.getByTestId('inbox-caption').textContent()).toMatch(/共 2 件/);
			const first = await locators(page);
			await page.getByTestId('sort-received').click();
			await expect.poll(() => locators(page)).toEqual([...first].reverse());
			expect(page.url()).not.toMatch(/sort=/); // the search re-posts; nothing of it in the URL
			// With the unit: only the lead registered with it.
			await form.getByTestId('person-unit').fill('清银乡');
			await form.getByRole('button', { name: '查找' }).click();
			await expect.poll(() => locators(page)).toEqual([about[1]]);
			await expectNoAxeViolations(page);

			// No request carried the name or the units typed, in any form.
			const searches = sentOut.filter((r) => r.url.endsWith('/staff/api/inbox') && r.body.includes('person'));
			expect(searches.length).toBeGreaterThanOrEqual(3);
			for (const r of sentOut)
				for (const name of [PERSON, PERSON.slice(2)]) {
					expect(findCanary(decodeURIComponent(r.url), name), r.url).toEqual([]);
					expect(findCanary(r.body, name), r.url).toEqual([]);
				}
			for (const r of searches) expect(r.body).not.toContain('清银乡');
		} finally {
			await context.close();
		}
	});
});
