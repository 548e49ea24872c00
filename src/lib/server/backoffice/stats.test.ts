import { describe, expect, it } from 'vitest';
import { describeDb } from '$lib/server/db/testing';
import { report, reportDeadline, staffUser } from '$lib/server/db/schema';
import { replaceOrgData } from '$lib/server/org/store';
import type { OrgData } from '$lib/server/org/types';
import { backofficeStats, medianOf, quantileClasses, unitCounts } from './stats';
import { organInJurisdiction, statsAccess } from './stats-access';
import { monthsBetween, type StatsQuery } from './stats-queries';
import { statsCsv, csvCell } from './stats-csv';

/**
 * A hand-made directory: province p (organ o-p) › city c (o-c) › counties k (o-k, with a stationed team
 * o-kt in its department k-d1) and k2 (o-k2). Every expected number below is counted by hand from the
 * report table in the comment.
 */
const U = (
	id: string,
	parentId: string | null,
	name: string,
	level: OrgData['units'][number]['level'],
	path: string
) => ({ id, parentId, name, level, regionPath: path });
const ORG: OrgData = {
	units: [
		U('p', null, '甲省', 'province', '甲省'),
		U('p-d1', 'p', '甲省教育厅', 'province', '甲省/甲省教育厅'),
		U('p-jw', 'p', '甲省纪委监委', 'province', '甲省/甲省纪委监委'),
		U('c', 'p', '乙市', 'city', '甲省/乙市'),
		U('c-d1', 'c', '乙市财政局', 'city', '甲省/乙市/乙市财政局'),
		U('c-jw', 'c', '乙市纪委监委', 'city', '甲省/乙市/乙市纪委监委'),
		U('k', 'c', '丙县', 'county', '甲省/乙市/丙县'),
		U('k-d1', 'k', '丙县教育局', 'county', '甲省/乙市/丙县/丙县教育局'),
		U('k-jw', 'k', '丙县纪委监委', 'county', '甲省/乙市/丙县/丙县纪委监委'),
		U('k-t1', 'k', '丁镇', 'township', '甲省/乙市/丙县/丁镇'),
		U('k2', 'c', '戊县', 'county', '甲省/乙市/戊县'),
		U('k2-jw', 'k2', '戊县纪委监委', 'county', '甲省/乙市/戊县/戊县纪委监委')
	],
	organs: [
		{
			id: 'o-p',
			name: '甲省纪委监委',
			kind: 'commission',
			level: 'province',
			unitId: 'p-jw',
			hostUnitId: null,
			parentOrganId: null
		},
		{
			id: 'o-c',
			name: '乙市纪委监委',
			kind: 'commission',
			level: 'city',
			unitId: 'c-jw',
			hostUnitId: null,
			parentOrganId: 'o-p'
		},
		{
			id: 'o-k',
			name: '丙县纪委监委',
			kind: 'commission',
			level: 'county',
			unitId: 'k-jw',
			hostUnitId: null,
			parentOrganId: 'o-c'
		},
		{
			id: 'o-kt',
			name: '丙县纪委监委驻教育局纪检监察组',
			kind: 'stationed_team',
			level: 'county',
			unitId: null,
			hostUnitId: 'k-d1',
			parentOrganId: 'o-k'
		},
		{
			id: 'o-k2',
			name: '戊县纪委监委',
			kind: 'commission',
			level: 'county',
			unitId: 'k2-jw',
			hostUnitId: null,
			parentOrganId: 'o-c'
		}
	],
	jurisdiction: [],
	staff: [],
	conflicts: [],
	posts: []
};

const IDS = {
	headP: '00000000-0000-4000-8000-000000000001',
	headC: '00000000-0000-4000-8000-000000000002',
	headK: '00000000-0000-4000-8000-000000000003',
	inspK: '00000000-0000-4000-8000-000000000004',
	admin: '00000000-0000-4000-8000-000000000005',
	headKandC: '00000000-0000-4000-8000-000000000006'
};

const TODAY = '2026-06-15';
const PERIOD = { from: '2026-01-01', to: '2026-06-30' };

let seq = 0;
function row(r: {
	organ: string;
	unit: string;
	on: string;
	cat: string;
	pos: string;
	kind: string;
	state: string;
	disp?: string;
	outcome?: string;
	due?: string;
	concluded?: string;
}) {
	return {
		locator: `S${String(seq++).padStart(9, '0')}`,
		unitId: r.unit,
		position: r.pos,
		kind: r.kind,
		category: r.cat,
		realName: false,
		escalate: false,
		organId: r.organ,
		receivedOn: r.on,
		concludedOn: r.concluded ?? null,
		publicStatus: r.concluded ? 'concluded' : 'received',
		state: r.state,
		disposition: r.disp ?? null,
		outcome: r.outcome ?? null,
		nextDueOn: r.due ?? null,
		content: new Uint8Array(1),
		contentBytes: 1,
		kdfSpec: new Uint8Array(1),
		authHash: new Uint8Array(1),
		receiptWrapped: new Uint8Array(1)
	};
}

/*
 *      organ  unit   received    category   position     kind         state         disposition  outcome  next due   concluded
 * R1   o-k    k-d1   2026-01-10  integrity  team_member  public_tip   verification  prelim.      -        06-01 (!)  -
 * R2   o-k    k-d1   2026-01-20  integrity  team_member  public_tip   inquiry       talk         -        06-20      -
 * R3   o-k    k-t1   2026-02-05  work       top_leader   member_tip   concluded     to_invest.   form2    -          03-07 (30 d)
 * R4   o-k    k-d1   2026-02-10  integrity  other_staff  public_tip   no_substance  -            -        -          -
 * R5   o-kt   k-d1   2026-03-01  life       team_member  public_tip   registered    -            -        03-08 (!)  -
 * R6   o-k    k      2025-12-31  (before the period: never counted)
 * R7   o-c    k      2026-02-15  integrity  top_leader   public_tip   concluded     close        closed   -          02-25 (10 d)
 * R8   o-c    c-d1   2026-03-03  mass       team_member  peer_report  accepted      -            -        06-14 (!)  -
 * R9   o-k2   k2     2026-04-01  work       team_member  public_tip   received      -            -        06-15      -
 * R10  o-p    c      2026-05-05  political  top_leader   public_tip   concluded     close        cleared  -          05-25 (20 d)
 * (!) = overdue on 2026-06-15. Deadlines met: R1 late (01-31 → 02-03), R3 on time, R7 on time, R10 late,
 * R6 late (outside the period).
 */
const REPORTS = [
	row({
		organ: 'o-k',
		unit: 'k-d1',
		on: '2026-01-10',
		cat: 'integrity',
		pos: 'team_member',
		kind: 'public_tip',
		state: 'verification',
		disp: 'preliminary_verification',
		due: '2026-06-01'
	}),
	row({
		organ: 'o-k',
		unit: 'k-d1',
		on: '2026-01-20',
		cat: 'integrity',
		pos: 'team_member',
		kind: 'public_tip',
		state: 'inquiry',
		disp: 'talk_inquiry',
		due: '2026-06-20'
	}),
	row({
		organ: 'o-k',
		unit: 'k-t1',
		on: '2026-02-05',
		cat: 'work',
		pos: 'top_leader',
		kind: 'member_tip',
		state: 'concluded',
		disp: 'to_investigation',
		outcome: 'handled:form2',
		concluded: '2026-03-07'
	}),
	row({
		organ: 'o-k',
		unit: 'k-d1',
		on: '2026-02-10',
		cat: 'integrity',
		pos: 'other_staff',
		kind: 'public_tip',
		state: 'no_substance'
	}),
	row({
		organ: 'o-kt',
		unit: 'k-d1',
		on: '2026-03-01',
		cat: 'life',
		pos: 'team_member',
		kind: 'public_tip',
		state: 'registered',
		due: '2026-03-08'
	}),
	row({
		organ: 'o-k',
		unit: 'k',
		on: '2025-12-31',
		cat: 'integrity',
		pos: 'top_leader',
		kind: 'public_tip',
		state: 'accepted',
		due: '2026-01-05'
	}),
	row({
		organ: 'o-c',
		unit: 'k',
		on: '2026-02-15',
		cat: 'integrity',
		pos: 'top_leader',
		kind: 'public_tip',
		state: 'concluded',
		disp: 'close',
		outcome: 'closed',
		concluded: '2026-02-25'
	}),
	row({
		organ: 'o-c',
		unit: 'c-d1',
		on: '2026-03-03',
		cat: 'mass',
		pos: 'team_member',
		kind: 'peer_report',
		state: 'accepted',
		due: '2026-06-14'
	}),
	row({
		organ: 'o-k2',
		unit: 'k2',
		on: '2026-04-01',
		cat: 'work',
		pos: 'team_member',
		kind: 'public_tip',
		state: 'received',
		due: '2026-06-15'
	}),
	row({
		organ: 'o-p',
		unit: 'c',
		on: '2026-05-05',
		cat: 'political',
		pos: 'top_leader',
		kind: 'public_tip',
		state: 'concluded',
		disp: 'close',
		outcome: 'cleared',
		concluded: '2026-05-25'
	})
];

const q = (organIds: string[], minCount = 2): StatsQuery => ({ organIds, ...PERIOD, today: TODAY, minCount });
const sortB = (b: { key: string; n: number }[]) => Object.fromEntries(b.map((x) => [x.key, x.n]));

describe('helpers', () => {
	it('monthsBetween covers both ends and crosses years', () => {
		expect(monthsBetween('2025-11-20', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
		expect(monthsBetween('2026-03-01', '2026-03-31')).toEqual(['2026-03']);
	});
	it('medianOf a histogram: middle value, mean of the two middle ones for an even count', () => {
		expect(
			medianOf(
				new Map([
					[10, 1],
					[30, 1]
				])
			)
		).toBe(20);
		expect(
			medianOf(
				new Map([
					[5, 1],
					[1, 2]
				])
			)
		).toBe(1);
		expect(
			medianOf(
				new Map([
					[3, 2],
					[8, 2]
				])
			)
		).toBe(5.5);
		expect(medianOf(new Map([[4, 0]]))).toBeNull();
		expect(medianOf(new Map())).toBeNull();
	});
	it('quantileClasses: five classes by rank among shown counts, withheld = -1', () => {
		expect(quantileClasses([1, 2, 3, 4, 5, null])).toEqual([0, 1, 2, 3, 4, -1]);
		expect(quantileClasses([7, 7, 7])).toEqual([0, 0, 0]);
		expect(quantileClasses([null])).toEqual([-1]);
	});
	it('csvCell neutralises formulas and quotes what needs it', () => {
		expect(csvCell('=1+1')).toBe("'=1+1");
		expect(csvCell('+86')).toBe("'+86");
		expect(csvCell('-2')).toBe("'-2");
		expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvCell('\tx')).toBe("'\tx");
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('=a,b')).toBe(`"'=a,b"`);
		expect(csvCell(12)).toBe('12');
		expect(csvCell(-3)).toBe('-3'); // numbers are numbers, not formulas
		expect(csvCell(null)).toBe('');
	});
});

describeDb('back-office statistics', (get) => {
	it('loads the hand-made directory and reports', async () => {
		const { db } = get();
		await replaceOrgData(db, ORG, { demo: false });
		const user = (id: string, username: string, isAdmin = false) => ({
			id,
			username,
			displayName: username,
			isAdmin,
			authSalt: new Uint8Array(16),
			authParams: { m: 1, t: 1, p: 1 },
			authHash: 'x'
		});
		await db
			.insert(staffUser)
			.values([
				user(IDS.headP, 'head-p'),
				user(IDS.headC, 'head-c'),
				user(IDS.headK, 'head-k'),
				user(IDS.inspK, 'insp-k'),
				user(IDS.admin, 'admin', true),
				user(IDS.headKandC, 'head-k-c')
			]);
		const { organStaff } = await import('$lib/server/db/schema');
		await db.insert(organStaff).values([
			{ staffId: IDS.headP, organId: 'o-p', role: 'head' },
			{ staffId: IDS.headC, organId: 'o-c', role: 'head' },
			{ staffId: IDS.headK, organId: 'o-k', role: 'head' },
			{ staffId: IDS.inspK, organId: 'o-k', role: 'inspector' },
			{ staffId: IDS.headKandC, organId: 'o-k', role: 'head' },
			{ staffId: IDS.headKandC, organId: 'o-c', role: 'head' }
		]);
		const ids = await db.insert(report).values(REPORTS).returning({ id: report.id });
		const id = (i: number) => ids[i - 1]!.id;
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
		expect(sortB(s.byKind)).toEqual({ public_tip: 4, member_tip: 1 });
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
		expect(sortB(s.byKind)).toEqual({ public_tip: 6, member_tip: 1, peer_report: 1 });
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
