/**
 * The public pages of issue 5 (home, guide, offline page, in both languages) on a phone: security
 * headers, no cookie, no other origin, nothing stored on the device (web storage empty, Cache Storage
 * empty too: a plain visit registers no service worker, issue 16), no CSP violation or console error, no serious axe
 * violation, no sideways scroll at 360 px; plus what each page must say, the public figures against the
 * API, and the layout's removal of SvelteKit's sessionStorage keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	expectSecurityHeaders,
	launchBrowser,
	newPhonePage,
	releaseStorage,
	startServer,
	type Browser,
	type Page,
	type Server
} from './harness';

const PAGES = [
	{ path: '/', lang: 'zh-CN', h1: '向纪委监委反映领导干部的问题' },
	{ path: '/guide', lang: 'zh-CN', h1: '举报指南' },
	{ path: '/offline', lang: 'zh-CN', h1: '您现在没有网络连接' },
	{ path: '/en', lang: 'en', h1: null },
	{ path: '/en/guide', lang: 'en', h1: 'Reporting guide' },
	{ path: '/en/offline', lang: 'en', h1: 'You are offline' }
] as const;

/* ------------------------------------------------------------------ seeding the public figures */

const TZ = 'Asia/Shanghai'; // the server's default TIMEZONE
const today = new Intl.DateTimeFormat('en-CA', {
	timeZone: TZ,
	year: 'numeric',
	month: '2-digit',
	day: '2-digit'
}).format(new Date());
const thisMonth = today.slice(0, 7);
const lastMonthDay = (() => {
	const [y, m] = thisMonth.split('-').map(Number) as [number, number];
	return m === 1 ? `${y - 1}-12-15` : `${y}-${String(m - 1).padStart(2, '0')}-15`;
})();

/** Report rows as the intake would store them (clear metadata only; dummy ciphertext). */
function seedRows(): { category: string; receivedOn: string; concludedOn: string | null }[] {
	const rows: { category: string; receivedOn: string; concludedOn: string | null }[] = [];
	for (let i = 0; i < 7; i++)
		rows.push({ category: 'integrity', receivedOn: today, concludedOn: i < 6 ? today : null });
	for (let i = 0; i < 2; i++) rows.push({ category: 'mass', receivedOn: today, concludedOn: null });
	for (let i = 0; i < 3; i++) rows.push({ category: 'work', receivedOn: lastMonthDay, concludedOn: null });
	return rows;
}

function insertSql(): string {
	return seedRows()
		.map(
			(r, i) =>
				`insert into report (locator, unit_id, position, category, real_name, escalate, organ_id, received_on, public_status, concluded_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped) values ` +
				`('SEED${String(i).padStart(6, '0')}', 'u-seed', 'top_leader', '${r.category}', false, false, 'o-seed', '${r.receivedOn}', ` +
				`'${r.concludedOn ? 'concluded' : 'received'}', ${r.concludedOn ? `'${r.concludedOn}'` : 'null'}, '\\x00'::bytea, 1, '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea)`
		)
		.join(';\n');
}

/** A server whose database holds the seeded reports (inserted while it is stopped). */
async function startSeeded(): Promise<Server> {
	const first = await startServer({ keepStorage: true });
	try {
		await first.stop();
		if (first.databaseUrl) {
			const { default: postgres } = await import('postgres');
			const sql = postgres(first.databaseUrl, { max: 1, onnotice: () => {} });
			try {
				await sql.unsafe(insertSql());
			} finally {
				await sql.end({ timeout: 5 });
			}
		} else {
			const { PGlite } = await import('@electric-sql/pglite');
			const db = await PGlite.create({ dataDir: first.dataDir! });
			try {
				await db.exec(insertSql());
			} finally {
				await db.close();
			}
		}
		return await startServer({ reuse: first });
	} catch (e) {
		await releaseStorage(first);
		throw e;
	}
}

/* ------------------------------------------------------------------ device checks */

/** Everything the page could have left on the device. Strict: no key at all, not even SvelteKit's own. */
async function deviceState(page: Page) {
	return page.evaluate(async () => {
		const cache: string[] = [];
		for (const name of await caches.keys()) {
			for (const req of await (await caches.open(name)).keys()) cache.push(new URL(req.url).pathname);
		}
		return {
			workers: (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope),
			local: Object.keys(localStorage),
			session: Object.entries(sessionStorage).map(([k, v]) => `${k}=${v}`),
			idb: (await indexedDB.databases()).map((d) => d.name ?? '?'),
			cache
		};
	});
}

async function expectNothingStored(page: Page): Promise<void> {
	const state = await deviceState(page);
	// Not even the service worker's precache: a plain visit registers no worker (issue 16).
	expect(state).toEqual({ local: [], session: [], idb: [], cache: [], workers: [] });
}

function foreign(requests: string[], server: Server): string[] {
	const origin = new URL(server.url).origin;
	return requests.filter((u) => {
		const url = new URL(u);
		return url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin;
	});
}

/* ------------------------------------------------------------------ tests */

let server: Server;
let browser: Browser;

beforeAll(async () => {
	[server, browser] = await Promise.all([startSeeded(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('public pages: headers and device', () => {
	for (const p of PAGES) {
		it(`${p.path} answers 200 with the security headers, no cookie, <html lang="${p.lang}">`, async () => {
			const res = await fetch(server.url + p.path, { redirect: 'manual' });
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toMatch(/^text\/html/);
			expectSecurityHeaders(res);
			expect(res.headers.getSetCookie()).toEqual([]);
			const html = await res.text();
			expect(html).toContain(`<html lang="${p.lang}"`);
			expect(html).not.toMatch(/\sstyle="/); // no inline style attributes in our markup
			expect(html).toMatch(/<meta name="description" content="[^"]{10,}"/);
		});

		it(`${p.path} in Chromium at 360 px: nothing stored, no other origin, no CSP violation, accessible, no sideways scroll`, async () => {
			const { context, page, requests } = await newPhonePage(browser, { locale: p.lang });
			const problems: string[] = [];
			page.on('console', (m) => {
				if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
			});
			page.on('pageerror', (e) => problems.push(e.message));
			try {
				const res = await page.goto(server.url + p.path, { waitUntil: 'networkidle' });
				expect(res?.status()).toBe(200);
				expectSecurityHeaders(res!);
				// Time for a (wrong) service worker registration after hydration.
				await page.waitForTimeout(500);
				if (p.h1) expect(await page.locator('h1').innerText()).toBe(p.h1);
				expect(await page.locator('a.quick-exit').count()).toBe(1);
				expect(await page.locator('a.skip-link').count()).toBe(1);
				await expectNoAxeViolations(page);
				await expectNoHorizontalScroll(page);
				await page.reload({ waitUntil: 'networkidle' });
				expect(await context.cookies()).toEqual([]);
				await expectNothingStored(page);
				expect(foreign(requests, server)).toEqual([]);
				expect(problems).toEqual([]);
			} finally {
				await context.close();
			}
		});
	}
});

describe('home page', () => {
	it('offers the two actions, says how the reporter is protected, and links the guide', async () => {
		for (const [prefix, lang] of [
			['', 'zh-CN'],
			['/en', 'en']
		] as const) {
			const { context, page } = await newPhonePage(browser, { locale: lang });
			try {
				await page.goto(server.url + (prefix || '/'), { waitUntil: 'networkidle' });
				const actions = page.locator('.actions a.btn');
				expect(await actions.count()).toBe(2);
				expect(await actions.nth(0).getAttribute('href')).toBe(`${prefix}/report`);
				expect(await actions.nth(1).getAttribute('href')).toBe(`${prefix}/follow-up`);
				// Big enough to hit with a thumb.
				for (const i of [0, 1]) expect((await actions.nth(i).boundingBox())!.height).toBeGreaterThanOrEqual(44);
				const protect = await page.locator('section[aria-labelledby="protect"]').innerText();
				if (lang === 'zh-CN') {
					expect(protect).toContain('加密');
					expect(protect).toContain('不用注册账号');
					expect(protect).toContain('不记录您的网络地址');
					expect(protect).toMatch(/被反映人看不到/);
				} else {
					expect(protect).toMatch(/encrypt/i);
					expect(protect).toMatch(/account/i);
					expect(protect).toMatch(/Never the person you report/);
				}
				expect(await page.locator(`a[href="${prefix}/guide"]`).count()).toBeGreaterThanOrEqual(2); // nav + body
				expect(await page.locator(`a[href="${prefix}/guide#safety"]`).count()).toBe(1);
			} finally {
				await context.close();
			}
		}
	});

	it('shows the public figures of GET /api/v1/stats/public, small counts as "少于 5"', async () => {
		const api = (await (await fetch(server.url + '/api/v1/stats/public')).json()) as {
			months: {
				month: string;
				received: number | null;
				concluded: number | null;
				byCategory: Record<string, number | null>;
			}[];
			minCount: number;
		};
		expect(api.minCount).toBe(5);
		const current = api.months.find((m) => m.month === thisMonth)!;
		expect(current).toMatchObject({ received: 9, concluded: 6 });
		expect(current.byCategory.integrity).toBe(7);
		expect(current.byCategory.mass).toBeNull();

		const { context, page } = await newPhonePage(browser);
		try {
			await page.goto(server.url + '/', { waitUntil: 'networkidle' });
			const rows = page.locator('table.months tbody tr');
			expect(await rows.count()).toBe(api.months.length);
			const shown = (n: number | null) => (n === null ? '少于 5' : String(n));
			const newestFirst = [...api.months].reverse();
			for (const [i, m] of newestFirst.entries()) {
				const cells = await rows.nth(i).locator('td .n').allInnerTexts();
				expect(cells, m.month).toEqual([shown(m.received), shown(m.concluded)]);
				const [y, mo] = m.month.split('-');
				expect(await rows.nth(i).locator('th').innerText()).toBe(`${y}年${Number(mo)}月`);
			}
			// Bars by CSS class: the largest count fills the row, the others in proportion (5 % steps).
			expect(await rows.nth(0).locator('.bar.received').getAttribute('class')).toMatch(/\bw100\b/);
			expect(await rows.nth(0).locator('.bar.concluded').getAttribute('class')).toMatch(/\bw65\b/);
			expect(await rows.nth(1).locator('.bar.received').getAttribute('class')).toMatch(/\bw0\b/);
			// By category: only the current month has a category with 5 or more.
			const months = page.locator('details.month');
			expect(await months.count()).toBe(1);
			await months.locator('summary').click();
			const cats = await months.locator('tbody tr').allInnerTexts();
			expect(cats.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['廉洁纪律 7']);
			expect(await months.innerText()).toContain('未列出的类别均少于 5 件');
			await expectNoAxeViolations(page);
			await expectNoHorizontalScroll(page);
		} finally {
			await context.close();
		}
	});
});

describe('guide', () => {
	for (const [pathname, lang] of [
		['/guide', 'zh-CN'],
		['/en/guide', 'en']
	] as const) {
		it(`${pathname}: a table of contents whose links all land on a heading, and every topic`, async () => {
			const { context, page } = await newPhonePage(browser, { locale: lang });
			try {
				await page.goto(server.url + pathname, { waitUntil: 'networkidle' });
				const links = page.locator('nav.toc a');
				// what, after, safety, honest, rights, protection, team-members, operator (issue 19 items 2, 4, 7)
				expect(await links.count()).toBe(8);
				for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
					expect(href).toMatch(/^#[a-z-]+$/);
					expect(await page.locator(`${href} h2, section${href} > h2`).count(), href).toBe(1);
				}
				const text = await page.locator('main').innerText();
				// 6 disciplines + 7 kinds of misconduct + four styles + appointments + other.
				expect(await page.locator('#what dt').count()).toBe(16);
				if (lang === 'zh-CN') {
					for (const word of [
						'政治纪律',
						'组织纪律',
						'廉洁纪律',
						'群众纪律',
						'工作纪律',
						'生活纪律',
						'贪污贿赂',
						'滥用职权',
						'四风问题',
						'选人用人问题',
						'12380'
					]) {
						expect(text).toContain(word);
					}
					for (const word of [
						'5 个工作日',
						'15 个工作日内告诉您是否受理',
						'办结后 15 个工作日内',
						'单位电脑',
						'单位 Wi-Fi',
						'去掉这些信息',
						'PDF',
						'回执',
						'快速离开',
						'无痕',
						'错告',
						'诬告陷害',
						'保密',
						'回避',
						'打击报复',
						'本网站尚未公布主办单位', // no OPERATOR_NAME on this server
						'12388'
					]) {
						expect(text, word).toContain(word);
					}
				} else {
					for (const word of [
						'Political discipline',
						'Integrity discipline',
						'Abuse of power',
						'four bad work styles',
						'12380',
						'5 working days',
						'15 working days',
						'work Wi-Fi',
						'PDF',
						'receipt',
						'Quick exit',
						'private (incognito) window',
						'honest mistake',
						'false accusation',
						'Confidentiality',
						'Recusal',
						'retaliation',
						'has not yet published who runs it',
						'12388'
					]) {
						expect(text, word).toContain(word);
					}
				}
				// Following a table-of-contents link scrolls the section into view without a reload.
				await links.nth(2).click();
				await expect.poll(() => page.evaluate(() => location.hash)).toBe('#safety');
				const top = await page.locator('#safety-title').evaluate((h) => h.getBoundingClientRect().top);
				expect(top).toBeGreaterThan(-2);
				expect(top).toBeLessThan(200);
			} finally {
				await context.close();
			}
		});
	}
});

describe('offline page (online)', () => {
	it('says reporting needs a connection and points to the guide', async () => {
		const { context, page } = await newPhonePage(browser);
		try {
			await page.goto(server.url + '/offline', { waitUntil: 'networkidle' });
			expect(await page.locator('main').innerText()).toMatch(/提交举报和凭回执查询都需要网络连接/);
			expect(await page.locator('main a[href="/guide"]').count()).toBe(1);
		} finally {
			await context.close();
		}
	});
});

describe('layout', () => {
	it('has a navigation to the guide, and leaves no SvelteKit key in sessionStorage while browsing', async () => {
		const { context, page } = await newPhonePage(browser);
		const session = () => page.evaluate(() => Object.keys(sessionStorage));
		try {
			await page.goto(server.url + '/', { waitUntil: 'networkidle' });
			const nav = page.locator('header nav a[href="/guide"]');
			expect(await nav.count()).toBe(1);
			// Scroll so that SvelteKit has an offset worth remembering, then navigate client-side.
			await page.evaluate(() => window.scrollTo(0, 600));
			await nav.click();
			await page.waitForURL(server.url + '/guide');
			expect(await page.locator('header nav a[aria-current="page"]').getAttribute('href')).toBe('/guide');
			expect(await session()).toEqual([]);
			await page.goBack({ waitUntil: 'networkidle' });
			expect(await session()).toEqual([]);
			// Full reloads: SvelteKit persists on beforeunload; the layout removes it on pagehide.
			await page.reload({ waitUntil: 'networkidle' });
			expect(await session()).toEqual([]);
			await page.locator('a.lang').click(); // data-sveltekit-reload: a full page load
			await page.waitForURL(server.url + '/en');
			await page.waitForLoadState('networkidle');
			expect(await session()).toEqual([]);
			// The tab goes to the background: SvelteKit persists on visibilitychange, the layout removes it
			// after. (Headless Chromium keeps tabs visible, so the change is simulated; SvelteKit's listener and
			// ours both see it.)
			await page.evaluate(() => window.scrollTo(0, 300));
			await page.evaluate(() => {
				Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
				document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
			});
			expect(await session()).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it('control: without the public layout (a staff page) SvelteKit does write its keys, so the test above can fail', async () => {
		const { context, page } = await newPhonePage(browser);
		try {
			await page.goto(server.url + '/staff/login', { waitUntil: 'networkidle' });
			await page.evaluate(() => window.scrollTo(0, 100));
			await page.reload({ waitUntil: 'networkidle' });
			expect(await page.evaluate(() => Object.keys(sessionStorage))).toContain('sveltekit:scroll');
			await page.evaluate(() => sessionStorage.clear());
			await page.evaluate(() => {
				Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
				document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
			});
			expect(await page.evaluate(() => Object.keys(sessionStorage))).toContain('sveltekit:scroll');
		} finally {
			await context.close();
		}
	});
});

describe('error pages', () => {
	it('a missing public page keeps the quick exit and a way home, in the reader’s language, and echoes nothing', async () => {
		for (const [prefix, locale, title, home, homeHref] of [
			['', 'zh-CN', '没有找到这个页面', '回到首页', '/'],
			['/en', 'en', 'Page not found', 'Back to the home page', '/en/']
		] as const) {
			const { context, page } = await newPhonePage(browser, { locale });
			try {
				const probe = 'sf-c01-k02-no-such-page';
				const res = await page.goto(`${server.url}${prefix}/${probe}`, { waitUntil: 'networkidle' });
				expect(res?.status()).toBe(404);
				await page.getByRole('heading', { level: 1, name: title }).waitFor();
				await page.locator('a.quick-exit').waitFor();
				expect(await page.getByRole('link', { name: home }).getAttribute('href')).toBe(homeHref);
				expect(await page.locator('main').innerText()).toContain('12388');
				expect(await page.content()).not.toContain(probe);
				await expectNoAxeViolations(page);
			} finally {
				await context.close();
			}
		}
	});

	it('a missing staff page answers in the reader’s language with a way back to the back office', async () => {
		const { context, page } = await newPhonePage(browser, { locale: 'en' });
		try {
			const res = await page.goto(`${server.url}/en/staff/no-such-page`, { waitUntil: 'networkidle' });
			expect(res?.status()).toBe(404);
			await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
			expect(await page.getByRole('link', { name: 'Back to the back office' }).getAttribute('href')).toBe('/en/staff');
			await expectNoAxeViolations(page);
		} finally {
			await context.close();
		}
	});
});
