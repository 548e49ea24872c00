/**
 * The statistics counted per lead and per person (issue 17 item 6, issue 18 item 4): leads, persons and
 * person-times with the four forms per person, 查实率 with numerator and denominator, the staff's
 * classification over the reporter's guess, the 反映集中 view per unit (normalised by headcount), and small
 * counts: withheld from whoever may not open the cases, exact for whoever may.
 */
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { lead, leadPerson, leadReport, organKey, orgUnit, staffUser } from '$lib/server/db/schema';
import { backofficeStats, unitCounts } from './stats';
import { concentration, entitledOrgans, leadFigures } from './stats-leads';
import { statsCsv } from './stats-csv';
import { statsRequest } from './stats-request';
import { IDS, q, sortB } from '$support/stats-fixtures';
import { loadStatsWorld } from '$support/stats-world';

const L = (n: number) => `10000000-0000-4000-8000-00000000000${n}`;
const blind = (name: string) => new TextEncoder().encode(`blind:${name}`.padEnd(32, '.'));

describeDb('statistics per lead and per person', (get) => {
	it('loads the directory, the reports and a register of leads', async () => {
		const { db } = get();
		const r = await loadStatsWorld(db, [
			{ id: IDS.headK, username: 'head-k', roles: { 'o-k': 'head' } },
			{ id: IDS.inspK, username: 'insp-k', roles: { 'o-k': 'inspector' } },
			{ id: IDS.admin, username: 'admin', isAdmin: true },
			{ id: IDS.headKandC, username: 'head-k-c', roles: { 'o-k': 'head', 'o-c': 'head' } }
		]);
		await db.insert(organKey).values([
			{ organId: 'o-k', version: 1 },
			{ organId: 'o-c', version: 1 }
		]);
		const mk = (n: number, organId: string, at: string, x: Partial<typeof lead.$inferInsert> = {}) => ({
			id: L(n),
			organId,
			source: 'online',
			keyVersion: 1,
			details: new Uint8Array(1),
			receivedOn: new Date(at),
			...x
		});
		await db.insert(lead).values([
			// Staff classify R1, R2 (and R4, through the merge) as political; the reporters said integrity.
			mk(1, 'o-k', '2026-02-01T02:00:00Z', { category: 'political', state: 'concluded', outcome: 'handled:form1' }),
			// 00:30 on 2026-01-01 in Beijing: in the period although 2025-12-31 in UTC.
			mk(2, 'o-k', '2025-12-31T16:30:00Z', { state: 'concluded', outcome: 'cleared' }),
			mk(3, 'o-k', '2026-02-11T02:00:00Z', { state: 'merged', mergedInto: L(1) }),
			mk(4, 'o-k', '2026-03-01T02:00:00Z', {
				source: 'letter_visit',
				category: 'integrity',
				state: 'concluded',
				outcome: 'handled:form3'
			}),
			mk(5, 'o-c', '2026-02-16T02:00:00Z', { category: 'integrity', state: 'concluded', outcome: 'closed' }),
			// 23:30 on 2025-12-31 in Beijing: before the period.
			mk(6, 'o-k', '2025-12-31T15:30:00Z', { category: 'work' })
		]);
		const person = (n: number, leadN: number, organId: string, name: string) => ({
			id: `20000000-0000-4000-8000-00000000000${n}`,
			leadId: L(leadN),
			organId,
			keyVersion: 1,
			sealed: new Uint8Array(1),
			blindName: blind(name),
			blindNameUnit: blind(`${name}@unit`)
		});
		await db
			.insert(leadPerson)
			.values([
				person(1, 1, 'o-k', 'A'),
				person(2, 1, 'o-k', 'B'),
				person(3, 3, 'o-k', 'C'),
				person(4, 2, 'o-k', 'A'),
				person(5, 4, 'o-k', 'D'),
				person(6, 5, 'o-c', 'E'),
				person(7, 6, 'o-k', 'A')
			]);
		await db.insert(leadReport).values([
			{ leadId: L(1), reportId: r(1) },
			{ leadId: L(1), reportId: r(2) },
			{ leadId: L(3), reportId: r(4) },
			{ leadId: L(1), reportId: r(4) }, // the merge links the merged lead's reports to the root too
			{ leadId: L(2), reportId: r(3) },
			{ leadId: L(5), reportId: r(7) },
			{ leadId: L(6), reportId: r(6) }
		]);
		await db.update(orgUnit).set({ headcount: 40 }).where(eq(orgUnit.id, 'k-d1'));
	});

	it('counts leads, persons and person-times, with the four forms per person and 查实率', async () => {
		const { db } = get();
		const f = await leadFigures(db, q(['o-k']));
		// Roots L1, L2, L4 (L3 merged into L1, L5 another organ's, L6 before the period).
		expect(f.leads).toBe(3);
		// (L1: A, B, C via L3), (L2: A), (L4: D): five person-times, four persons, A in two leads.
		expect([f.personTimes, f.persons, f.repeated]).toEqual([5, 4, 1]);
		expect(sortB(f.byCategory)).toEqual({ political: 1, '': 1, integrity: 1 });
		expect(sortB(f.byOutcome)).toEqual({ 'handled:form1': 1, cleared: 1, 'handled:form3': 1 });
		expect(sortB(f.personTimesByOutcome)).toEqual({ 'handled:form1': 3, cleared: 1, 'handled:form3': 1 });
		expect(f.leadRate).toEqual({ substantiated: 2, concluded: 3, rate: 2 / 3 });
		expect(f.personRate).toEqual({ substantiated: 4, concluded: 5, rate: 4 / 5 });
		const empty = await leadFigures(db, { ...q(['o-k2']) });
		expect(empty).toMatchObject({ leads: 0, persons: 0, personTimes: 0, leadRate: { rate: null } });
	});

	it('uses the staff’s classification of reports where a lead holds one, and 查实率 of the reports', async () => {
		const { db } = get();
		for (const source of ['report', 'auto'] as const) {
			const s = await backofficeStats(db, q(['o-k']), { source });
			// R1, R2, R4 were integrity by the reporter, political by the staff (L1); R3's lead has no category.
			expect(sortB(s.byCategory)).toEqual({ political: 3, work: 1, life: 1 });
			expect(s.reclassified).toBe(3);
			expect(s.reportRate).toEqual({ substantiated: 1, concluded: 1, rate: 1 });
			expect(s.leads.leads).toBe(3);
		}
		const csv = statsCsv(await backofficeStats(db, q(['o-k'])), [], { organ: 'o-k', labels: (_d, k) => k });
		for (const l of [
			'rate,reports_substantiated,reports_substantiated,1,',
			'rate,person_times_concluded,person_times_concluded,5,',
			'persons,person_times,person_times,5,',
			'person_outcome,handled:form1,handled:form1,3,'
		])
			expect(csv).toContain(`\r\n${l}\r\n`);
		const c = await backofficeStats(db, q(['o-c']));
		expect(c.reportRate).toEqual({ substantiated: 1, concluded: 2, rate: 0.5 }); // R3 form2, R7 closed
		expect(c.leads.leadRate).toEqual({ substantiated: 2, concluded: 4, rate: 0.5 }); // L1, L2, L4, L5
	});

	it('反映集中: leads about each unit’s 一把手 and team, per 100 staff where known, sortable', async () => {
		const { db } = get();
		const mine = { ...q(['o-k']), entitledOrgans: ['o-k'] };
		const byTop = await concentration(db, mine, 'top');
		expect(byTop).toMatchObject({ units: 2, withheld: 0, unplaced: 1, sort: 'top' }); // L4 has no report
		expect(byTop.rows).toEqual([
			{
				id: 'k-t1',
				name: '丁镇',
				regionPath: '甲省/乙市/丙县/丁镇',
				topLeader: 1,
				team: 0,
				leadership: 1,
				headcount: null,
				per100: null
			},
			{
				id: 'k-d1',
				name: '丙县教育局',
				regionPath: '甲省/乙市/丙县/丙县教育局',
				topLeader: 0,
				team: 1,
				leadership: 1,
				headcount: 40,
				per100: 2.5
			}
		]);
		const byRate = await concentration(db, mine, 'rate');
		expect(byRate.rows.map((r) => [r.id, r.per100])).toEqual([
			['k-d1', 2.5],
			['k-t1', null]
		]);
		// The city's view: L5 concerns 丙县's 一把手 (R7). Equal totals: the 一把手 first, then by id.
		const city = await concentration(db, { ...q(['o-c'], 1) }, 'leadership');
		expect(city.rows.map((r) => [r.id, r.topLeader, r.team])).toEqual([
			['k', 1, 0],
			['k-t1', 1, 0],
			['k-d1', 0, 1]
		]);
	});

	it('small counts: withheld from who may not open the cases, exact for who may', async () => {
		const { db } = get();
		// Nobody entitled (the public rule): every count below 2 is withheld.
		const outside = await concentration(db, q(['o-k']), 'top');
		expect(outside).toMatchObject({ rows: [], units: 2, withheld: 2 });
		const publicLike = await backofficeStats(db, q(['o-k'], 5));
		expect(publicLike.regions.map((r) => [r.id, r.n])).toEqual([
			['k-t1', null],
			['k-d1', null]
		]);
		// The county's members open o-k's cases: 丁镇's one report (R3, o-k) is exact; 丙县教育局's four include
		// R5 held by the stationed team o-kt, which they cannot open: still withheld below 5.
		for (const source of ['report', 'auto'] as const) {
			const mine = await backofficeStats(db, { ...q(['o-k'], 5), entitledOrgans: ['o-k'] }, { source });
			expect(mine.regions.map((r) => [r.id, r.n])).toEqual([
				['k-t1', 1],
				['k-d1', null]
			]);
			expect(mine.topUnits.map((u) => [u.id, u.n])).toEqual([['k-t1', 1]]);
		}
		const csvUnits = await unitCounts(db, { ...q(['o-k'], 5), entitledOrgans: ['o-k', 'o-kt'] });
		expect(csvUnits.map((u) => [u.id, u.n])).toEqual([
			['k-d1', 4],
			['k-t1', 1]
		]);
	});

	it('who may open what: handlers of an organ, nobody else', async () => {
		const { db } = get();
		expect(await entitledOrgans(db, { id: IDS.headK, isAdmin: false })).toEqual(['o-k']);
		expect(await entitledOrgans(db, { id: IDS.headKandC, isAdmin: false })).toEqual(['o-c', 'o-k']);
		expect(await entitledOrgans(db, { id: IDS.admin, isAdmin: true })).toEqual([]);
		const req = await statsRequest(db, { id: IDS.headK, isAdmin: false }, new URLSearchParams('concentration=rate'));
		expect(req.ok && req.value.query).toMatchObject({ entitledOrgans: ['o-k'], concentrationSort: 'rate' });
		const bad = await statsRequest(db, { id: IDS.headK, isAdmin: false }, new URLSearchParams('concentration=x'));
		expect(bad).toMatchObject({ ok: false, code: 'invalid_field', field: 'concentration' });
		// A disabled account opens nothing any more.
		await db.update(staffUser).set({ disabledAt: new Date() }).where(eq(staffUser.id, IDS.headK));
		expect(await entitledOrgans(db, { id: IDS.headK, isAdmin: false })).toEqual([]);
	});
});
