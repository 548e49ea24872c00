/**
 * Nothing lost (issue 19 item 6) on a 360×740 phone, in zh-CN and in English. What is asserted, step by step:
 * 1. Reload mid-form: the browser's own "leave this page?" question comes up (a `beforeunload` dialog);
 *    the reporter stays, and the text typed is still in the field.
 * 2. Back mid-form (the form was reached from the home page inside the site): the page asks first (a
 *    `confirm` with the localized "not sent yet" text); on "stay" the text is still there.
 * 3. Back again, this time leaving: the home page shows; forward to the form again: the text typed is
 *    back (kept in the tab's memory) with the "still here" notice, and nothing was written to
 *    localStorage, sessionStorage (beyond SvelteKit's scroll numbers) or IndexedDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPhonePage, startServer, type Browser, type Page, type Server } from './harness';

let server: Server;
let browser: Browser;

beforeAll(async () => {
	[server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** Runs `act` in the page (not awaited there) and returns the dialog it raised, after answering it. */
async function dialogOf(
	page: Page,
	act: string,
	answer: 'accept' | 'dismiss'
): Promise<{ type: string; text: string }> {
	const dialog = page.waitForEvent('dialog', { timeout: 10_000 });
	await page.evaluate(`setTimeout(() => { ${act} }, 0)`);
	const d = await dialog;
	const seen = { type: d.type(), text: d.message() };
	await (answer === 'accept' ? d.accept() : d.dismiss());
	return seen;
}

async function storedOnDevice(page: Page) {
	return page.evaluate(async () => ({
		local: Object.keys(localStorage),
		session: Object.keys(sessionStorage).filter((k) => k !== 'sveltekit:scroll' && k !== 'sveltekit:snapshot'),
		idb: (await indexedDB.databases()).length
	}));
}

const cases = [
	{
		locale: 'zh-CN',
		prefix: '',
		typed: '县住建局局长王某',
		ask: '还没有提交',
		restored: '您刚才填写的内容还在'
	},
	{
		locale: 'en',
		prefix: '/en',
		typed: 'Director Wang of the county bureau',
		ask: 'has not been sent',
		restored: 'What you wrote before leaving is still here'
	}
] as const;

describe('the report form keeps what was typed (360 px phone)', () => {
	for (const c of cases) {
		it(`${c.locale}: reload and back warn first and keep the text; leaving and coming back restores it`, async () => {
			const { context, page } = await newPhonePage(browser, { locale: c.locale });
			try {
				// The home page's scripts must have run before the click, or the browser follows the link itself
				// (a new document: Back would then leave it with the browser's question, not the page's).
				await page.goto(`${server.url}${c.prefix}/`, { waitUntil: 'networkidle' });
				// SvelteKit's router has started once it has written its index into the history entry.
				await page.waitForFunction(() => !!history.state && 'sveltekit:history' in history.state);
				await page.locator('a.btn.big').first().click();
				await page.waitForURL(/\/report$/);
				const name = page.locator('#person-name');
				await name.waitFor();
				// Real key presses: the browser only asks before unloading a page the user interacted with.
				await name.click();
				await page.keyboard.type(c.typed);
				await expect.poll(() => name.inputValue()).toBe(c.typed);

				// 1. Reload: the browser's question; staying keeps the text.
				const reload = await dialogOf(page, 'location.reload()', 'dismiss');
				expect(reload.type).toBe('beforeunload');
				await page.waitForTimeout(300);
				expect(page.url()).toMatch(/\/report$/);
				expect(await name.inputValue()).toBe(c.typed);

				// 2. Back: the page's own question in the reader's language; staying keeps the text.
				const back = await dialogOf(page, 'history.back()', 'dismiss');
				expect(back.type).toBe('confirm');
				expect(back.text).toContain(c.ask);
				await page.waitForTimeout(300);
				expect(page.url()).toMatch(/\/report$/);
				expect(await name.inputValue()).toBe(c.typed);

				// 3. Back, leaving this time; then forward: the text comes back from memory.
				const leave = await dialogOf(page, 'history.back()', 'accept');
				expect(leave.type).toBe('confirm');
				await page.waitForURL((u) => !u.pathname.endsWith('/report'));
				await page.locator('a.btn.big').first().waitFor();
				await page.goForward();
				await page.waitForURL(/\/report$/);
				await expect.poll(() => page.locator('#person-name').inputValue()).toBe(c.typed);
				await expect.poll(() => page.locator('.notice[role=status]').first().textContent()).toContain(c.restored);
				expect(await storedOnDevice(page)).toEqual({ local: [], session: [], idb: 0 });
			} finally {
				await context.close();
			}
		});
	}
});
