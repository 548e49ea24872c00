/**
 * A hand-made directory small enough to reason about, one unit per situation of routing.test.ts: a
 * province, a city and a county with their own leaders, departments (with and without stationed teams),
 * the commissions' own units, a township with a village, an SOE and a school, and a few broken corners.
 * Names are what the explanations show ("县财政局局长由县委管理…"); ids are short.
 */
import type { AdminLevel } from '../../src/lib/shared/vocabulary/org';
import type { LeadershipPost, Organ, OrgData, OrgUnit, StaffMember, UnitType } from '../../src/lib/server/org/types';

export function routingFixture(): OrgData {
	const units: OrgUnit[] = [];
	const posts: LeadershipPost[] = [];
	const u = (id: string, parentId: string | null, name: string, level: AdminLevel, type: UnitType, top?: string) => {
		units.push({ id, parentId, name, level, regionPath: name, type });
		if (top) posts.push({ unitId: id, position: 'top_leader', title: top, holderName: null });
	};
	const o = (id: string, name: string, parentOrganId: string | null, level: AdminLevel, extra: Partial<Organ> = {}) =>
		({
			id,
			name,
			kind: 'commission',
			level,
			unitId: null,
			hostUnitId: null,
			parentOrganId,
			...extra
		}) satisfies Organ;
	const team = (id: string, commission: Organ, host: string, hostName: string) =>
		o(id, `${commission.name}驻${hostName}纪检监察组`, commission.id, commission.level, {
			kind: 'stationed_team',
			hostUnitId: host
		});
	const s = (id: string, organId: string, role: StaffMember['role'] = 'inspector', hasKey = true): StaffMember => ({
		id,
		organId,
		role,
		hasKey
	});

	u('p', null, '省', 'province', 'party_government', '省委书记');
	u('p-cz', 'p', '省财政厅', 'province', 'department', '厅长');
	u('p-jw', 'p', '省纪委监委', 'province', 'department', '书记');
	u('m', 'p', '市', 'city', 'party_government', '市委书记');
	u('m-cz', 'm', '市财政局', 'city', 'department', '局长');
	u('m-jt', 'm', '市交通运输局', 'city', 'department', '局长');
	u('m-jw', 'm', '市纪委监委', 'city', 'department', '书记');
	u('m-soe', 'm', '市城投集团', 'city', 'soe', '董事长');
	u('k', 'm', '县', 'county', 'party_government', '县委书记');
	u('k-cz', 'k', '县财政局', 'county', 'department', '局长');
	u('k-jt', 'k', '县交通运输局', 'county', 'department', '局长');
	u('k-d2', 'k', '县水利局', 'county', 'department');
	u('k-d3', 'k', '县林业局', 'county', 'department');
	u('k-sw', 'k', '县商务局', 'county', 'department');
	u('k-ly', 'k', '县旅游局', 'county', 'department');
	u('k-jw', 'k', '县纪委监委', 'county', 'department', '书记');
	u('k-school', 'k', '县第一中学', 'county', 'public_institution', '校长');
	u('k-soe', 'k', '县城投公司', 'county', 'soe', '董事长');
	u('k-soe2', 'k', '县能源公司', 'county', 'soe', '董事长');
	u('t', 'k', '青松镇', 'township', 'township', '党委书记');
	u('t-v', 't', '青松村', 'township', 'village', '村党组织书记');
	u('t-s1', 't', '青松镇财政所', 'township', 'department');
	u('x', null, '无主县', 'county', 'party_government');
	u('y', null, '空县', 'county', 'party_government');
	u('z', null, '环县', 'county', 'party_government');
	posts.push(
		{ unitId: 'k', position: 'team_member', title: '县长', holderName: null },
		{ unitId: 'k', position: 'team_member', title: '县委常委', holderName: null },
		{ unitId: 'm', position: 'team_member', title: '市长', holderName: null }
	);

	const C = o('C', '中央纪委国家监委', null, 'central');
	const P = o('P', '省纪委监委', 'C', 'province', { unitId: 'p-jw' });
	const M = o('M', '市纪委监委', 'P', 'city', { unitId: 'm-jw' });
	const K = o('K', '县纪委监委', 'M', 'county', { unitId: 'k-jw' });
	const organs: Organ[] = [
		C,
		P,
		team('P-pz', P, 'p-cz', '省财政厅'),
		M,
		team('M-pz', M, 'm-cz', '市财政局'),
		K,
		team('K-pz', K, 'k-cz', '县财政局'),
		team('K-pz2', K, 'k-sw', '县商务局'),
		o('T', '青松镇纪委', 'K', 'township'),
		o('Y', '空县纪委监委', null, 'county'),
		o('Z1', '环县纪委监委', 'Z2', 'county'),
		o('Z2', '环县上级纪委', 'Z1', 'county')
	];
	const j = (organId: string, ...unitIds: string[]) => unitIds.map((unitId) => ({ organId, unitId }));
	return {
		units,
		organs,
		jurisdiction: [
			...j('P', 'p', 'p-cz', 'p-jw'),
			...j('P-pz', 'p-cz'),
			...j('M', 'm', 'm-cz', 'm-jt', 'm-jw', 'm-soe'),
			...j('M-pz', 'm-cz'),
			...j('K', 'k', 'k-cz', 'k-jt', 'k-d2', 'k-d3', 'k-sw', 'k-ly', 'k-jw', 'k-school', 'k-soe', 'k-soe2'),
			...j('K-pz', 'k-cz'),
			...j('K-pz2', 'k-sw'),
			...j('T', 't', 't-v'),
			...j('Y', 'y'),
			...j('Z1', 'z')
		],
		staff: [
			s('c1', 'C', 'head'),
			s('p1', 'P', 'head'),
			s('p2', 'P'),
			s('p-admin', 'P', 'admin'),
			s('ppz1', 'P-pz'),
			s('m1', 'M'),
			s('m-admin', 'M', 'admin'),
			s('mpz1', 'M-pz'),
			s('k1', 'K'),
			s('k2', 'K', 'head'),
			s('kpz1', 'K-pz'),
			s('kpz2', 'K-pz2', 'inspector', false),
			s('t1', 'T'),
			s('y-admin', 'Y', 'admin')
		],
		conflicts: [
			{ staffId: 'k1', unitId: 'k-d2', reason: 'formerly served there' },
			{ staffId: 'k1', unitId: 'k-d3', reason: 'relative in its leadership' },
			{ staffId: 'k2', unitId: 'k-d3', reason: 'relative in its leadership' }
		],
		posts,
		management: [
			{ unitId: 'k-soe', position: 'top_leader', managedBy: 'level_above', organId: null },
			{ unitId: 'k-soe2', position: 'top_leader', managedBy: 'organ', organId: 'P' },
			{ unitId: 'k-ly', position: 'other_staff', managedBy: 'organ', organId: 'GONE' }
		]
	};
}
