/**
 * Foundation, end to end: the production build starts, prints the first-run setup link, serves the
 * public home page with the security baseline and without cookies, storage or third-party requests,
 * refuses a bad configuration with one line, and shuts down cleanly on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	expectSecurityHeaders,
	launchBrowser,
	newPhonePage,
	releaseStorage,
	runServerExpectingExit,
	startServer,
	type Browser,
	type Page,
	type Server
} from './harness';

const SHUTDOWN_DONE = '"event":"shutdown","phase":"done"';

/**
 * Everything a page could have left behind on the device. Strict: SvelteKit's client router keeps the
 * scroll offsets (`sveltekit:scroll`) and component snapshots (`sveltekit:snapshot`) of the tab's history in
 * sessionStorage; the public layout removes both after every navigation and whenever the page is hidden or
 * left, so no key at all may remain on a public page.
 */
async function webStorage(page: Page): Promise<{ local: string[]; session: string[]; idb: string[] }> {
	return page.evaluate(async () => ({
		local: Object.keys(localStorage),
		session: Object.entries(sessionStorage).map(([key, value]) => `${key}=${value}`),
		idb: (await indexedDB.databases()).map((d) => d.name ?? '?')
	}));
}

function foreignRequests(requests: string[], server: Server): string[] {
	const origin = new URL(server.url).origin;
	return requests.filter((u) => {
		const url = new URL(u);
		if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
		return url.origin !== origin;
	});
}

/**
 * Reloads; if the page was itself navigating at that moment (Chromium then aborts our reload with
 * net::ERR_ABORTED), waits for that navigation to settle and reloads again (at most twice more).
 */
async function reloadWhenSettled(page: Page): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		try {
			await page.reload({ waitUntil: 'networkidle' });
			return;
		} catch (e) {
			if (attempt >= 2 || !String(e).includes('ERR_ABORTED')) throw e;
			await page.waitForLoadState('networkidle');
		}
	}
}

describe('public home page', () => {
	let server: Server;
	let browser: Browser;

	beforeAll(async () => {
		[server, browser] = await Promise.all([startServer(), launchBrowser()]);
	});
	afterAll(async () => {
		await browser?.close();
		await server?.stop();
	});

	for (const path of ['/', '/en']) {
		it(`${path} answers 200 with the security headers and sets no cookie`, async () => {
			const res = await fetch(server.url + path, { redirect: 'manual' });
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toMatch(/^text\/html/);
			expectSecurityHeaders(res);
			expect(res.headers.getSetCookie()).toEqual([]);
			const html = await res.text();
			expect(html).toMatch(path === '/en' ? /<html lang="en"/ : /<html lang="zh-CN"/);
		});
	}

	it('leaves nothing on the device and contacts no other origin while browsing', async () => {
		const { context, page, requests } = await newPhonePage(browser);
		try {
			const first = await page.goto(server.url + '/', { waitUntil: 'networkidle' });
			expect(first?.status()).toBe(200);
			expectSecurityHeaders(first!);
			expect(await first!.headerValue('set-cookie')).toBeNull();

			// Click around: skip link, the language switch, the brand link, back, reload.
			await page.locator('a.skip-link').focus();
			await page.locator('a.skip-link').press('Enter');
			await page.locator('a.lang').click();
			await page.waitForURL(/\/en\/?$/);
			await page.waitForLoadState('networkidle');
			await page.locator('a.brand').click();
			await page.waitForLoadState('networkidle');
			await page.goBack({ waitUntil: 'networkidle' });
			await reloadWhenSettled(page);

			expect(await context.cookies()).toEqual([]);
			expect(await webStorage(page)).toEqual({ local: [], session: [], idb: [] });
			expect(requests.length).toBeGreaterThan(1);
			expect(foreignRequests(requests, server)).toEqual([]);
		} finally {
			await context.close();
		}
	});

	for (const path of ['/', '/en']) {
		it(`${path} has no serious accessibility violations and no sideways scroll at 360 px`, async () => {
			const { context, page } = await newPhonePage(browser, { locale: path === '/en' ? 'en' : 'zh-CN' });
			try {
				await page.goto(server.url + path, { waitUntil: 'networkidle' });
				await expectNoAxeViolations(page);
				await expectNoHorizontalScroll(page);
			} finally {
				await context.close();
			}
		});
	}

	it('switches language between zh-CN and en, and <html lang> follows', async () => {
		const { context, page } = await newPhonePage(browser);
		try {
			await page.goto(server.url + '/', { waitUntil: 'networkidle' });
			expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
			const zhTitle = await page.locator('h1').innerText();

			const toEn = page.locator('a.lang');
			expect(await toEn.getAttribute('hreflang')).toBe('en');
			await toEn.click();
			await page.waitForURL(/\/en\/?$/);
			await expect
				.poll(() => page.getAttribute('html', 'lang'), { message: '<html lang> after switching to English' })
				.toBe('en');
			const enTitle = await page.locator('h1').innerText();
			expect(enTitle).not.toBe(zhTitle);
			expect(enTitle).toMatch(/[A-Za-z]/);

			const toZh = page.locator('a.lang');
			expect(await toZh.getAttribute('hreflang')).toBe('zh-CN');
			await toZh.click();
			await page.waitForURL((u) => u.pathname === '/');
			await expect
				.poll(() => page.getAttribute('html', 'lang'), { message: '<html lang> after switching back to Chinese' })
				.toBe('zh-CN');
			expect(await page.locator('h1').innerText()).toBe(zhTitle);

			// A fresh load of /en is English from the first byte, too.
			await page.goto(server.url + '/en', { waitUntil: 'networkidle' });
			expect(await page.getAttribute('html', 'lang')).toBe('en');
		} finally {
			await context.close();
		}
	});

	it('/staff without a session redirects to the sign-in page', async () => {
		const res = await fetch(server.url + '/staff', { redirect: 'manual' });
		expect([302, 303]).toContain(res.status);
		const location = new URL(res.headers.get('location') ?? '', server.url);
		expect(location.origin).toBe(new URL(server.url).origin);
		expect(location.pathname).toBe('/staff/login');
	});

	it('/healthz answers 200 ok', async () => {
		const res = await fetch(server.url + '/healthz');
		expect(res.status).toBe(200);
		expect((await res.text()).trim()).toBe('ok');
	});

	it('prints the URL and a one-time setup link on first run', () => {
		const out = server.output();
		expect(out).toContain(`${server.url}/`);
		const lines = out.split('\n').filter((l) => l.startsWith('Setup link: '));
		expect(lines).toHaveLength(1);
		const escaped = server.url.replace(/[.]/g, '\\.');
		expect(lines[0]).toMatch(new RegExp(`^Setup link: ${escaped}/staff/setup\\?token=[A-Za-z0-9_-]{20,}$`));
		expect(server.setupLink()).toBe(lines[0]!.slice('Setup link: '.length));
	});
});

describe('configuration errors stop start-up with one clear line', () => {
	const cases: { env: Record<string, string>; variable: string; expected: RegExp }[] = [
		{ env: { SESSION_IDLE_MINUTES: 'abc' }, variable: 'SESSION_IDLE_MINUTES', expected: /whole number/ },
		{ env: { DATABASE_URL: 'mysql://x' }, variable: 'DATABASE_URL', expected: /PostgreSQL URL/ },
		{ env: { PORT: '99999' }, variable: 'PORT', expected: /whole number from 1 to 65535/ }
	];
	for (const c of cases) {
		const [name, value] = Object.entries(c.env)[0]!;
		it(`${name}=${value}`, async () => {
			const { code, stdout, stderr } = await runServerExpectingExit(c.env);
			expect(code).toBe(1);
			const lines = stderr.split('\n').filter((l) => l.trim() !== '');
			expect(lines, `stderr was:\n${stderr}`).toHaveLength(1);
			expect(lines[0]).toContain(c.variable);
			expect(lines[0]).toMatch(c.expected);
			expect(lines[0]).toContain(value);
			expect(stdout).not.toMatch(/Listening on/);
		});
	}
});

describe('shutdown', () => {
	it('SIGTERM closes the database and exits 0; a new server then starts on the same storage', async () => {
		const first = await startServer({ keepStorage: true });
		let second: Server | null = null;
		try {
			expect((await fetch(first.url + '/healthz')).status).toBe(200);
			const t0 = Date.now();
			const status = await first.stop('SIGTERM');
			// adapter-node handles SIGTERM itself (closes the HTTP server, emits sveltekit:shutdown), so the
			// process ends by emptying its event loop: exit code 0, not death by signal.
			expect(status).toEqual({ code: 0, signal: null });
			expect(Date.now() - t0).toBeLessThan(20_000);
			expect(first.output()).toContain(SHUTDOWN_DONE);

			second = await startServer({ reuse: first });
			if (first.dataDir) expect(second.dataDir).toBe(first.dataDir);
			if (first.databaseUrl) expect(second.databaseUrl).toBe(first.databaseUrl);
			const res = await fetch(second.url + '/healthz');
			expect(res.status).toBe(200);
			expect((await res.text()).trim()).toBe('ok');
			// Still no administrator, so a new, different one-time link is printed.
			expect(second.setupLink()).not.toBeNull();
			expect(second.setupLink()).not.toBe(first.setupLink());
			const status2 = await second.stop('SIGTERM');
			expect(status2).toEqual({ code: 0, signal: null });
			expect(second.output()).toContain(SHUTDOWN_DONE);
		} finally {
			await second?.stop();
			await releaseStorage(first);
		}
	});
});
