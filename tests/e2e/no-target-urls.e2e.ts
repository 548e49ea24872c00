/**
 * No target in any URL (issue 14, "No target in URLs"): one reporter's whole visit on a phone, with every
 * request the browser makes captured at the context (pages, the dedicated crypto workers and the service
 * worker alike): the home page, /where (search, choose, route), the report form (unit search as you type,
 * routing preview, directory look-up, proof of work, submission, receipt), then /follow-up with the
 * receipt. No URL, path or query, decoded or not, may carry the unit's id (or its region's), its name,
 * the typed search, a position code, or the organ's id or name; the look-ups must have gone as POST
 * bodies. /where must leave nothing in the address bar or the history.
 *
 * The keyed demo (tests/e2e/keyed-demo.ts, cheap test KDF): 银清县教育局's team members go to 银清县纪委监委.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser, type Server } from './harness';
import { KEYED_UNITS, startWithKeyedDemo } from './keyed-demo';

const TARGET = KEYED_UNITS.countyDepartment; // 银清县教育局, sf-c01-k02-d04
const ORGAN_ID = TARGET.routes.team_member; // o-sf-c01-k02
const ORGAN_NAME = '银清县纪委监委';
const WHERE_QUERY = 'yqxjyj'; // initials of 银清县教育局
const REPORT_QUERY = '银清县教育';

let server: Server;
let browser: Browser;

beforeAll(async () => {
	const [keyed, b] = await Promise.all([
		startWithKeyedDemo({ env: { POW_DIFFICULTY: '8' }, testKdf: true, organIds: [ORGAN_ID] }),
		launchBrowser()
	]);
	server = keyed.server;
	browser = b;
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

interface Seen {
	url: string;
	method: string;
	from: 'page' | 'service-worker';
}

/** Every form a URL could carry a token in: as sent, percent-decoded, and with `+` read as a space. */
function readings(url: string): string[] {
	const out = [url];
	for (const s of [url, url.replace(/\+/g, ' ')]) {
		try {
			out.push(decodeURIComponent(s));
		} catch {
			// a malformed escape: the raw form is still checked
		}
	}
	return out;
}

/** The tokens of `forbidden` that `url` carries, in any reading (case-insensitive for ASCII). */
function leaks(url: string, forbidden: readonly string[]): string[] {
	const forms = readings(url).map((u) => u.toLowerCase());
	return forbidden.filter((t) => forms.some((u) => u.includes(t.toLowerCase())));
}

describe('no target in URLs', () => {
	it('the URL checker finds each kind of leak it is meant to find', () => {
		const forbidden = [TARGET.unitId, TARGET.name, 'team_member', ORGAN_ID];
		expect(leaks('http://x/api/v1/routing?unit=sf-c01-k02-d04&position=team_member', forbidden)).toEqual([
			TARGET.unitId,
			'team_member'
		]);
		expect(leaks(`http://x/api/v1/units?q=${encodeURIComponent(TARGET.name)}`, forbidden)).toEqual([TARGET.name]);
		expect(leaks('http://x/api/v1/directory?organ=O-SF-C01-K02', forbidden)).toEqual([ORGAN_ID]);
		expect(leaks('http://x/_app/immutable/chunks/abc.js', forbidden)).toEqual([]);
	});

	it('a reporter’s whole visit (home, /where, report, receipt, follow-up) puts no unit, post or organ in any URL', async () => {
		const started = Date.now();
		const context = await browser.newContext({
			viewport: { width: 360, height: 740 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			locale: 'zh-CN',
			serviceWorkers: 'allow'
		});
		// Under CI's parallel load the service worker's precache and the first page loads can take longer than
		// Playwright's default 30 s (CI once timed out on a waitFor here): every wait gets 90 s.
		context.setDefaultTimeout(90_000);
		const seen: Seen[] = [];
		// At the context: requests of every page, of dedicated workers and of the service worker.
		context.on('request', (r) => {
			seen.push({ url: r.url(), method: r.method(), from: r.serviceWorker() ? 'service-worker' : 'page' });
		});
		const page = await context.newPage();
		try {
			// A reporter who keeps the site for offline use (issue 16: a plain visit registers no service worker),
			// so the service worker's own requests are part of the visit too.
			await page.goto(`${server.url}/guide`);
			await page.getByTestId('offline-optin').click();
			await page.getByTestId('offline-kept').waitFor();
			// Home, then /where by its link.
			await page.goto(`${server.url}/`);
			await page.getByRole('link', { name: '先查一查：举报会交给谁' }).click();
			await page.waitForURL(/\/where$/);
			const historyAtWhere = await page.evaluate(() => history.length);
			await page.getByLabel('单位名称（可输入拼音或首字母，如 gxq）').fill(WHERE_QUERY);
			await page.getByRole('button', { name: '查找单位' }).click();
			const hit = page.getByRole('list').getByRole('button', { name: new RegExp(`${TARGET.name}$`) });
			await hit.first().waitFor({ timeout: 60_000 });
			await hit.first().click();
			await page.getByText(new RegExp(`所选单位：.*${TARGET.name}`)).waitFor();
			await page.getByLabel('领导班子成员').check();
			await page.getByRole('button', { name: '查看去向' }).click();
			const answer = page.getByTestId('routing-answer');
			await answer.waitFor();
			expect(await answer.getByRole('heading').textContent()).toBe(`这份举报将交给：${ORGAN_NAME}`);
			// /where leaves nothing in the address bar, and added no history entry per step.
			const where = await page.evaluate(() => ({
				search: location.search,
				hash: location.hash,
				path: location.pathname,
				length: history.length,
				state: JSON.stringify(history.state ?? null)
			}));
			expect(where).toMatchObject({ search: '', hash: '', path: '/where' });
			expect(where.length, 'history entries added by search, choose and route').toBe(historyAtWhere);
			for (const token of [TARGET.unitId, TARGET.name, 'team_member', ORGAN_ID, WHERE_QUERY])
				expect(where.state).not.toContain(token);

			// The report form.
			await page.goto(`${server.url}/report`);
			await page.locator('#unit-q:enabled').waitFor();
			await page.getByLabel('单位名称（可输入拼音或首字母，如 gxq）').fill(REPORT_QUERY);
			await page
				.locator('.hits .hit')
				.filter({ has: page.locator('.name', { hasText: new RegExp(`^${TARGET.name}$`) }) })
				.first()
				.click();
			await page.getByTestId('unit-selected').waitFor();
			await page.getByRole('radio', { name: '领导班子成员', exact: true }).check();
			await page.getByRole('button', { name: '下一步' }).click();
			await page.getByRole('heading', { name: /步骤 2\/3/ }).waitFor();
			await page.getByRole('radio', { name: /^廉洁纪律/ }).check();
			await page.getByLabel('具体情况').fill('副局长在教材采购中收受供应商礼金。');
			await page.getByRole('button', { name: '下一步' }).click();
			await page.getByRole('heading', { name: /步骤 3\/3/ }).waitFor();
			await page.getByTestId('recipients').waitFor();
			expect(await page.getByTestId('routing-preview').textContent()).toContain(ORGAN_NAME);
			await page.getByRole('button', { name: '加密并提交' }).click();
			const card = page.getByTestId('receipt');
			await card.waitFor({ timeout: 90_000 });
			const locator = (await card.getByTestId('receipt-locator').textContent())!.trim();
			const secret = (await card.getByTestId('receipt-secret').textContent())!.trim();

			// Follow-up with the receipt.
			page.on('dialog', (d) => void d.accept()); // "did you save your receipt?"
			await page.goto(`${server.url}/follow-up`);
			await page.locator('#locator:enabled').waitFor();
			await page.getByLabel('查询码', { exact: true }).fill(locator);
			await page.getByLabel('查询密码', { exact: true }).fill(secret);
			await page.getByRole('button', { name: '查询', exact: true }).click();
			await page.getByTestId('status').waitFor({ timeout: 90_000 });
			expect(await page.getByTestId('report-text').textContent()).toBe('副局长在教材采购中收受供应商礼金。');

			// Every URL of the visit: nothing of the target, of the post, of the organ or of the receipt.
			const forbidden = [
				TARGET.unitId,
				'sf-c01-k02', // its county (also the stem of the organ's id)
				TARGET.name,
				'银清县',
				ORGAN_ID,
				ORGAN_NAME,
				'top_leader',
				'team_member',
				'other_staff',
				WHERE_QUERY,
				REPORT_QUERY,
				locator,
				locator.replace('-', ''),
				secret,
				'unit=',
				'position=',
				'organ=',
				'q='
			];
			const leaked = seen.map((s) => ({ ...s, leaks: leaks(s.url, forbidden) })).filter((s) => s.leaks.length > 0);
			expect(leaked).toEqual([]);

			// The capture did see the look-ups, as POST bodies: a capture that missed them would prove nothing.
			const api = (p: string) => seen.filter((s) => s.url === `${server.url}${p}`);
			for (const p of [
				'/api/v1/units',
				'/api/v1/routing',
				'/api/v1/directory',
				'/api/v1/pow',
				'/api/v1/reports',
				'/api/v1/receipt/open',
				'/where?/search',
				'/where?/route'
			]) {
				expect(api(p).length, p).toBeGreaterThan(0);
				expect(new Set(api(p).map((s) => s.method)), p).toEqual(new Set(['POST']));
			}
			const origin = new URL(server.url).origin;
			expect(seen.filter((s) => !/^(data|blob):/.test(s.url) && new URL(s.url).origin !== origin)).toEqual([]);
			const bySource = { page: 0, 'service-worker': 0 };
			for (const s of seen) bySource[s.from]++;
			// The service worker's own fetches (its precache) were captured too.
			expect(bySource['service-worker']).toBeGreaterThan(0);
			console.log(
				`[no-target-urls.e2e] ${seen.length} requests checked (${bySource.page} from pages and workers, ` +
					`${bySource['service-worker']} from the service worker); visit took ${((Date.now() - started) / 1000).toFixed(1)} s`
			);
		} finally {
			await context.close();
		}
	}, 240_000);
});
