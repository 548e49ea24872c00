/**
 * What the statistics tests share: a small organ tree with units, and reports spread over it with known figures. Test-only; nothing of the app imports it.
 */
import type { OrgData } from '$lib/server/org/types';
import type { StatsQuery } from '../../src/lib/server/backoffice/stats-queries';

/**
 * A hand-made directory: province p (organ o-p) › city c (o-c) › counties k (o-k, with a stationed team
 * o-kt in its department k-d1) and k2 (o-k2). Every expected number below is counted by hand from the
 * report table in the comment.
 */
export const U = (
	id: string,
	parentId: string | null,
	name: string,
	level: OrgData['units'][number]['level'],
	path: string
) => ({ id, parentId, name, level, regionPath: path });
export const ORG: OrgData = {
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

export const IDS = {
	headP: '00000000-0000-4000-8000-000000000001',
	headC: '00000000-0000-4000-8000-000000000002',
	headK: '00000000-0000-4000-8000-000000000003',
	inspK: '00000000-0000-4000-8000-000000000004',
	admin: '00000000-0000-4000-8000-000000000005',
	headKandC: '00000000-0000-4000-8000-000000000006'
};

export const TODAY = '2026-06-15';
export const PERIOD = { from: '2026-01-01', to: '2026-06-30' };

export let seq = 0;
export function row(r: {
	organ: string;
	unit: string;
	on: string;
	cat: string;
	pos: string;
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
export const REPORTS = [
	row({
		organ: 'o-k',
		unit: 'k-d1',
		on: '2026-01-10',
		cat: 'integrity',
		pos: 'team_member',
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
		state: 'no_substance'
	}),
	row({
		organ: 'o-kt',
		unit: 'k-d1',
		on: '2026-03-01',
		cat: 'life',
		pos: 'team_member',
		state: 'registered',
		due: '2026-03-08'
	}),
	row({
		organ: 'o-k',
		unit: 'k',
		on: '2025-12-31',
		cat: 'integrity',
		pos: 'top_leader',
		state: 'accepted',
		due: '2026-01-05'
	}),
	row({
		organ: 'o-c',
		unit: 'k',
		on: '2026-02-15',
		cat: 'integrity',
		pos: 'top_leader',
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
		state: 'accepted',
		due: '2026-06-14'
	}),
	row({
		organ: 'o-k2',
		unit: 'k2',
		on: '2026-04-01',
		cat: 'work',
		pos: 'team_member',
		state: 'received',
		due: '2026-06-15'
	}),
	row({
		organ: 'o-p',
		unit: 'c',
		on: '2026-05-05',
		cat: 'political',
		pos: 'top_leader',
		state: 'concluded',
		disp: 'close',
		outcome: 'cleared',
		concluded: '2026-05-25'
	})
];

export const q = (organIds: string[], minCount = 2): StatsQuery => ({ organIds, ...PERIOD, today: TODAY, minCount });
export const sortB = (b: { key: string; n: number }[]) => Object.fromEntries(b.map((x) => [x.key, x.n]));
