import { describe, expect, it } from 'vitest';
import { routeReport, ruleLabel, RULE_CODES, type RoutingRequest, type RuleCode } from './routing';
import { routingFixture } from '$support/routing-fixture';
import { makeSnapshot } from './types';

const snap = makeSnapshot(routingFixture());
const req = (
	unitId: string,
	position: RoutingRequest['position'],
	escalate = false,
	byRegion = false
): RoutingRequest => ({ unitId, position, escalate, ...(byRegion ? { byRegion } : {}) });

type Extra = 'no_higher_organ' | 'unknown_unit' | 'no_organ' | 'jurisdiction_inherited' | 'no_recipients';
interface Case {
	rule: RuleCode | Extra | 'admins_never_receive' | 'managing_organ_missing';
	name: string;
	req: RoutingRequest;
	organ?: string;
	recipients?: string[];
	rules?: RuleCode[];
	warnings?: string[];
	status?: 'unknown_unit' | 'no_organ';
	/** Text the Chinese explanation must hold. */
	says?: string;
	/** Whether the escalation case below is derived from this one, and the organ it then reaches. */
	escalatesTo?: string;
}

const own: RuleCode[] = ['managed_own_level'];
const ownTeam: RuleCode[] = ['managed_own_level', 'through_stationed_team'];
const above: RuleCode[] = ['managed_level_above'];

/** The cases issue 14 lists, each with the organ one level up that escalation reaches. */
const jurisdiction: Case[] = [
	{
		rule: 'through_stationed_team',
		name: 'a county department 一把手 goes to the county organ through its stationed team',
		req: req('k-cz', 'top_leader'),
		organ: 'K-pz',
		recipients: ['kpz1'],
		rules: ownTeam,
		says: '县财政局局长由县委管理，因此由县纪委监委（驻县财政局纪检监察组）办理',
		escalatesTo: 'M'
	},
	{
		rule: 'managed_own_level',
		name: 'a county department 一把手 without stationed team goes to the county organ',
		req: req('k-jt', 'top_leader'),
		organ: 'K',
		recipients: ['k1', 'k2'],
		rules: own,
		says: '县交通运输局局长由县委管理，因此由县纪委监委办理',
		escalatesTo: 'M'
	},
	{
		rule: 'through_stationed_team',
		name: 'a county department team member goes to the same stationed team',
		req: req('k-cz', 'team_member'),
		organ: 'K-pz',
		rules: ownTeam,
		escalatesTo: 'M'
	},
	{
		rule: 'managed_own_level',
		name: 'a county department team member without team goes to the county organ',
		req: req('k-jt', 'team_member'),
		organ: 'K',
		rules: own,
		escalatesTo: 'M'
	},
	{
		rule: 'managed_level_above',
		name: '县委书记 is city-managed: the city organ',
		req: req('k', 'top_leader'),
		organ: 'M',
		recipients: ['m1'],
		rules: above,
		says: '县委书记由上一级的市委管理',
		escalatesTo: 'P'
	},
	{
		rule: 'managed_level_above',
		name: '县长 (a team member of the county) is city-managed: the city organ',
		req: req('k', 'team_member'),
		organ: 'M',
		rules: above,
		escalatesTo: 'P'
	},
	{
		rule: 'managed_level_above',
		name: '县委常委 (a party member tip about a team member) is city-managed: the city organ',
		req: req('k', 'team_member'),
		organ: 'M',
		rules: above,
		escalatesTo: 'P'
	},
	{
		rule: 'managed_level_above',
		name: 'a township party secretary is county-managed: the county organ',
		req: req('t', 'top_leader'),
		organ: 'K',
		rules: above,
		says: '青松镇党委书记由上一级的县委管理',
		escalatesTo: 'M'
	},
	{
		rule: 'village_to_township',
		name: 'a village party secretary goes to the township organ',
		req: req('t-v', 'top_leader'),
		organ: 'T',
		recipients: ['t1'],
		rules: ['village_to_township'],
		says: '青松村村党组织书记是村（社区）干部，由青松镇党委管理',
		escalatesTo: 'K'
	},
	{
		rule: 'through_stationed_team',
		name: 'a city department 一把手 goes to the city organ through its stationed team',
		req: req('m-cz', 'top_leader'),
		organ: 'M-pz',
		rules: ownTeam,
		says: '市财政局局长由市委管理，因此由市纪委监委（驻市财政局纪检监察组）办理',
		escalatesTo: 'P'
	},
	{
		rule: 'managed_own_level',
		name: 'a city department 一把手 without team goes to the city organ',
		req: req('m-jt', 'top_leader'),
		organ: 'M',
		rules: own,
		escalatesTo: 'P'
	},
	{
		rule: 'managed_level_above',
		name: '市长 is province-managed: the province organ',
		req: req('m', 'team_member'),
		organ: 'P',
		recipients: ['p1', 'p2'],
		rules: above,
		escalatesTo: 'C'
	},
	{
		rule: 'through_stationed_team',
		name: 'a province department 一把手 goes to the province organ through its stationed team',
		req: req('p-cz', 'top_leader'),
		organ: 'P-pz',
		recipients: ['ppz1'],
		rules: ownTeam,
		says: '省财政厅厅长由省委管理，因此由省纪委监委（驻省财政厅纪检监察组）办理',
		escalatesTo: 'C'
	},
	{
		rule: 'organ_self_to_parent',
		name: 'the head of a county commission goes to the city organ (Art. 15)',
		req: req('k-jw', 'top_leader'),
		organ: 'M',
		rules: ['organ_self_to_parent'],
		says: '第十五条',
		escalatesTo: 'P'
	},
	{
		rule: 'organ_self_to_parent',
		name: 'a member of the city commission goes to the province organ, whatever the position',
		req: req('m-jw', 'other_staff'),
		organ: 'P',
		rules: ['organ_self_to_parent'],
		escalatesTo: 'C'
	},
	{
		rule: 'managed_own_level',
		name: 'a county-managed school head goes to the county organ',
		req: req('k-school', 'top_leader'),
		organ: 'K',
		rules: own,
		says: '县第一中学校长由县委管理',
		escalatesTo: 'M'
	},
	{
		rule: 'managed_own_level',
		name: 'a city-managed SOE head goes to the city organ',
		req: req('m-soe', 'top_leader'),
		organ: 'M',
		rules: own,
		says: '市城投集团董事长由市委管理',
		escalatesTo: 'P'
	},
	{
		rule: 'managed_level_above',
		name: 'a county SOE whose head the city manages (override) goes to the city organ',
		req: req('k-soe', 'top_leader'),
		organ: 'M',
		rules: above,
		says: '县城投公司董事长由上一级的市委管理',
		escalatesTo: 'P'
	},
	{
		rule: 'managed_named_organ',
		name: 'an SOE whose head the unit places under a named organ goes to that organ',
		req: req('k-soe2', 'top_leader'),
		organ: 'P',
		rules: ['managed_named_organ'],
		escalatesTo: 'C'
	},
	{
		rule: 'by_region',
		name: 'a report by region (unit not found) goes to the region organ',
		req: req('k', 'top_leader', false, true),
		organ: 'K',
		rules: ['by_region'],
		says: '信访室',
		escalatesTo: 'M'
	}
];

/** Escalation from each case above: the organ one level up, with the hand-back wording. */
const escalations: Case[] = jurisdiction.map((c) => ({
	rule: 'reporter_escalation',
	name: `escalating: ${c.name}, then one level up`,
	req: { ...c.req, escalate: true },
	organ: c.escalatesTo,
	rules: [...(c.rules ?? []), 'reporter_escalation'],
	says: '交办'
}));

const corners: Case[] = [
	{
		rule: 'conflicted_staff_excluded',
		name: 'a conflicted staff member is left out while a colleague receives',
		req: req('k-d2', 'team_member'),
		organ: 'K',
		recipients: ['k2'],
		rules: ['managed_own_level', 'conflicted_staff_excluded']
	},
	{
		rule: 'fallback_to_ancestor',
		name: 'when every receiver of the organ is conflicted the parent organ receives',
		req: req('k-d3', 'other_staff'),
		organ: 'M',
		recipients: ['m1'],
		rules: ['managed_own_level', 'conflicted_staff_excluded', 'fallback_to_ancestor'],
		warnings: ['fell_back_to_ancestor']
	},
	{
		rule: 'fallback_to_ancestor',
		name: 'a stationed team without keys hands over to the commission that sent it',
		req: req('k-sw', 'team_member'),
		organ: 'K',
		recipients: ['k1', 'k2'],
		rules: ['managed_own_level', 'through_stationed_team', 'fallback_to_ancestor'],
		warnings: ['fell_back_to_ancestor']
	},
	{
		rule: 'admins_never_receive',
		name: 'directory admins with keys are never recipients',
		req: req('m-jt', 'team_member'),
		organ: 'M',
		recipients: ['m1']
	},
	{
		rule: 'managing_organ_missing',
		name: 'an override naming an organ the directory lacks falls back to the own level, warned',
		req: req('k-ly', 'other_staff'),
		organ: 'K',
		rules: own,
		warnings: ['managing_organ_missing']
	},
	{
		rule: 'no_higher_organ',
		name: 'escalating past the top organ keeps the top organ and warns',
		req: req('p', 'top_leader', true),
		organ: 'C',
		recipients: ['c1'],
		rules: ['managed_level_above', 'reporter_escalation'],
		warnings: ['no_higher_organ']
	},
	{
		rule: 'jurisdiction_inherited',
		name: 'a unit outside every jurisdiction uses the commission of its nearest ancestor',
		req: req('t-s1', 'team_member'),
		organ: 'T',
		recipients: ['t1'],
		rules: own,
		warnings: ['jurisdiction_inherited']
	},
	{ rule: 'unknown_unit', name: 'an unknown unit id', req: req('nope', 'top_leader'), status: 'unknown_unit' },
	{ rule: 'no_organ', name: 'a unit no commission covers', req: req('x', 'team_member'), status: 'no_organ' },
	{
		rule: 'no_recipients',
		name: 'an organ chain with nobody to receive still names the organ and warns',
		req: req('y', 'other_staff'),
		organ: 'Y',
		recipients: [],
		warnings: ['no_recipients']
	},
	{
		rule: 'no_recipients',
		name: 'a cycle in the organ tree terminates with a warning instead of looping',
		req: req('z', 'other_staff'),
		organ: 'Z1',
		recipients: [],
		warnings: ['fell_back_to_ancestor', 'no_recipients']
	}
];

const cases = [...jurisdiction, ...escalations, ...corners];

describe('routeReport: rule table', () => {
	it.each(cases)('[$rule] $name', (c) => {
		const r = routeReport(snap, c.req);
		if (c.status) {
			expect(r.status).toBe(c.status);
			expect(r.explanation.zh.length).toBeGreaterThan(0);
			expect(r.explanation.en.length).toBeGreaterThan(0);
			return;
		}
		if (r.status !== 'routed') throw new Error(`expected routed, got ${r.status}`);
		expect(r.organ.id).toBe(c.organ);
		if (c.recipients) expect(r.recipients).toEqual(c.recipients);
		if (c.rules) expect(r.rules).toEqual(c.rules);
		expect(r.warnings.map((w) => w.code)).toEqual(c.warnings ?? []);
		const name = snap.organs.get(c.organ!)!.name;
		expect(r.explanation.zh.startsWith(`这份举报将交给「${name}」。`)).toBe(true);
		expect(r.explanation.en.startsWith(`This report will go to ${name}.`)).toBe(true);
		if (c.says) expect(r.explanation.zh).toContain(c.says);
		// Every rule applied is named in both languages.
		for (const code of r.rules) {
			expect(r.explanation.zh).toContain(ruleLabel(code).zh);
			expect(r.explanation.en).toContain(ruleLabel(code).en);
		}
	});

	it('every rule code is covered by the table', () => {
		const covered = new Set(cases.map((c) => c.rule));
		for (const code of RULE_CODES) expect(covered.has(code), code).toBe(true);
	});

	it('names the managing committee in English too, and the hand-back (交办、督办) when escalating', () => {
		const r = routeReport(snap, req('k-cz', 'top_leader'));
		expect(r.explanation.en).toContain(
			'the 局长 of 县财政局 is managed by 县委, so 县纪委监委 (through 驻县财政局纪检监察组) handles it.'
		);
		const e = routeReport(snap, req('k-cz', 'top_leader', true));
		expect(e.explanation.zh).toContain('上级机关可以把举报交办给「县纪委监委」办理，并督办');
		expect(e.explanation.en).toMatch(/hand it back down to 县纪委监委 \(交办\).*\(督办/);
	});

	it('the fallback warning names the organ that had nobody and the one that received', () => {
		const r = routeReport(snap, req('k-sw', 'team_member'));
		expect(r.status === 'routed' && r.warnings).toEqual([
			{ code: 'fell_back_to_ancestor', fromOrganId: 'K-pz2', toOrganId: 'K' }
		]);
	});

	it('the top of an incomplete tree: the province top leader stays with the province organ, warned', () => {
		const data = routingFixture();
		data.organs = data.organs
			.filter((o) => o.id !== 'C')
			.map((o) => (o.id === 'P' ? { ...o, parentOrganId: null } : o));
		const r = routeReport(makeSnapshot(data), req('p', 'top_leader'));
		expect(r.status === 'routed' && [r.organ.id, r.warnings]).toEqual([
			'P',
			[{ code: 'no_higher_organ', organId: 'P' }]
		]);
	});

	it('explanations never name staff', () => {
		const r = routeReport(snap, req('k-d3', 'other_staff'));
		expect(r.explanation.zh).not.toMatch(/k1|k2|m1/);
		expect(r.explanation.en).not.toMatch(/\bk1\b|\bk2\b|\bm1\b/);
	});

	it('infers the type of units that do not say: regions own leaders go up, departments stay', () => {
		const data = routingFixture();
		data.units = data.units.map(({ type: _type, ...u }) => u);
		const s = makeSnapshot(data);
		expect(s.units.get('k')?.type).toBe('party_government');
		expect(s.units.get('t')?.type).toBe('township');
		expect(s.units.get('k-cz')?.type).toBe('department');
		const r = routeReport(s, req('k', 'top_leader'));
		expect(r.status === 'routed' && r.organ.id).toBe('M');
	});
});
