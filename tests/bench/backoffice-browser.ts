/**
 * `npm run bench:latency`: the back office as an inspector feels it (issue 18, "An inspector's day, fast"), in
 * Debian's Chromium against the test build on PostgreSQL (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test; a fresh database per run, dropped at the end). It loads the keyed demo
 * (银清县纪委监委 keyed), sends BENCH_LATENCY_REPORTS (300) real encrypted reports through the reporter's client
 * library, signs in one of the organ's inspectors, unlocks the key, and measures over BENCH_RUNS (30) reports:
 *  - open (in the app): a click on a link to the report → its decrypted description on screen (SvelteKit's
 *    client-side navigation: the page's data request, rendering, decrypting);
 *  - open (page load): a full navigation to the report → its decrypted description on screen (document,
 *    scripts, hydration, the key stay restored, decrypting);
 *  - action 登记 (register): the click → "已…" on screen (the action's request, the new view rendered);
 *  - note: the click → the new note decrypted in the list (encrypting, the request, the new view).
 * Times are taken inside the page (performance.now(), a MutationObserver for the end), so the driver's polling
 * does not count. For each it prints p50 and p95 and, from the Resource Timing entries of the same span, how
 * much of it the server took (request sent → first byte) for each request. Targets (issue 18): open < 300 ms
 * p95, each action < 200 ms p95. After sending the reports it waits (up to 180 s) for the 1-minute load
 * average to fall below 0.5 and prints the load when the runs start and at the end (figures measured above
 * 0.5 are for reading, not publishing), and the number of requests per span (a note is one request: its
 * answer carries the case view). Nothing fails on time. Needs `npm run build:test` first.
 *   BENCH_LATENCY_REPORTS (300), BENCH_RUNS (30)
 */
import os from 'node:os';
import { KEYED_UNITS, startWithKeyedDemo, totpCode } from '../e2e/keyed-demo';
import { launchBrowser, type Page } from '../e2e/harness';
import { submitAsReporter } from '../e2e/reporter-node';

const REPORTS = Number(process.env.BENCH_LATENCY_REPORTS ?? 300);
const RUNS = Math.min(Number(process.env.BENCH_RUNS ?? 30), REPORTS);
const ORGAN = 'o-sf-c01-k02';
const TARGET = { open: 300, action: 200 };

const load = () => {
	const l = os.loadavg();
	return `load average ${l.map((n) => n.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`;
};
const pct = (xs: number[], q: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};
const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;

/** Figures are publishable from a 1-minute load average below this (docs/performance.md). */
const QUIET_LOAD = 0.5;
const QUIET_WAIT_MS = 180_000;

/**
 * Waits (at most QUIET_WAIT_MS) for the 1-minute load average to fall below QUIET_LOAD: sending the reports
 * raises it, and figures measured on a busy machine are for reading only. Returns the load it starts at.
 */
async function settle(): Promise<number> {
	const t0 = performance.now();
	while (os.loadavg()[0]! >= QUIET_LOAD && performance.now() - t0 < QUIET_WAIT_MS)
		await new Promise((resolve) => setTimeout(resolve, 5_000));
	const now = os.loadavg()[0]!;
	console.log(
		now < QUIET_LOAD
			? `load settled to ${now.toFixed(2)} after ${((performance.now() - t0) / 1000).toFixed(0)} s`
			: `load still ${now.toFixed(2)} after ${QUIET_WAIT_MS / 1000} s: the figures below are for reading, not publishing`
	);
	return now;
}

/** One timed span in the page: what it took, and per request (path without query) the server's share. */
interface Span {
	total: number;
	requests: { path: string; server: number; duration: number }[];
}

/**
 * In the page: clicks `click` (a CSS selector), or navigates in the app to `href` through a link SvelteKit's
 * router takes, then waits until `until` (a CSS selector) matches an element whose text includes `text`
 * (and, with `locator`, the report page of that locator shows it; with `not`, its text differs from `not`).
 */
function timedInPage(
	page: Page,
	step: { click?: string; href?: string; until: string; text: string; locator?: string; not?: string }
): Promise<Span> {
	return page.evaluate(async ({ click, href, until, text, locator, not }) => {
		performance.clearResourceTimings();
		const canon = (t: string | null | undefined) => (t ?? '').replace(/[^0-9A-Z]/gi, '').toUpperCase();
		const met = () => {
			if (locator && canon(document.querySelector('[data-testid="report-locator"]')?.textContent) !== canon(locator))
				return false;
			return Array.from(document.querySelectorAll(until)).some(
				(e) => (e.textContent ?? '').includes(text) && (not === undefined || e.textContent !== not)
			);
		};
		const t0 = performance.now();
		const done = new Promise<number>((resolve) => {
			const obs = new MutationObserver(() => {
				if (met()) {
					obs.disconnect();
					resolve(performance.now());
				}
			});
			obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
		});
		if (href) {
			const a = document.createElement('a');
			a.href = href;
			document.body.appendChild(a);
			a.click();
			a.remove();
		} else (document.querySelector(click!) as HTMLElement).click();
		const end = await done;
		const requests = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
			.filter((r) => r.startTime >= t0 - 1 && r.startTime <= end)
			.map((r) => ({
				path: new URL(r.name).pathname.replace(/[0-9a-f-]{36}/g, ':id'),
				server: r.responseStart - r.requestStart,
				duration: r.duration
			}));
		return { total: end - t0, requests };
	}, step);
}

/** A full page load of `url`, measured from navigation start to the decrypted description with `text`. */
async function fullLoad(page: Page, url: string, text: string): Promise<Span> {
	await page.goto(url, { waitUntil: 'commit' });
	return page.evaluate(async (text) => {
		const met = () =>
			Array.from(document.querySelectorAll('[data-testid="report-description"]')).some((e) =>
				(e.textContent ?? '').includes(text)
			);
		const end = await new Promise<number>((resolve) => {
			if (met()) return resolve(performance.now());
			const obs = new MutationObserver(() => {
				if (met()) {
					obs.disconnect();
					resolve(performance.now());
				}
			});
			obs.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
		});
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		const requests = [
			{ path: 'document', server: nav.responseStart - nav.requestStart, duration: nav.responseEnd },
			...(performance.getEntriesByType('resource') as PerformanceResourceTiming[])
				.filter((r) => r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest')
				.map((r) => ({
					path: new URL(r.name).pathname.replace(/[0-9a-f-]{36}/g, ':id'),
					server: r.responseStart - r.requestStart,
					duration: r.duration
				}))
		];
		return { total: end, requests };
	}, text);
}

function summarize(name: string, spans: Span[], target: number): void {
	const totals = spans.map((s) => s.total);
	const p95 = pct(totals, 0.95);
	// Requests to the server in each span (a note or an action answers with the case view: one request).
	const counts = spans.map((s) => s.requests.length);
	console.log(
		`${name.padEnd(22)} p50 ${ms(pct(totals, 0.5))}  p95 ${ms(p95)}  max ${ms(Math.max(...totals))}  ` +
			`(target p95 < ${target} ms: ${p95 < target ? 'met' : 'missed'}); ` +
			`requests per span ${Math.min(...counts)}–${Math.max(...counts)}`
	);
	const byPath = new Map<string, { server: number[]; duration: number[] }>();
	for (const s of spans)
		for (const r of s.requests) {
			const e = byPath.get(r.path) ?? { server: [], duration: [] };
			e.server.push(r.server);
			e.duration.push(r.duration);
			byPath.set(r.path, e);
		}
	for (const [path, e] of byPath)
		console.log(
			`    ${path.padEnd(44)} ×${String(e.server.length).padStart(3)}  server p50 ${ms(pct(e.server, 0.5))}  ` +
				`whole request p50 ${ms(pct(e.duration, 0.5))}`
		);
}

async function main(): Promise<void> {
	// The harness starts servers on PostgreSQL when E2E_DB says so (read when a server starts).
	process.env.E2E_DB = 'postgres';
	process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
	console.log(`bench:latency, ${load()}`);
	const t0 = performance.now();
	const { server, keys } = await startWithKeyedDemo({
		signin: true,
		testKdf: true,
		organIds: [ORGAN],
		env: { POW_DIFFICULTY: '8', INTAKE_PER_HOUR: '100000' }
	});
	const browser = await launchBrowser();
	try {
		const inspector = keys.staff.find((s) => s.organId === ORGAN && s.role === 'inspector')!;
		console.log(
			`server on PostgreSQL ready in ${((performance.now() - t0) / 1000).toFixed(0)} s; sending ${REPORTS} reports`
		);
		const t1 = performance.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: 4 }, async () => {
				while (next < REPORTS) {
					const i = next++;
					const text = `基准测试举报内容 №${String(i).padStart(4, '0')}：该局长在工程招标中收受好处费。`;
					// A keep-alive connection the loaded server closed is retried (a few times at most).
					for (let attempt = 1; ; attempt++) {
						try {
							await submitAsReporter(server.url, {
								unit: KEYED_UNITS.countyDepartment.unitId,
								position: i % 2 ? 'team_member' : 'top_leader',
								person: `测试对象${i}`,
								description: text,
								files: []
							});
							break;
						} catch (e) {
							if ((e as { code?: string }).code !== 'network' || attempt >= 5) throw e;
						}
					}
				}
			})
		);
		console.log(`${REPORTS} reports sent in ${((performance.now() - t1) / 1000).toFixed(0)} s, ${load()}`);

		const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
		// tsx (esbuild) names arrow functions through a `__name` helper that page.evaluate's functions carry along.
		await context.addInitScript('globalThis.__name = (f) => f;');
		const page = await context.newPage();
		await page.goto(`${server.url}/staff/login`);
		await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
		await page.getByLabel('用户名').fill(inspector.username);
		await page.getByLabel('密码', { exact: true }).fill(inspector.password!);
		await page.getByRole('button', { name: '登录' }).click();
		await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
		await page.getByLabel('验证码').fill(totpCode(inspector.totpKey!));
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL(/\/staff(\?.*)?$/, { timeout: 60_000 });

		const inbox = (await (await page.request.get(`${server.url}/staff/api/inbox?limit=100`)).json()) as {
			items: { id: string; locator: string }[];
		};
		const items = inbox.items.slice(0, RUNS + 1);
		if (items.length < RUNS + 1) throw new Error(`only ${items.length} reports in the inbox`);
		const description = async () => (await page.getByTestId('report-description').textContent()) ?? '';

		await page.goto(`${server.url}/staff/reports/${items[0]!.id}`);
		const box = page.getByTestId('unlock');
		await box.locator('button[type="submit"]:not([disabled])').waitFor({ timeout: 60_000 });
		await box.getByLabel('登录密码').fill(inspector.password!);
		await box.getByRole('button', { name: '解锁' }).click();
		await page.getByTestId('report-description').waitFor({ timeout: 60_000 });

		// The reports sent, the inspector signed in: the machine settles before the runs (issue 18).
		const startLoad = await settle();
		const openApp: Span[] = [];
		const openLoad: Span[] = [];
		const register: Span[] = [];
		const note: Span[] = [];
		for (let r = 0; r < RUNS; r++) {
			const { id, locator } = items[r + 1]!;
			const previous = await description();
			// Open in the app, from the previous report's page: done when this report's locator and a new
			// decrypted description are on screen.
			openApp.push(
				await timedInPage(page, {
					href: `/staff/reports/${id}`,
					until: '[data-testid="report-description"]',
					text: '基准测试',
					locator,
					not: previous
				})
			);
			const text = await description();
			// Open as a page load (document, hydration, key stay, decrypt).
			openLoad.push(await fullLoad(page, `${server.url}/staff/reports/${id}`, text));
			// 登记.
			await page.getByTestId('action-select').selectOption('register');
			register.push(
				await timedInPage(page, {
					click: '[data-testid="action-form"] button[type="submit"]',
					until: '[data-testid="action-done"]',
					text: ''
				})
			);
			// An internal note, done when it shows decrypted in the list.
			const noteText = `基准测试备注 ${r}`;
			await page.getByTestId('note').fill(noteText);
			note.push(
				await timedInPage(page, {
					click: 'section[aria-labelledby="notes-h"] button[type="submit"]',
					until: '[data-testid="notes"] li',
					text: noteText
				})
			);
		}
		console.log(
			`\n${RUNS} runs over ${REPORTS} reports in the organ; 1-minute load ${startLoad.toFixed(2)} when the runs ` +
				`started, ${load()} at the end`
		);
		summarize('open (in the app)', openApp, TARGET.open);
		summarize('open (page load)', openLoad, TARGET.open);
		summarize('action 登记', register, TARGET.action);
		summarize('note (备注)', note, TARGET.action);
		await context.close();
	} finally {
		await browser.close();
		await server.stop();
	}
}

main().catch((e) => {
	console.error(e);
	process.exitCode = 1;
});
