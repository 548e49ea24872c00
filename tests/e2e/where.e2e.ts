/**
 * The reporter-side routing preview (/where) on a 360 px phone, with the demo province loaded: find a unit
 * by pinyin initials, choose the post of the person concerned, and read where the report goes and why —
 * in zh-CN and en, with no cookie, no other origin, nothing stored, no serious accessibility issue, and
 * (issue 14) nothing of the search, the unit, the post or the organ in any URL or in the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	launchBrowser,
	newPhonePage,
	type Browser,
	type Server
} from './harness';
import { startWithDemo } from './demo';

let server: Server;
let browser: Browser;

beforeAll(async () => {
	server = await startWithDemo();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('where will my report go (/where)', () => {
	it('finds 高新区 by "gxq" and shows that a top-leader report goes to the city commission, and why', async () => {
		const { context, page, requests } = await newPhonePage(browser);
		await page.goto(`${server.url}/`);
		await page.getByRole('link', { name: '先查一查：举报会交给谁' }).click();
		await page.waitForURL(/\/where$/);
		await page.getByLabel('单位名称（可输入拼音或首字母，如 gxq）').fill('gxq');
		await page.getByRole('button', { name: '查找单位' }).click();
		const hit = page
			.getByRole('list')
			.getByRole('button', { name: /高新区/ })
			.first();
		await hit.waitFor({ timeout: 60_000 });
		const path = (await page.locator('.hits .path').first().textContent())!;
		const city = path.split('/')[1]!;
		await hit.click();
		await page.getByText(/所选单位：.*高新区/).waitFor();
		await page.getByLabel('一把手（主要负责人）').check();
		await page.getByRole('button', { name: '查看去向' }).click();
		const answer = page.getByTestId('routing-answer');
		await answer.waitFor();
		expect(await answer.getByRole('heading').textContent()).toBe(`这份举报将交给：${city}纪委监委`);
		const why = (await answer.locator('p').first().textContent())!;
		// Issue 14: the district's leaders are city-managed, and the explanation says so.
		expect(why).toContain(`区委书记由上一级的${city}委管理`);
		expect(why).toContain(`${city}纪委监委`);
		// Nothing of the search or the choice in any URL, nor in the history.
		for (const u of [...requests, page.url()]) expect(u).not.toMatch(/gxq|sf-c01|top_leader|o-sf|unit=|q=/);
		expect(await page.evaluate(() => history.length)).toBeLessThanOrEqual(3);

		await expectNoAxeViolations(page);
		await expectNoHorizontalScroll(page);
		expect(await context.cookies()).toEqual([]);
		const origin = new URL(server.url).origin;
		expect(requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
		expect(await page.evaluate(() => localStorage.length)).toBe(0);
		await context.close();
	});

	it('answers in English, and escalation goes one level further up', async () => {
		const { context, page } = await newPhonePage(browser, { locale: 'en' });
		// Typed before hydration, the search field can be reset by it (then `required` stops the post and no
		// answer ever comes): start once the page's scripts have run.
		await page.goto(`${server.url}/en/where`, { waitUntil: 'networkidle' });
		await page.getByLabel(/Unit name/).fill('gxq');
		await page.getByRole('button', { name: /Find/ }).click();
		const hit = page
			.getByRole('list')
			.getByRole('button', { name: /高新区/ })
			.first();
		// The search is a form post answered by the server: on a loaded CI machine it can take longer than the
		// default 30 s (seen once while release.e2e was building beside it).
		await hit.waitFor({ timeout: 60_000 });
		await hit.click();
		await page.getByLabel('Member of the leadership team').check();
		await page.getByRole('button', { name: 'Show where it goes' }).click();
		const plain = (await page.getByTestId('routing-answer').getByRole('heading').textContent())!;
		expect(plain).toMatch(/^This report will go to: /);

		await page.getByLabel('I want it to go straight to the next level up').check();
		await page.getByRole('button', { name: 'Show where it goes' }).click();
		await page.getByTestId('routing-answer').getByText(/交办/).waitFor();
		expect(page.url()).not.toMatch(/escalate|unit|position/);
		const up = (await page.getByTestId('routing-answer').getByRole('heading').textContent())!;
		expect(up).toMatch(/^This report will go to: /);
		expect(up).not.toBe(plain);
		expect(await page.getByTestId('routing-answer').locator('p').first().textContent()).toMatch(/\S{10,}/);
		await expectNoAxeViolations(page);
		await context.close();
	});

	it('says clearly when nothing matches and when the unit is unknown, without a server error', async () => {
		const origin = new URL(server.url).origin;
		const post = (action: string, fields: Record<string, string>) =>
			fetch(`${server.url}/where?/${action}`, {
				method: 'POST',
				headers: { origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams(fields)
			});
		const none = await post('search', { q: 'zzzzzzzz' });
		expect(none.status).toBe(200);
		const noneText = await none.text();
		expect(noneText).toContain('没有找到这个单位');
		expect(noneText).toContain('按地区');
		const unknown = await post('route', { unit: 'no-such-unit', position: 'top_leader' });
		expect(unknown.status).toBe(400);
		expect(unknown.headers.get('set-cookie')).toBeNull();
		expect(await unknown.text()).toMatch(/class="error"/);
		const nul = await post('search', { q: '\u0000' });
		expect(nul.status).toBe(400);
		expect(await nul.text()).toMatch(/class="error"/);
		// The GET forms of the query endpoints are gone, pointing at the POST ones.
		const gone = await fetch(`${server.url}/api/v1/routing?unit=sf&position=top_leader&kind=public_tip`);
		expect(gone.status).toBe(410);
		expect(await gone.json()).toMatchObject({ error: { use: 'POST /api/v1/routing' } });
	});
});
