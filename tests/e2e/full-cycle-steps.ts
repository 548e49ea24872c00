/**
 * The full cycle by the rules (issue 18), as steps shared by full-cycle.e2e.ts (NaCl) and gm-full-cycle.e2e.ts
 * (the GM suite, issue 21): 银清县纪委监委 (o-sf-c01-k02) works a report about the 一把手 of 银清县教育局 by
 * its division of duties (seven people, each with their own sign-in, department and role; see
 * full-cycle.e2e.ts for the walk, step by step). `seedDivisionOfDuties` writes the people into a stopped
 * server's database; `fullCycleSteps` declares the steps from 信访室 to the reporter's follow-up, on the
 * report whose receipt the calling file's first test put in `world.receipt`.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index';
import { organDepartment, organDutyRule, organStaff, staffDuty, staffUser } from '../../src/lib/server/db/schema';
import type { DepartmentKind, DutyRole } from '../../src/lib/shared/vocabulary/departments';
import type { SuiteId } from '../../src/lib/crypto/suite-id';
import { loadDemoInto } from './demo';
import {
	expectNoAxeViolations,
	launchBrowser,
	newPhonePage,
	releaseStorage,
	startServer,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';
import { KEYED_UNITS, keyDemoInto, type KeyedDemoKeys, type KeyedDemoStaff } from './keyed-demo';
import { expectTimeline, signInStaff, unlockKey } from './staff-session';

export const ORGAN = 'o-sf-c01-k02';
export const UNIT = KEYED_UNITS.countyDepartment;

/** The organ's people for this test: account, name, organ role and duty. */
export const PEOPLE = {
	letters: { name: '李信访（信访室）', role: 'inspector', dept: 'letters', duty: 'member' },
	cases: { name: '周案管（案管室）', role: 'inspector', dept: 'case_management', duty: 'member' },
	supervision: { name: '吴监督（第一监督检查室主任）', role: 'inspector', dept: 'supervision', duty: 'dept_head' },
	leader: { name: '郑分管（分管领导）', role: 'head', dept: null, duty: 'organ_leader' },
	main: { name: '王书记（主要负责人）', role: 'head', dept: null, duty: 'main_leader' },
	investigator: { name: '陈调查（审查调查室）', role: 'inspector', dept: 'investigation', duty: 'member' },
	reviewer: { name: '孙审理（审理室）', role: 'inspector', dept: 'review', duty: 'member' }
} as const satisfies Record<
	string,
	{ name: string; role: 'inspector' | 'head'; dept: DepartmentKind | null; duty: DutyRole }
>;
export type Who = keyof typeof PEOPLE;

/**
 * Writes the organ's people, their duties and the organ's setting to work by them into a stopped server's
 * database (as the admin would at /staff/admin/departments); answers each person's staff id. Key them after
 * (`keyDemoInto(first, { signin: true, testKdf: true, organIds: [ORGAN] })`) and pass both to `keyedPeople`.
 */
export async function seedDivisionOfDuties(first: Server): Promise<Map<Who, string>> {
	const ids = new Map<Who, string>();
	const d = await openDatabase({ databaseUrl: first.databaseUrl, dataDir: first.dataDir ?? '', poolMax: 1 });
	try {
		const deps = await d.db.select().from(organDepartment).where(eq(organDepartment.organId, ORGAN));
		const depOf = (kind: DepartmentKind) => deps.find((x) => x.kind === kind)!.id;
		for (const [who, p] of Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]) {
			const id = randomUUID();
			ids.set(who, id);
			await d.db.insert(staffUser).values({
				id,
				username: `fc-${who}`,
				displayName: p.name,
				authSalt: new Uint8Array(16),
				authParams: { m: 65536, t: 3, p: 1 },
				authHash: '!demo-no-login' // a placeholder no password matches; demo:keys gives the real sign-in
			});
			await d.db.insert(organStaff).values({ staffId: id, organId: ORGAN, role: p.role });
			await d.db
				.insert(staffDuty)
				.values({ organId: ORGAN, staffId: id, departmentId: p.dept ? depOf(p.dept) : null, role: p.duty });
		}
		// The investigator also sits in the review office: 查审分离 must still keep them off this case's review.
		await d.db
			.insert(staffDuty)
			.values({ organId: ORGAN, staffId: ids.get('investigator')!, departmentId: depOf('review'), role: 'member' });
		await d.db.insert(organDutyRule).values({ organId: ORGAN, enforced: true, changedAt: new Date() });
		const check = await d.db
			.select({ id: staffDuty.id })
			.from(staffDuty)
			.where(and(eq(staffDuty.organId, ORGAN), inArray(staffDuty.staffId, [...ids.values()])));
		expect(check).toHaveLength(Object.keys(PEOPLE).length + 1);
	} finally {
		await d.close();
	}
	return ids;
}

/** The keyed accounts of the people seeded by `seedDivisionOfDuties`. */
export function keyedPeople(ids: Map<Who, string>, keys: KeyedDemoKeys): Map<Who, KeyedDemoStaff> {
	const account = new Map<Who, KeyedDemoStaff>();
	for (const [who, id] of ids) {
		const s = keys.staff.find((k) => k.staffId === id);
		expect(s?.password, `fc-${who} keyed with a sign-in`).toBeTruthy();
		account.set(who, s!);
	}
	return account;
}

/** What the steps work on: set by the calling file's beforeAll and first test. */
export interface CycleWorld {
	server: Server;
	browser: Browser;
	account: Map<Who, KeyedDemoStaff>;
	/** The receipt of the report the cycle works on. */
	receipt: { locator: string; secret: string };
}

/**
 * The world both cycle files start from (their beforeAll): the demo loaded, the organ's division of duties
 * seeded, its people keyed in `suite` (the server run with QF_CRYPTO_SUITE=gm for the GM suite), the server
 * started again on that storage, and a browser. Answers the keys. {@link stopCycleWorld} undoes it.
 */
export async function startCycleWorld(world: CycleWorld, suite: SuiteId = 'nacl'): Promise<KeyedDemoKeys> {
	const env: Record<string, string> = { POW_DIFFICULTY: '8', ...(suite === 'gm' ? { QF_CRYPTO_SUITE: 'gm' } : {}) };
	const first = await startServer({ keepStorage: true, env });
	let keys: KeyedDemoKeys;
	try {
		await first.stop();
		await loadDemoInto(first);
		// The organ's people, their duties, and the organ's setting to work by them.
		const ids = await seedDivisionOfDuties(first);
		keys = await keyDemoInto(first, { signin: true, testKdf: true, organIds: [ORGAN], suite });
		world.account = keyedPeople(ids, keys);
		world.server = await startServer({ reuse: first, keepStorage: true, env });
	} catch (e) {
		await releaseStorage(first);
		throw e;
	}
	world.browser = await launchBrowser();
	return keys;
}

/** The cycle files' afterAll: the browser closed, the server stopped and its storage removed. */
export async function stopCycleWorld(world: Partial<CycleWorld>): Promise<void> {
	await world.browser?.close();
	if (world.server) {
		await world.server.stop();
		await releaseStorage(world.server);
	}
}

export interface CycleHooks {
	/** More checks on 信访室's page of the case after it accepted the report (key unlocked, content shown). */
	opened?: (page: Page) => Promise<void>;
	/** More checks on the reporter's follow-up page once it reads 已办结. */
	followUp?: (page: Page) => Promise<void>;
}

/** Declares the steps (each an `it`, in order) from 信访室 to the reporter's follow-up. */
export function fullCycleSteps(w: CycleWorld, hooks: CycleHooks = {}): void {
	const desks = new Map<Who, { context: BrowserContext; page: Page }>();
	let reportUrl = '';
	let reportId = '';
	afterAll(async () => {
		for (const d of desks.values()) await d.context.close().catch(() => {});
	});

	/** Today in China (the server's working day), YYYY-MM-DD. */
	const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

	/** `who`'s own browser context, signed in once for the whole cycle. */
	async function deskOf(who: Who): Promise<Page> {
		let d = desks.get(who);
		if (!d) {
			d = await signInStaff(w.browser, w.server.url, w.account.get(who)!);
			desks.set(who, d);
		}
		return d.page;
	}

	const opened = new Set<Who>();
	/** `who`'s page on the case: opened and the key unlocked the first time; the same page, as it is, after. */
	async function caseOf(who: Who): Promise<Page> {
		const page = await deskOf(who);
		if (opened.has(who)) return page;
		await page.goto(reportUrl);
		await unlockKey(page, w.account.get(who)!.password!);
		await page.getByTestId('report-content').waitFor({ timeout: 60_000 });
		opened.add(who);
		return page;
	}

	const state = (page: Page) => page.getByTestId('report-state').textContent();

	/** Picks `action`, lets `fill` give its inputs, submits; resolves when done. */
	async function act(page: Page, action: string, fill?: () => Promise<void>): Promise<void> {
		await choose(page, action, fill);
		await page.getByTestId('action-done').waitFor({ timeout: 60_000 });
	}

	/** Picks `action`, gives its inputs, submits; resolves with the refusal the page shows. */
	async function refused(page: Page, action: string, fill?: () => Promise<void>): Promise<string> {
		await choose(page, action, fill);
		const error = page.getByTestId('action-error');
		await error.waitFor({ timeout: 60_000 });
		return (await error.textContent()) ?? '';
	}

	async function choose(page: Page, action: string, fill?: () => Promise<void>): Promise<void> {
		const form = page.getByTestId('action-form');
		await form.getByTestId('action-select').selectOption(action);
		await fill?.();
		await form.locator('button[type="submit"]').click();
	}

	/** The case's shortcut attempted straight at the staff API from `who`'s signed-in page: status and message. */
	async function apiRefusal(page: Page, path: string, body: unknown): Promise<{ status: number; zh: string }> {
		return page.evaluate(
			async ({ url, json }) => {
				const res = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', accept: 'application/json' },
					body: JSON.stringify(json)
				});
				const answer = (await res.json()) as { error?: { message?: { zh?: string } } };
				return { status: res.status, zh: answer.error?.message?.zh ?? '' };
			},
			{ url: `/staff/api/reports/${reportId}${path}`, json: body }
		);
	}

	it('信访室 registers and accepts; dispatching is the case-management office’s, refused to them', async () => {
		const page = await deskOf('letters');
		const canon = w.receipt.locator.replace(/[^0-9A-Z]/gi, '');
		const item = page.locator(`[data-testid="inbox-item"][data-locator="${canon}"]`);
		await item.waitFor({ timeout: 60_000 });
		await unlockKey(page, w.account.get('letters')!.password!);
		await item.getByRole('link').click();
		await page.waitForURL(/\/staff\/reports\/[0-9a-f-]+$/);
		reportUrl = page.url();
		reportId = reportUrl.split('/').pop()!;
		opened.add('letters');
		await page.getByTestId('report-content').waitFor();
		expect(await state(page)).toBe('已接收');
		await act(page, 'register');
		await act(page, 'accept');
		expect(await state(page)).toBe('已受理');
		// Shortcut 1: the letters office dispatching itself. Shown disabled with who takes it; the server refuses.
		await expect
			.poll(() => page.getByTestId('blocked-actions').locator('li[data-action="dispatch"]').textContent())
			.toBe('分办（由案件监督管理室办理）');
		const direct = await apiRefusal(page, '/actions', { action: 'dispatch' });
		expect(direct).toEqual({ status: 403, zh: '按本机关分工，您所在的部门或岗位不能办理此项' });
		expect(await state(page)).toBe('已受理');
		await hooks.opened?.(page);
	}, 300_000);

	it('案管室 dispatches it to the supervision office', async () => {
		const page = await caseOf('cases');
		await act(page, 'dispatch');
		expect(await state(page)).toBe('已分办，待处置');
	}, 300_000);

	it('监督检查室 records the collective study proposing 立案; filing and approving it are not theirs', async () => {
		const page = await caseOf('supervision');
		const study = page.getByTestId('study-form');
		await study.getByLabel('研究日期').fill(today());
		await study.getByLabel(PEOPLE.supervision.name).check();
		await study.getByLabel(PEOPLE.investigator.name).check();
		await study.getByLabel('研究结论（拟处置方式）').selectOption({ label: '立案审查调查' });
		await study.getByLabel('会议记录').fill('经集体排查，线索具体、可查性强，建议立案审查调查。');
		await study.getByRole('button', { name: '登记集体研究' }).click();
		const studies = page.getByTestId('studies');
		await expect.poll(() => studies.textContent(), { timeout: 60_000 }).toContain('待领导批准');
		expect(await studies.textContent()).toContain(`登记人 ${PEOPLE.supervision.name}`);
		expect(await studies.textContent()).toContain(PEOPLE.investigator.name);
		expect(await page.getByTestId('blocked-actions').locator('li[data-action="file_case"]').textContent()).toBe(
			'立案审查调查（由主要负责人办理）'
		);
		// Shortcut 2: approving one's own proposal. The page offers no button; the server refuses it.
		expect(await studies.getByRole('button', { name: '批准' }).count()).toBe(0);
		const view = await page.evaluate(async (id) => {
			const res = await fetch(`/staff/api/reports/${id}`, { headers: { accept: 'application/json' } });
			return (await res.json()) as { studies: { id: number }[] };
		}, reportId);
		const sid = view.studies[0]!.id;
		expect(await apiRefusal(page, `/studies/${sid}/approve`, {})).toEqual({
			status: 403,
			zh: '按本机关分工，您所在的部门或岗位不能办理此项'
		});
	}, 300_000);

	it('the main leader cannot file the case before the organ leader approved the study', async () => {
		const page = await caseOf('main');
		// Shortcut 3: filing without the approval of the proposal.
		const text = await refused(page, 'file_case', async () => {
			await page.getByTestId('action-note').fill('拟立案审查调查。');
		});
		expect(text).toBe('须先经集体排查研究并由领导批准处置意见');
		expect(await state(page)).toBe('已分办，待处置');
	}, 300_000);

	it('the organ leader, told a proposal awaits approval, approves the study', async () => {
		const desk = await deskOf('leader');
		const notices = desk.getByTestId('notices');
		await expect.poll(() => notices.getByTestId('notice-count').textContent(), { timeout: 60_000 }).toBe('1');
		await notices.getByRole('button', { name: /^通知/ }).click();
		const told = notices.getByRole('listitem').filter({ hasText: '待您审批' });
		const canon = (l: string | null) => (l ?? '').replace(/[^0-9A-Z]/gi, '').toUpperCase();
		expect(canon(await told.getByRole('link').textContent())).toBe(canon(w.receipt.locator));
		const page = await caseOf('leader');
		const studies = page.getByTestId('studies');
		await studies.getByRole('button', { name: '批准' }).click();
		await expect.poll(() => studies.textContent(), { timeout: 60_000 }).toContain(`已由${PEOPLE.leader.name}批准`);
		// The leader approves; filing stays the main leader's.
		expect(await page.getByTestId('blocked-actions').locator('li[data-action="file_case"]').textContent()).toBe(
			'立案审查调查（由主要负责人办理）'
		);
	}, 300_000);

	it('the main leader files the case, reported to the county committee’s main leader', async () => {
		const page = await caseOf('main');
		// Shortcut 4: filing against a county-managed cadre without the report to the committee.
		const text = await refused(page, 'file_case', async () => {
			await page.getByTestId('committee-report').waitFor();
			await page.getByTestId('action-note').fill('经集体排查并经分管领导批准，予以立案审查调查。');
		});
		expect(text).toBe('对同级党委管理的干部立案，须登记报同级党委主要负责人的情况：报告日期和报告对象');
		const committee = page.getByTestId('committee-report');
		await committee.getByLabel('报告日期').fill(today());
		await committee.getByLabel('报告对象（如：县委书记）').fill('银清县委书记');
		await expectNoAxeViolations(page);
		await page.getByTestId('action-form').locator('button[type="submit"]').click();
		await page.getByTestId('action-done').waitFor({ timeout: 60_000 });
		expect(await state(page)).toBe('立案审查调查');
		await expect
			.poll(() => page.getByTestId('event-committee').textContent())
			.toContain(`已于 ${today()} 报银清县委书记`);
	}, 300_000);

	it('审查调查室 sends it to review; the investigator may not review it (查审分离)', async () => {
		const page = await caseOf('investigator');
		await act(page, 'send_to_review', async () => {
			await page.getByTestId('action-note').fill('调查终结，移送审理。');
		});
		expect(await state(page)).toBe('案件审理');
		// Shortcut 5: the investigator, though in the review office too, reviewing their own case.
		await expect
			.poll(() => page.getByTestId('blocked-actions').locator('li[data-action="conclude"]').textContent())
			.toBe('审结（查审分离：您参与了本案调查，不能审理）');
		const direct = await apiRefusal(page, '/actions', {
			action: 'conclude',
			outcome: { kind: 'handled', form: 'form2', party: 'warning' }
		});
		expect(direct).toEqual({ status: 409, zh: '查审分离：本案的调查人员不能参与审理' });
	}, 300_000);

	it('审理室 concludes: form and sanction must agree; the decision is recorded with its document number', async () => {
		const page = await caseOf('reviewer');
		const outcome = async (party: string) => {
			const picker = page.getByTestId('outcome-picker');
			await picker.getByRole('radio', { name: '依规依纪依法处理' }).check();
			await page.locator('#act-outcome-form').selectOption('form2');
			await page.locator('#act-outcome-party').selectOption(party);
		};
		const decision = page.getByTestId('decision');
		// Shortcut 6: the second form with expulsion from the party (the decision given, so only the form is wrong).
		const text = await refused(page, 'conclude', async () => {
			await outcome('expulsion');
			await decision.getByLabel('决定机关').selectOption('discipline_committee');
			await decision.getByLabel('决定日期').fill(today());
			await decision.getByLabel('决定文号').fill('银纪发〔2026〕15号');
			await page.getByTestId('action-note').fill('经审理，事实清楚，证据确凿。');
		});
		expect(text).toBe('处分与所选的“四种形态”不一致（例如第二种形态不能给予开除党籍）');
		await outcome('warning');
		await page.getByTestId('accountability').getByLabel('诫勉').check();
		await expectNoAxeViolations(page);
		await page.getByTestId('action-form').locator('button[type="submit"]').click();
		await page.getByTestId('action-done').waitFor({ timeout: 60_000 });
		expect(await state(page)).toBe('已办结');
		await expect
			.poll(() => page.getByTestId('event-decision').textContent())
			.toContain(`处分决定：纪委常委会，${today()}，银纪发〔2026〕15号`);
		await expectTimeline(page, [
			'警告',
			'诫勉',
			...(['letters', 'cases', 'main', 'investigator', 'reviewer'] as const).map((p) => [p, PEOPLE[p].name] as const)
		]);
		// The same record in English.
		await page.goto(`${w.server.url}/en/staff/reports/${reportId}`);
		expect(await state(page)).toBe('Concluded');
		expect(await page.getByTestId('event-committee').textContent()).toContain(`Reported to 银清县委书记 on ${today()}`);
		expect(await page.getByTestId('event-decision').textContent()).toContain(
			`Decision: Standing committee of the discipline commission, ${today()}, 银纪发〔2026〕15号`
		);
	}, 300_000);

	it('the reporter’s follow-up reads 已办结', async () => {
		const { context, page } = await newPhonePage(w.browser);
		try {
			await page.goto(`${w.server.url}/follow-up`);
			await page.locator('#locator:enabled').waitFor();
			await page.getByLabel('查询码', { exact: true }).fill(w.receipt.locator);
			await page.getByLabel('查询密码', { exact: true }).fill(w.receipt.secret);
			await page.getByRole('button', { name: '查询', exact: true }).click();
			await page.getByTestId('status').waitFor({ timeout: 90_000 });
			expect(await page.getByTestId('status').textContent()).toContain('已办结');
			await hooks.followUp?.(page);
			// No staff member, department or document number reaches the reporter.
			const html = await page.content();
			for (const p of Object.values(PEOPLE)) expect(html).not.toContain(p.name);
			expect(html).not.toContain('银纪发');
		} finally {
			await context.close();
		}
	}, 300_000);
}
