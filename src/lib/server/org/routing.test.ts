import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { routeReport, type RoutingRequest, type RuleCode } from './routing';
import { generateDemo } from './demo';
import {
	makeSnapshot,
	POSITION_KINDS,
	REPORT_KINDS,
	type Organ,
	type OrgData,
	type OrgSnapshot,
	type StaffMember
} from './types';

/** A hand-made directory small enough to reason about, one unit per situation. */
function fixture(): OrgData {
	const u = (id: string, parentId: string | null, level: OrgData['units'][number]['level']) => ({
		id,
		parentId,
		name: id,
		level,
		regionPath: id
	});
	const o = (id: string, parentOrganId: string | null, level: Organ['level'], extra: Partial<Organ> = {}): Organ => ({
		id,
		name: id,
		kind: 'commission',
		level,
		unitId: null,
		hostUnitId: null,
		parentOrganId,
		...extra
	});
	const s = (id: string, organId: string, role: StaffMember['role'] = 'inspector', hasKey = true): StaffMember => ({
		id,
		organId,
		role,
		hasKey
	});
	return {
		units: [
			u('p', null, 'province'),
			u('p-d1', 'p', 'province'),
			u('p-jw', 'p', 'province'),
			u('m', 'p', 'city'),
			u('m-d1', 'm', 'city'),
			u('m-jw', 'm', 'city'),
			u('k', 'm', 'county'),
			u('k-d1', 'k', 'county'),
			u('k-d2', 'k', 'county'),
			u('k-d3', 'k', 'county'),
			u('t', 'k', 'township'),
			u('t-s1', 't', 'township'),
			u('x', null, 'county'),
			u('y', null, 'county'),
			u('z', null, 'county')
		],
		organs: [
			o('C', null, 'central'),
			o('P', 'C', 'province', { unitId: 'p-jw' }),
			o('P-pz', 'P', 'province', { kind: 'stationed_team', hostUnitId: 'p-d1' }),
			o('M', 'P', 'city', { unitId: 'm-jw' }),
			o('K', 'M', 'county'),
			o('K-pz', 'K', 'county', { kind: 'stationed_team', hostUnitId: 'k-d1' }),
			o('T', 'K', 'township'),
			o('Y', null, 'county'),
			o('Z1', 'Z2', 'county'),
			o('Z2', 'Z1', 'county')
		],
		jurisdiction: [
			...['p', 'p-d1', 'p-jw'].map((unitId) => ({ organId: 'P', unitId })),
			{ organId: 'P-pz', unitId: 'p-d1' },
			...['m', 'm-d1', 'm-jw'].map((unitId) => ({ organId: 'M', unitId })),
			...['k', 'k-d1', 'k-d2', 'k-d3'].map((unitId) => ({ organId: 'K', unitId })),
			{ organId: 'K-pz', unitId: 'k-d1' },
			{ organId: 'T', unitId: 't' },
			{ organId: 'Y', unitId: 'y' },
			{ organId: 'Z1', unitId: 'z' }
		],
		staff: [
			s('c1', 'C', 'head'),
			s('p1', 'P', 'head'),
			s('p2', 'P'),
			s('p-admin', 'P', 'admin'),
			s('ppz1', 'P-pz'),
			s('m1', 'M'),
			s('m-admin', 'M', 'admin'),
			s('k1', 'K'),
			s('k2', 'K', 'head'),
			s('kpz1', 'K-pz', 'inspector', false),
			s('t1', 'T'),
			s('y-admin', 'Y', 'admin')
		],
		conflicts: [
			{ staffId: 'k1', unitId: 'k-d2', reason: 'formerly served there' },
			{ staffId: 'k1', unitId: 'k-d3', reason: 'relative in its leadership' },
			{ staffId: 'k2', unitId: 'k-d3', reason: 'relative in its leadership' }
		],
		posts: []
	};
}

const snap = makeSnapshot(fixture());
const req = (
	unitId: string,
	position: RoutingRequest['position'],
	kind: RoutingRequest['kind'] = 'public_tip',
	escalate = false
) => ({
	unitId,
	position,
	kind,
	escalate
});

interface Case {
	rule:
		| RuleCode
		| 'no_higher_organ'
		| 'unknown_unit'
		| 'no_organ'
		| 'jurisdiction_inherited'
		| 'no_recipients'
		| 'admins_never_receive';
	name: string;
	req: RoutingRequest;
	organ?: string;
	recipients?: string[];
	rules?: RuleCode[];
	warnings?: string[];
	status?: 'unknown_unit' | 'no_organ';
}

const cases: Case[] = [
	{
		rule: 'top_leader_one_level_up',
		name: 'a city department top leader goes to the province organ',
		req: req('m-d1', 'top_leader'),
		organ: 'P',
		recipients: ['p1', 'p2'],
		rules: ['top_leader_one_level_up']
	},
	{
		rule: 'top_leader_one_level_up',
		name: 'a top leader in a unit with a stationed team skips the team and goes one level up',
		req: req('p-d1', 'top_leader'),
		organ: 'C',
		recipients: ['c1'],
		rules: ['top_leader_one_level_up']
	},
	{
		rule: 'top_leader_one_level_up',
		name: 'the city top leader goes to the province organ',
		req: req('m', 'top_leader', 'member_tip'),
		organ: 'P',
		rules: ['top_leader_one_level_up']
	},
	{
		rule: 'responsible_level_commission',
		name: 'a team member of a unit without stationed team goes to the commission at its level',
		req: req('m-d1', 'team_member'),
		organ: 'M',
		recipients: ['m1'],
		rules: ['responsible_level_commission']
	},
	{
		rule: 'responsible_level_commission',
		name: 'other staff go to the commission at the unit level',
		req: req('m-d1', 'other_staff', 'criticism_suggestion'),
		organ: 'M',
		rules: ['responsible_level_commission']
	},
	{
		rule: 'responsible_stationed_team',
		name: 'a team member of a unit with a stationed team goes to that team',
		req: req('p-d1', 'team_member'),
		organ: 'P-pz',
		recipients: ['ppz1'],
		rules: ['responsible_stationed_team']
	},
	{
		rule: 'responsible_stationed_team',
		name: 'interference records about other staff go to the stationed team',
		req: req('p-d1', 'other_staff', 'interference_record'),
		organ: 'P-pz',
		rules: ['responsible_stationed_team']
	},
	{
		rule: 'organ_self_to_parent',
		name: "a report about an organ's own member goes to its parent organ",
		req: req('m-jw', 'team_member'),
		organ: 'P',
		rules: ['organ_self_to_parent']
	},
	{
		rule: 'organ_self_to_parent',
		name: "a report about an organ's own head goes to its parent organ",
		req: req('m-jw', 'top_leader'),
		organ: 'P',
		rules: ['organ_self_to_parent']
	},
	{
		rule: 'organ_self_to_parent',
		name: "a report about the province organ's staff goes to the central organ",
		req: req('p-jw', 'other_staff'),
		organ: 'C',
		rules: ['organ_self_to_parent']
	},
	{
		rule: 'peer_report_one_level_up',
		name: 'a peer report about a team member goes one level up',
		req: req('m-d1', 'team_member', 'peer_report'),
		organ: 'P',
		rules: ['peer_report_one_level_up']
	},
	{
		rule: 'peer_report_one_level_up',
		name: 'a peer report skips the stationed team and goes one level up',
		req: req('p-d1', 'other_staff', 'peer_report'),
		organ: 'C',
		rules: ['peer_report_one_level_up']
	},
	{
		rule: 'peer_report_one_level_up',
		name: 'a peer report about the top leader records both rules and goes one level up',
		req: req('k', 'top_leader', 'peer_report'),
		organ: 'M',
		rules: ['top_leader_one_level_up', 'peer_report_one_level_up']
	},
	{
		rule: 'reporter_escalation',
		name: 'escalating a team-member report goes from the level commission to its parent',
		req: req('m-d1', 'team_member', 'public_tip', true),
		organ: 'P',
		rules: ['responsible_level_commission', 'reporter_escalation']
	},
	{
		rule: 'reporter_escalation',
		name: 'escalating from a stationed team goes to the commission that sent it',
		req: req('p-d1', 'team_member', 'public_tip', true),
		organ: 'P',
		rules: ['responsible_stationed_team', 'reporter_escalation']
	},
	{
		rule: 'reporter_escalation',
		name: 'escalating a top-leader report goes two levels up',
		req: req('k-d1', 'top_leader', 'public_tip', true),
		organ: 'P',
		rules: ['top_leader_one_level_up', 'reporter_escalation']
	},
	{
		rule: 'reporter_escalation',
		name: "escalating a report about an organ's own member goes two levels up",
		req: req('m-jw', 'other_staff', 'member_tip', true),
		organ: 'C',
		rules: ['organ_self_to_parent', 'reporter_escalation']
	},
	{
		rule: 'conflicted_staff_excluded',
		name: 'a conflicted staff member is left out while a colleague receives',
		req: req('k-d2', 'team_member'),
		organ: 'K',
		recipients: ['k2'],
		rules: ['responsible_level_commission', 'conflicted_staff_excluded']
	},
	{
		rule: 'fallback_to_ancestor',
		name: 'when every receiver of the organ is conflicted the parent organ receives',
		req: req('k-d3', 'other_staff'),
		organ: 'M',
		recipients: ['m1'],
		rules: ['responsible_level_commission', 'conflicted_staff_excluded', 'fallback_to_ancestor'],
		warnings: ['fell_back_to_ancestor']
	},
	{
		rule: 'fallback_to_ancestor',
		name: 'a stationed team without keys hands over to the commission that sent it',
		req: req('k-d1', 'team_member'),
		organ: 'K',
		recipients: ['k1', 'k2'],
		rules: ['responsible_stationed_team', 'fallback_to_ancestor'],
		warnings: ['fell_back_to_ancestor']
	},
	{
		rule: 'admins_never_receive',
		name: 'directory admins with keys are never recipients',
		req: req('m-d1', 'team_member'),
		organ: 'M',
		recipients: ['m1']
	},
	{
		rule: 'no_higher_organ',
		name: 'escalating past the top organ keeps the top organ and warns',
		req: req('p-d1', 'top_leader', 'public_tip', true),
		organ: 'C',
		recipients: ['c1'],
		rules: ['top_leader_one_level_up', 'reporter_escalation'],
		warnings: ['no_higher_organ']
	},
	{
		rule: 'jurisdiction_inherited',
		name: 'a unit outside every jurisdiction uses the commission of its nearest ancestor',
		req: req('t-s1', 'team_member'),
		organ: 'T',
		recipients: ['t1'],
		rules: ['responsible_level_commission'],
		warnings: ['jurisdiction_inherited']
	},
	{
		rule: 'unknown_unit',
		name: 'an unknown unit id gives the unknown_unit result',
		req: req('nope', 'top_leader'),
		status: 'unknown_unit'
	},
	{
		rule: 'no_organ',
		name: 'a unit that no commission covers gives the no_organ result',
		req: req('x', 'team_member'),
		status: 'no_organ'
	},
	{
		rule: 'no_recipients',
		name: 'an organ chain with nobody to receive still names the organ and warns',
		req: req('y', 'team_member'),
		organ: 'Y',
		recipients: [],
		warnings: ['no_recipients']
	},
	{
		rule: 'no_recipients',
		name: 'a cycle in the organ tree terminates with a warning instead of looping',
		req: req('z', 'top_leader', 'public_tip', true),
		organ: 'Z1',
		recipients: [],
		warnings: ['fell_back_to_ancestor', 'no_recipients']
	}
];

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
		expect(r.explanation.zh).toContain(`「${c.organ}」`);
		expect(r.explanation.en).toContain(`This report will go to ${c.organ}.`);
	});

	it('every rule code is covered by the table', async () => {
		const { RULE_CODES } = await import('./routing');
		const covered = new Set(cases.map((c) => c.rule));
		for (const code of RULE_CODES) expect(covered.has(code), code).toBe(true);
	});

	it('the fallback warning names the organ that had nobody and the one that received', () => {
		const r = routeReport(snap, req('k-d1', 'team_member'));
		expect(r.status === 'routed' && r.warnings).toEqual([
			{ code: 'fell_back_to_ancestor', fromOrganId: 'K-pz', toOrganId: 'K' }
		]);
	});

	it('the top of an incomplete tree: the province top leader stays with the province organ, warned', () => {
		const data = fixture();
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
});

/** The organ directly responsible at the unit's own level (jurisdiction), and teams inside the unit. */
function sameLevelOrgans(s: OrgSnapshot, unitId: string): Set<string> {
	const out = new Set<string>();
	for (const id of s.organsByUnit.get(unitId) ?? []) out.add(id);
	for (const o of s.organs.values()) if (o.hostUnitId === unitId) out.add(o.id);
	return out;
}

function checkInvariants(s: OrgSnapshot, r: RoutingRequest): void {
	const result = routeReport(s, r);
	if (result.status !== 'routed') throw new Error(`${r.unitId}: ${result.status}`);
	expect(result.recipients.length).toBeGreaterThan(0);
	const staff = s.staffByOrgan.get(result.organ.id) ?? [];
	const conflicted = s.conflictsByUnit.get(r.unitId);
	for (const id of result.recipients) {
		const m = staff.find((x) => x.id === id);
		expect(m?.hasKey).toBe(true);
		expect(m?.role).not.toBe('admin');
		expect(conflicted?.has(id) ?? false).toBe(false);
	}
	// Never the organ the unit itself is.
	expect(result.organ.unitId).not.toBe(r.unitId);
	if (r.position === 'top_leader') expect(sameLevelOrgans(s, r.unitId).has(result.organ.id)).toBe(false);
}

describe('routeReport: properties over the demo tree', () => {
	const demo = generateDemo();
	const demoSnap = makeSnapshot(demo);

	it('every unit x position x kind x escalate yields one organ with recipients, none conflicted', () => {
		let n = 0;
		for (const u of demo.units)
			for (const position of POSITION_KINDS)
				for (const kind of REPORT_KINDS)
					for (const escalate of [false, true]) {
						checkInvariants(demoSnap, { unitId: u.id, position, kind, escalate });
						n++;
					}
		expect(n).toBe(demo.units.length * 30);
	});

	it('holds for random requests over demo trees from other seeds (fast-check)', () => {
		const cache = new Map<number, { units: string[]; snap: OrgSnapshot }>();
		const forSeed = (seed: number) => {
			let e = cache.get(seed);
			if (!e) {
				const d = generateDemo({ seed });
				e = { units: d.units.map((u) => u.id), snap: makeSnapshot(d) };
				cache.set(seed, e);
			}
			return e;
		};
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 8 }),
				fc.nat(),
				fc.constantFrom(...POSITION_KINDS),
				fc.constantFrom(...REPORT_KINDS),
				fc.boolean(),
				(seed, idx, position, kind, escalate) => {
					const e = forSeed(seed);
					const unitId = e.units[idx % e.units.length]!;
					checkInvariants(e.snap, { unitId, position, kind, escalate });
				}
			),
			{ numRuns: 2000 }
		);
	});

	it('is deterministic: the same request gives the same answer', () => {
		const r = req('sf-c01-k01-d05', 'team_member');
		expect(routeReport(demoSnap, r)).toEqual(routeReport(demoSnap, r));
	});
});
