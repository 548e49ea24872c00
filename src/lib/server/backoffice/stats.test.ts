/**
 * Back-office statistics over the database: access and jurisdiction, every figure of a known data set, withheld small counts, the CSV.
 */
import { expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { reportDeadline } from '$lib/server/db/schema';
import { backofficeStats, unitCounts } from './stats';
import { organInJurisdiction, statsAccess } from './stats-access';
import { statsCsv } from './stats-csv';
import { IDS, q, sortB } from '$support/stats-fixtures';
import { loadStatsWorld } from '$support/stats-world';

describeDb('back-office statistics', (get) => {
	it('loads the hand-made directory and reports', async () => {
		const { db } = get();
		const id = await loadStatsWorld(db, [
			{ id: IDS.headP, username: 'head-p', roles: { 'o-p': 'head' } },
			{ id: IDS.headC, username: 'head-c', roles: { 'o-c': 'head' } },
			{ id: IDS.headK, username: 'head-k', roles: { 'o-k': 'head' } },
			{ id: IDS.inspK, username: 'insp-k', roles: { 'o-k': 'inspector' } },
			{ id: IDS.admin, username: 'admin', isAdmin: true },
			{ id: IDS.headKandC, username: 'head-k-c', roles: { 'o-k': 'head', 'o-c': 'head' } }
		]);
		await db.insert(reportDeadline).values([
			{ reportId: id(1), code: 'acceptance_notice', startedOn: '2026-01-10', dueOn: '2026-01-31', metOn: '2026-02-03' },
			{ reportId: id(1), code: 'verification', startedOn: '2026-05-10', dueOn: '2026-06-01', metOn: null },
			{
				reportId: id(3),
				code: 'intake_after_transfer',
				startedOn: '2026-02-05',
				dueOn: '2026-02-12',
				metOn: '2026-02-10'
			},
			{ reportId: id(7), code: 'acceptance_notice', startedOn: '2026-02-15', dueOn: '2026-03-01', metOn: '2026-02-20' },
			{
				reportId: id(10),
				code: 'acceptance_notice',
				startedOn: '2026-05-05',
				dueOn: '2026-05-10',
				metOn: '2026-05-12'
			},
			{ reportId: id(6), code: 'forward_up', startedOn: '2025-12-31', dueOn: '2026-01-05', metOn: '2026-01-09' }
		]);
	});

	it('access: heads get their topmost organs, admins the top of the tree, inspectors nothing', async () => {
		const { db } = get();
		expect(await statsAccess(db, { id: IDS.inspK, isAdmin: false })).toBeNull();
		expect(await statsAccess(db, { id: IDS.headK, isAdmin: false })).toEqual({
			kind: 'head',
			roots: [{ id: 'o-k', name: '丙县纪委监委', level: 'county' }]
		});
		// Heading o-c and o-k below it: o-c alone covers both.
		expect((await statsAccess(db, { id: IDS.headKandC, isAdmin: false }))?.roots.map((r) => r.id)).toEqual(['o-c']);
		expect(await statsAccess(db, { id: IDS.admin, isAdmin: true })).toEqual({
			kind: 'admin',
			roots: [{ id: 'o-p', name: '甲省纪委监委', level: 'province' }]
		});
	});

	it('jurisdiction: an organ is in scope only at or below the member’s roots', async () => {
		const { db } = get();
		const k = (await statsAccess(db, { id: IDS.headK, isAdmin: false }))!;
		const c = (await statsAccess(db, { id: IDS.headC, isAdmin: false }))!;
		expect(await organInJurisdiction(db, k, 'o-c')).toBeNull(); // the county head does not see the city
		expect(await organInJurisdiction(db, k, 'o-k2')).toBeNull(); // nor the neighbouring county
		expect(await organInJurisdiction(db, k, 'o-kt')).toMatchObject({ id: 'o-kt', path: [{ id: 'o-k' }] });
		expect(await organInJurisdiction(db, c, 'o-kt')).toMatchObject({
			id: 'o-kt',
			path: [{ id: 'o-c' }, { id: 'o-k' }]
		});
		expect(await organInJurisdiction(db, c, 'o-p')).toBeNull();
		expect(await organInJurisdiction(db, c, 'nope')).toBeNull();
	});

	it('a county head’s figures: the county organ and its stationed team, nothing of the city', async () => {
		const { db } = get();
		const s = await backofficeStats(db, q(['o-k']));
		expect(s.total).toBe(5); // R1–R5 (R6 is before the period; R7 about 丙县 is held by the city)
		expect(s.open).toBe(3); // R1, R2, R5 (R3 concluded, R4 closed as no substance)
		expect(s.overdue).toBe(2); // R1 (06-01), R5 (03-08)
		expect(s.overdueRate).toBeCloseTo(2 / 3, 10);
		expect(s.concluded).toBe(1);
		expect(s.medianDaysToConclusion).toBe(30);
		expect(s.deadlinesMet).toBe(2); // R1 acceptance (late), R3 (on time)
		expect(s.deadlinesMetLate).toBe(1);
		expect(s.lateRate).toBe(0.5);
		expect(s.byMonth).toEqual([
			{ key: '2026-01', n: 2 },
			{ key: '2026-02', n: 2 },
			{ key: '2026-03', n: 1 },
			{ key: '2026-04', n: 0 },
			{ key: '2026-05', n: 0 },
			{ key: '2026-06', n: 0 }
		]);
		expect(sortB(s.byCategory)).toEqual({ integrity: 3, work: 1, life: 1 });
		expect(s.byCategory[0]).toEqual({ key: 'integrity', n: 3 });
		expect(sortB(s.byPosition)).toEqual({ team_member: 3, top_leader: 1, other_staff: 1 });
		expect(sortB(s.byDisposition)).toEqual({
			'': 2,
			preliminary_verification: 1,
			talk_inquiry: 1,
			to_investigation: 1
		});
		expect(sortB(s.byOutcome)).toEqual({ '': 4, 'handled:form2': 1 });
		expect(sortB(s.byState)).toEqual({ verification: 1, inquiry: 1, concluded: 1, no_substance: 1, registered: 1 });
		// Regions one level below 丙县: its department (4 reports, 2 overdue) and 丁镇 (1 report: withheld at min 2).
		expect(s.regions).toEqual([
			{ id: 'k-d1', name: '丙县教育局', regionPath: '甲省/乙市/丙县/丙县教育局', n: 4, overdue: 2 },
			{ id: 'k-t1', name: '丁镇', regionPath: '甲省/乙市/丙县/丁镇', n: null, overdue: null }
		]);
		expect(s.topUnits).toEqual([
			{ id: 'k-d1', name: '丙县教育局', regionPath: '甲省/乙市/丙县/丙县教育局', n: 4, overdue: 2 }
		]);
		expect(s.unitCount).toBe(2);
	});

	it('a city head’s figures include the counties below and roll units up to counties', async () => {
		const { db } = get();
		const s = await backofficeStats(db, q(['o-c']));
		expect(s.total).toBe(8); // R1–R5, R7, R8, R9 (not R10, held by the province)
		expect(s.open).toBe(5); // R1, R2, R5, R8, R9
		expect(s.overdue).toBe(3); // R1, R5, R8 (R9 is due today: not yet overdue)
		expect(s.concluded).toBe(2);
		expect(s.medianDaysToConclusion).toBe(20); // median of 30 and 10
		expect([s.deadlinesMet, s.deadlinesMetLate]).toEqual([3, 1]);
		expect(sortB(s.byOutcome)).toEqual({ '': 6, 'handled:form2': 1, closed: 1 });
		// 丙县: R1–R5 and R7 (about the county itself); 乙市财政局 and 戊县 one each (withheld).
		expect(s.regions.map((r) => [r.id, r.n])).toEqual([
			['k', 6],
			['c-d1', null],
			['k2', null]
		]);
		expect(s.regions[0]!.overdue).toBe(2);
		expect(s.unitCount).toBe(5); // k-d1, k-t1, k, c-d1, k2
		expect(s.topUnits.map((u) => [u.id, u.n])).toEqual([['k-d1', 4]]);
		// With no withholding every unit shows.
		const all = await unitCounts(db, q(['o-c'], 1));
		expect(all.map((u) => [u.id, u.n])).toEqual([
			['k-d1', 4],
			['c-d1', 1],
			['k', 1],
			['k-t1', 1],
			['k2', 1]
		]);
	});

	it('the whole tree (admin) and a narrower period', async () => {
		const { db } = get();
		const s = await backofficeStats(db, q(['o-p'], 1));
		expect(s.total).toBe(9);
		expect(s.medianDaysToConclusion).toBe(20); // 10, 20, 30
		expect([s.deadlinesMet, s.deadlinesMetLate]).toEqual([4, 2]);
		expect(s.regions.map((r) => [r.id, r.n])).toEqual([['c', 9]]); // everything is in 乙市
		const feb = await backofficeStats(db, { ...q(['o-p'], 1), from: '2026-02-01', to: '2026-02-28' });
		expect(feb.total).toBe(3); // R3, R4, R7
		expect(feb.byMonth).toEqual([{ key: '2026-02', n: 3 }]);
		expect(feb.overdue).toBe(0);
		expect(feb.overdueRate).toBeNull(); // nothing open
		const empty = await backofficeStats(db, { ...q(['o-k2']), from: '2027-01-01', to: '2027-01-31' });
		expect(empty).toMatchObject({
			total: 0,
			medianDaysToConclusion: null,
			lateRate: null,
			regions: [],
			topUnits: [],
			unitCount: 0
		});
	});

	it('the CSV holds the same numbers, with a BOM and safe cells', async () => {
		const { db } = get();
		const s = await backofficeStats(db, q(['o-k']));
		const csv = statsCsv(s, await unitCounts(db, q(['o-k'])), { organ: '=丙县纪委监委', labels: (_d, k) => k });
		expect(csv.startsWith('\uFEFF')).toBe(true);
		const lines = csv.slice(1).trimEnd().split('\r\n');
		expect(lines[0]).toBe('section,key,label,count,overdue');
		expect(lines).toContain(`scope,organ,'=丙县纪委监委,,`);
		expect(lines).toContain('summary,total,total,5,');
		expect(lines).toContain('summary,overdue,overdue,2,');
		expect(lines).toContain('month,2026-01,2026-01,2,');
		expect(lines).toContain('category,integrity,integrity,3,');
		expect(lines).toContain('outcome,handled:form2,handled:form2,1,');
		expect(lines).toContain('region,k-d1,甲省/乙市/丙县/丙县教育局,4,2');
		expect(lines).toContain(`region,k-t1,甲省/乙市/丙县/丁镇,<2,`);
		expect(lines).toContain('unit,k-d1,甲省/乙市/丙县/丙县教育局,4,2');
	});
});
