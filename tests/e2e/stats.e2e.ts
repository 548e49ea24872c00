/**
 * The statistics page (/staff/stats) in Chromium against the production build: the demo province with
 * generated reports (written straight into the stopped server's storage), signed in as organ heads with
 * password and TOTP. Checks that the charts render on canvas with no CSP violation or console error, that
 * every chart's numbers are in its data table, that they equal an independent count of the generated rows,
 * that the downloaded CSV holds exactly the charts' numbers, the jurisdiction limits (a county head sees
 * nothing of the city, an inspector nothing at all), and no serious or critical axe findings.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index';
import { lead, leadPerson, leadReport, organKey, orgUnit, report } from '../../src/lib/server/db/schema';
import { mulberry32 } from '../../src/lib/server/demo/province';
import { rowsOf } from '../../src/lib/server/org/sql';
import { dateIn, monthBefore } from '../../src/lib/server/reports/dates';
import { eq, sql } from 'drizzle-orm';
import { loadDemoInto } from './demo';
import {
	expectNoAxeViolations,
	launchBrowser,
	releaseStorage,
	startServer,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';
import { keyDemoInto, totpCode, type KeyedDemoKeys, type KeyedDemoStaff } from './keyed-demo';

const CITY = 'o-sf-c01';
const COUNTY = 'o-sf-c01-k02';
const CATS = [
	'integrity',
	'integrity',
	'integrity',
	'four_styles',
	'four_styles',
	'work',
	'mass',
	'corruption_bribery',
	'abuse_of_power',
	'life'
];
const POSITIONS = ['top_leader', 'team_member', 'team_member', 'other_staff', 'other_staff'];
const STATES = [
	'received',
	'registered',
	'accepted',
	'inquiry',
	'verification',
	'hold_pending',
	'concluded',
	'concluded',
	'concluded',
	'no_substance'
];
const OUTCOMES = ['closed', 'cleared', 'handled:form1', 'handled:form1', 'handled:form2'];

let server: Server;
let browser: Browser;
let keys: KeyedDemoKeys;
let today: string;
let from: string;
/** What was inserted (clear fields), to count independently of the server; category: the staff's where a lead has one. */
const rows: {
	organId: string;
	unitId: string;
	receivedOn: string;
	category: string;
	state: string;
	outcome: string | null;
}[] = [];
/** The city's leads (issue 17 item 6): one per city-held report about a leader, received the same day. */
const leads: { unitId: string; top: boolean; outcome: string | null; persons: string[] }[] = [];
/** A unit of the city given a headcount (the 反映集中 table normalises by it). */
let sizedUnit = '';
/** Organ id → its ancestor organ ids. */
const organAncestors = new Map<string, string[]>();

function addDays(day: string, n: number): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** Reports over the units of 示范省 (most in 北泉市), with organs by a simple routing rule. */
async function seedReports(stopped: Server): Promise<void> {
	const d = await openDatabase({ databaseUrl: stopped.databaseUrl, dataDir: stopped.dataDir ?? '', poolMax: 1 });
	try {
		const units = rowsOf<{ id: string; organ: string; parent: string | null }>(
			await d.db.execute(sql`select u.id, min(j.organ_id) as organ, min(o.parent_organ_id) as parent from org_unit u
				join organ_jurisdiction j on j.unit_id = u.id join discipline_organ o on o.id = j.organ_id and o.kind = 'commission'
				group by u.id order by u.id`)
		);
		for (const o of rowsOf<{ id: string; ancestor_ids: string[] }>(
			await d.db.execute(sql`select id, ancestor_ids from discipline_organ`)
		)) {
			organAncestors.set(o.id, o.ancestor_ids);
		}
		const rand = mulberry32(4242);
		const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
		const inCity = units.filter((u) => u.id.startsWith('sf-c01'));
		const values = [];
		for (let i = 0; i < 700; i++) {
			// Three in four in 北泉市 (city sf-c01), the rest anywhere in the province; a few older than the period.
			const u = i % 4 === 3 ? pick(units) : pick(inCity);
			const position = pick(POSITIONS);
			const organId = position === 'top_leader' && u.parent ? u.parent : u.organ;
			const receivedOn = i % 50 === 0 ? addDays(today, -500 - i) : addDays(today, -Math.floor(rand() * 330));
			const state = pick(STATES);
			const end = addDays(receivedOn, 5 + Math.floor(rand() * 60));
			const concludedOn = state === 'concluded' ? (end < today ? end : today) : null;
			const open = !['concluded', 'no_substance'].includes(state);
			const category = pick(CATS);
			const outcome = state === 'concluded' ? pick(OUTCOMES) : null;
			rows.push({ organId, unitId: u.id, receivedOn, category, state, outcome });
			values.push({
				locator: `E${String(i).padStart(9, '0')}`,
				unitId: u.id,
				position,
				category,
				realName: rand() < 0.2,
				escalate: false,
				organId,
				receivedOn,
				publicStatus: state === 'concluded' ? 'concluded' : state === 'no_substance' ? 'returned' : 'handling',
				concludedOn,
				state,
				disposition:
					state === 'inquiry'
						? 'talk_inquiry'
						: state === 'verification'
							? 'preliminary_verification'
							: state === 'hold_pending'
								? 'hold_pending'
								: state === 'concluded'
									? 'close'
									: null,
				outcome,
				nextDueOn: open && state !== 'hold_pending' ? addDays(receivedOn, 10 + Math.floor(rand() * 40)) : null,
				content: new Uint8Array([1, 2, 3]),
				contentBytes: 3,
				kdfSpec: new Uint8Array([1]),
				authHash: new Uint8Array([i & 255, i >> 8]),
				receiptWrapped: new Uint8Array([2])
			});
		}
		const ids: string[] = [];
		for (let i = 0; i < values.length; i += 200)
			ids.push(
				...(
					await d.db
						.insert(report)
						.values(values.slice(i, i + 200))
						.returning({ id: report.id })
				).map((r) => r.id)
			);
		await seedLeads(d.db, values, ids, rand);
	} finally {
		await d.close();
	}
}

/**
 * Leads of the city organ for its reports about the 一把手 or a team member received in the period: the
 * staff classify every third one as political (the category chart follows them), persons from a pool of 12
 * blind names (so some repeat), outcomes as the report's.
 */
async function seedLeads(
	db: Awaited<ReturnType<typeof openDatabase>>['db'],
	values: { organId: string; unitId: string; position: string; receivedOn: string; outcome: string | null }[],
	ids: string[],
	rand: () => number
): Promise<void> {
	await db.insert(organKey).values({ organId: CITY, version: 1 });
	let n = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i]!;
		if (v.organId !== CITY || v.position === 'other_staff' || v.receivedOn < from) continue;
		const id = `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
		const political = n % 3 === 0;
		if (political) rows[i]!.category = 'political';
		const persons = [`p${Math.floor(rand() * 12)}`, ...(n % 4 === 0 ? [`q${n}`] : [])];
		await db.insert(lead).values({
			id,
			organId: CITY,
			source: 'online',
			state: v.outcome ? 'concluded' : 'registered',
			category: political ? 'political' : null,
			outcome: v.outcome,
			keyVersion: 1,
			details: new Uint8Array([1]),
			receivedOn: new Date(`${v.receivedOn}T04:00:00Z`)
		});
		await db.insert(leadPerson).values(
			persons.map((p, k) => ({
				id: `40000000-0000-4000-8000-${String(n * 10 + k).padStart(12, '0')}`,
				leadId: id,
				organId: CITY,
				keyVersion: 1,
				sealed: new Uint8Array([1]),
				blindName: new TextEncoder().encode(p.padEnd(32, '.')),
				blindNameUnit: new TextEncoder().encode(`${p}@`.padEnd(32, '.'))
			}))
		);
		await db.insert(leadReport).values({ leadId: id, reportId: ids[i]! });
		leads.push({ unitId: v.unitId, top: v.position === 'top_leader', outcome: v.outcome, persons });
		n++;
	}
	sizedUnit = leads[0]!.unitId;
	await db.update(orgUnit).set({ headcount: 50 }).where(eq(orgUnit.id, sizedUnit));
}

const inScope = (organ: string) => (r: { organId: string; receivedOn: string }) =>
	(r.organId === organ || (organAncestors.get(r.organId) ?? []).includes(organ)) &&
	r.receivedOn >= from &&
	r.receivedOn <= today;

beforeAll(async () => {
	today = dateIn('Asia/Shanghai', new Date());
	from = `${monthBefore(today, 11)}-01`;
	const first = await startServer({ keepStorage: true });
	try {
		await first.stop();
		await loadDemoInto(first);
		keys = await keyDemoInto(first, { signin: true, testKdf: true });
		await seedReports(first);
		server = await startServer({ reuse: first, keepStorage: true });
	} catch (e) {
		await releaseStorage(first);
		throw e;
	}
	browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
	await browser?.close();
	if (server) {
		await server.stop();
		await releaseStorage(server);
	}
});

const usedStep = new Map<string, number>();
async function signIn(s: KeyedDemoStaff): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
	const context = await browser.newContext({
		viewport: { width: 1280, height: 900 },
		locale: 'zh-CN',
		acceptDownloads: true
	});
	const page = await context.newPage();
	const problems: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(e.message));
	await page.goto(`${server.url}/staff/login`);
	try {
		await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
	} catch (e) {
		const main = await page
			.locator('main')
			.innerText()
			.catch(() => '');
		throw new Error(
			`sign-in form never became ready at ${page.url()}: ${JSON.stringify(problems)} ${main.slice(0, 300)}\n${server.output().slice(-2000)}`,
			{ cause: e }
		);
	}
	await page.getByLabel('用户名').fill(s.username);
	await page.getByLabel('密码', { exact: true }).fill(s.password!);
	await page.getByRole('button', { name: '登录' }).click();
	await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
	const step = () => Math.floor(Date.now() / 30_000);
	while (step() <= (usedStep.get(s.staffId) ?? 0)) await new Promise((r) => setTimeout(r, 500));
	usedStep.set(s.staffId, step());
	await page.getByLabel('验证码').fill(totpCode(s.totpKey!, Date.now()));
	await page.getByRole('button', { name: '验证' }).click();
	await page.waitForURL(/\/staff(\?.*)?$/, { timeout: 60_000 });
	return { context, page, problems };
}

const staffOf = (organ: string, role: 'head' | 'inspector') => {
	const s = keys.staff
		.filter((k) => k.organId === organ && k.role === role)
		.sort((a, b) => a.staffId.localeCompare(b.staffId))[0];
	expect(s?.password, `a keyed ${role} of ${organ} with sign-in`).toBeTruthy();
	return s!;
};

/** A chart's keys and values as drawn (the canvas's data) and as listed in its data table. */
async function chartData(
	page: Page,
	id: string
): Promise<{ keys: string[]; values: (number | null)[]; table: Map<string, string> }> {
	const canvas = page.getByTestId(`chart-${id}`);
	const keys = JSON.parse((await canvas.getAttribute('data-labels'))!) as string[];
	const values = JSON.parse((await canvas.getAttribute('data-values'))!) as (number | null)[];
	const table = new Map<string, string>();
	for (const tr of await page.getByTestId(`table-${id}`).locator('tbody tr').all()) {
		table.set((await tr.getAttribute('data-key'))!, (await tr.locator('td').first().getAttribute('data-n'))!);
	}
	return { keys, values, table };
}

function countBy<T>(list: T[], key: (t: T) => string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
	return out;
}

describe('statistics page', () => {
	it('a city head sees charts of the city and the counties below, equal to the rows and to the CSV', async () => {
		const head = staffOf(CITY, 'head');
		const { context, page, problems } = await signIn(head);
		try {
			const res = await page.goto(`${server.url}/staff/stats`, { waitUntil: 'networkidle' });
			expect(res?.status()).toBe(200);
			expect(await page.getByTestId('stats-organ-name').innerText()).toBe('北泉市纪委监委');
			const html = await res!.text();
			expect(html).not.toMatch(/\sstyle="/); // no style attributes in our markup (chart.js uses the CSSOM)

			// Every chart is drawn on a canvas with something painted on it.
			for (const id of ['month', 'category', 'position', 'disposition', 'outcome', 'region', 'units']) {
				const canvas = page.getByTestId(`chart-${id}`);
				await canvas.waitFor();
				const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
					const ctx = c.getContext('2d')!;
					const px = ctx.getImageData(0, 0, c.width, c.height).data;
					let n = 0;
					for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
					return { w: c.width, h: c.height, n };
				});
				expect(painted.w, `chart ${id} width`).toBeGreaterThan(100);
				expect(painted.n, `chart ${id} painted pixels`).toBeGreaterThan(500);
			}

			// The numbers against an independent count of the inserted rows.
			const mine = rows.filter(inScope(CITY));
			expect(mine.length).toBeGreaterThan(300);
			expect(rows.filter((r) => !inScope(CITY)(r)).length).toBeGreaterThan(50); // others exist and are left out
			const summary = async (key: string) =>
				(await page.getByTestId('stats-summary').locator(`[data-key="${key}"] dd`).innerText()).trim();
			expect(Number(await summary('total'))).toBe(mine.length);
			const month = await chartData(page, 'month');
			const expectedMonths = countBy(mine, (r) => r.receivedOn.slice(0, 7));
			expect(month.keys.length).toBe(12);
			expect(Object.fromEntries(month.keys.map((k, i) => [k, month.values[i]]).filter(([, v]) => v !== 0))).toEqual(
				expectedMonths
			);
			const category = await chartData(page, 'category');
			expect(Object.fromEntries(category.keys.map((k, i) => [k, category.values[i]]))).toEqual(
				countBy(mine, (r) => r.category)
			);
			// No chart by report kind (issue 19): the kind is inside the ciphertext only.
			expect(await page.getByTestId('chart-kind').count()).toBe(0);
			expect(Number(await summary('concluded'))).toBe(mine.filter((r) => r.state === 'concluded').length);

			// The data tables hold the charts' numbers.
			await page.getByText('显示数据表').first().click();
			const charts: Record<string, Awaited<ReturnType<typeof chartData>>> = {};
			for (const id of ['month', 'category', 'position', 'disposition', 'outcome', 'region', 'units']) {
				const c = await chartData(page, id);
				charts[id] = c;
				expect(c.keys.length, `chart ${id} has data`).toBeGreaterThan(0);
				expect([...c.table.keys()], `table ${id} keys`).toEqual(c.keys);
				expect([...c.table.values()], `table ${id} values`).toEqual(c.values.map((v) => (v === null ? '' : String(v))));
			}
			// Counted per lead and per person (人次), 查实率 with numerator and denominator (issues 17, 18).
			const figure = async (testId: string, key: string) =>
				(await page.getByTestId(testId).locator(`[data-key="${key}"] dd`).innerText()).trim();
			const names = countBy(
				leads.flatMap((l) => l.persons),
				(p) => p
			);
			expect(leads.length).toBeGreaterThan(20);
			expect(Number(await figure('stats-persons', 'leads'))).toBe(leads.length);
			expect(Number(await figure('stats-persons', 'persons'))).toBe(Object.keys(names).length);
			expect(Number(await figure('stats-persons', 'person_times'))).toBe(leads.flatMap((l) => l.persons).length);
			expect(Number(await figure('stats-persons', 'repeated'))).toBe(Object.values(names).filter((n) => n >= 2).length);
			const ratio = (list: { outcome: string | null; w: number }[]) => {
				const concluded = list.filter((x) => x.outcome).reduce((a, x) => a + x.w, 0);
				const found = list.filter((x) => x.outcome?.startsWith('handled:')).reduce((a, x) => a + x.w, 0);
				return `（${found} ÷ ${concluded}）`;
			};
			expect(await figure('stats-rates', 'reports')).toContain(ratio(mine.map((r) => ({ outcome: r.outcome, w: 1 }))));
			expect(await figure('stats-rates', 'persons')).toContain(
				ratio(leads.map((l) => ({ outcome: l.outcome, w: l.persons.length })))
			);
			expect(await page.getByTestId('stats-reclassified').innerText()).toContain(
				String(mine.filter((r) => r.category === 'political').length)
			);
			// 反映集中: the city head may open every lead of the city, so nothing is withheld.
			const conc = page.getByTestId('conc-table');
			const topOf = (unit: string) => leads.filter((l) => l.unitId === unit && l.top).length;
			const firstUnit = await conc.locator('tbody tr').first().getAttribute('data-key');
			expect(topOf(firstUnit!)).toBe(Math.max(...leads.map((l) => topOf(l.unitId))));
			expect(await page.getByTestId('conc-counts').innerText()).toBe(
				`共 ${new Set(leads.map((l) => l.unitId)).size} 个单位有涉及领导班子的线索。`
			);

			// The heat map has a cell per region with a class and an accessible text.
			const cells = page.getByTestId('heat-map').locator('li');
			expect(await cells.count()).toBe(charts.region!.keys.length);
			expect(await cells.first().locator('.visually-hidden').innerText()).toMatch(/件/);

			await expectNoAxeViolations(page);

			// The CSV download: same numbers as the charts and the overview.
			const downloading = page.waitForEvent('download');
			await page.getByTestId('stats-csv').click();
			const download = await downloading;
			expect(download.suggestedFilename()).toMatch(/^qingfeng-stats-o-sf-c01-.*\.csv$/);
			const raw = readFileSync((await download.path())!, 'utf8');
			expect(raw.charCodeAt(0)).toBe(0xfeff);
			const parsed = Papa.parse<string[]>(raw.slice(1), { skipEmptyLines: true }).data;
			expect(parsed[0]).toEqual(['section', 'key', 'label', 'count', 'overdue']);
			const section = (name: string) => parsed.filter((r) => r[0] === name);
			const dimOf: Record<string, string> = {
				month: 'month',
				category: 'category',
				position: 'position',
				disposition: 'disposition',
				outcome: 'outcome',
				region: 'region'
			};
			for (const [chart, sec] of Object.entries(dimOf)) {
				const c = charts[chart]!;
				const csvRows = section(sec);
				expect(
					csvRows.map((r) => r[1]),
					`CSV ${sec} keys`
				).toEqual(c.keys);
				expect(
					csvRows.map((r) => r[3]),
					`CSV ${sec} counts`
				).toEqual(c.values.map((v) => (v === null ? '<5' : String(v))));
			}
			const units = section('unit');
			expect(units.slice(0, charts.units!.keys.length).map((r) => [r[1], r[3]])).toEqual(
				charts.units!.keys.map((k, i) => [k, String(charts.units!.values[i])])
			);
			const shown = units.filter((r) => r[3] !== '<5').reduce((a, r) => a + Number(r[3]), 0);
			const hidden = units.filter((r) => r[3] === '<5').length;
			expect(shown + hidden).toBeLessThanOrEqual(mine.length);
			expect(shown + hidden * 4).toBeGreaterThanOrEqual(mine.length); // withheld units hold 1–4 each
			for (const key of ['total', 'open', 'overdue', 'concluded', 'deadlines_met', 'deadlines_met_late']) {
				expect(section('summary').find((r) => r[1] === key)?.[3], `CSV summary ${key}`).toBe(await summary(key));
			}
			const csvRate = Number(section('summary').find((r) => r[1] === 'overdue_rate')?.[3]);
			expect(Math.abs(csvRate * 100 - Number((await summary('overdue_rate')).replace('%', '')))).toBeLessThan(0.051);
			expect(section('scope').find((r) => r[1] === 'organ')?.[2]).toBe('北泉市纪委监委');

			// Sorted per 100 staff: the one unit whose headcount the directory knows comes first, n/a below it.
			await page.getByTestId('conc-sort-rate').click();
			await page.waitForURL(/concentration=rate/);
			const sized = leads.filter((l) => l.unitId === sizedUnit).length;
			const first = page.getByTestId('conc-table').locator('tbody tr').first();
			expect(await first.getAttribute('data-key')).toBe(sizedUnit);
			expect((await first.locator('td').allInnerTexts()).slice(-2)).toEqual(['50', ((100 * sized) / 50).toFixed(2)]);
			expect(await page.getByTestId('conc-table').locator('tbody tr').nth(1).locator('td').last().innerText()).toBe(
				'无数据'
			);
			// The same in English, axe-clean.
			await page.goto(`${server.url}/en/staff/stats?organ=${CITY}&from=${from}&to=${today}&concentration=rate`, {
				waitUntil: 'networkidle'
			});
			expect(await page.getByTestId('conc-table').locator('caption').innerText()).toMatch(/sorted by Per 100 staff/);
			expect(await page.getByTestId('conc-table').locator('tbody tr').nth(1).locator('td').last().innerText()).toBe(
				'n/a'
			);
			expect(await figure('stats-persons', 'leads')).toBe(String(leads.length));
			await expectNoAxeViolations(page);

			// Drilling down to a county: its own figures.
			await page.goto(`${server.url}/staff/stats?organ=${COUNTY}&from=${from}&to=${today}`, {
				waitUntil: 'networkidle'
			});
			expect(Number(await summary('total'))).toBe(rows.filter(inScope(COUNTY)).length);
			expect(
				await page.getByRole('navigation', { name: '机关层级' }).getByRole('link', { name: '北泉市纪委监委' }).count()
			).toBe(1);
			expect(problems).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it('a county head sees the county only; an inspector has no statistics', async () => {
		const countyHead = staffOf(COUNTY, 'head');
		const { context, page, problems } = await signIn(countyHead);
		try {
			const ok = await page.goto(`${server.url}/staff/stats`, { waitUntil: 'networkidle' });
			expect(ok?.status()).toBe(200);
			expect(await page.getByTestId('stats-organ-name').innerText()).toBe('银清县纪委监委');
			expect(Number(await page.getByTestId('stats-summary').locator('[data-key="total"] dd').innerText())).toBe(
				rows.filter(inScope(COUNTY)).length
			);
			// The city above is outside the jurisdiction: page, JSON and CSV refuse.
			expect((await page.goto(`${server.url}/staff/stats?organ=${CITY}`))?.status()).toBe(403);
			expect((await context.request.get(`${server.url}/staff/api/stats.csv?organ=${CITY}`)).status()).toBe(403);
			expect((await context.request.get(`${server.url}/staff/api/stats?organ=${CITY}`)).status()).toBe(403);
			const own = await context.request.get(`${server.url}/staff/api/stats?organ=${COUNTY}&from=${from}&to=${today}`);
			expect(own.status()).toBe(200);
			expect(((await own.json()) as { total: number }).total).toBe(rows.filter(inScope(COUNTY)).length);
			expect(problems.filter((p) => !/403/.test(p))).toEqual([]);
		} finally {
			await context.close();
		}
		const inspector = staffOf(CITY, 'inspector');
		const insp = await signIn(inspector);
		try {
			expect((await insp.page.goto(`${server.url}/staff/stats`))?.status()).toBe(403);
			expect((await insp.context.request.get(`${server.url}/staff/api/stats.csv`)).status()).toBe(403);
		} finally {
			await insp.context.close();
		}
		// Signed out: no figures.
		expect((await fetch(`${server.url}/staff/api/stats.csv`)).status).toBe(401);
	});
});
