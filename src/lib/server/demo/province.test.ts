import { describe, expect, it } from 'vitest';
import { CENTRAL_ORGAN_ID, generateDemo, mulberry32 } from './province';
import { ADMIN_LEVELS, UNIT_TYPES } from '../org/types';

describe('demo generator', () => {
	it('gives identical output for the same seed and different output for another seed', () => {
		expect(JSON.stringify(generateDemo())).toBe(JSON.stringify(generateDemo()));
		expect(JSON.stringify(generateDemo({ seed: 2 }))).not.toBe(JSON.stringify(generateDemo()));
		const r = mulberry32(1);
		expect([r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478]);
	});

	it('builds a few hundred units in 示范省 with a 高新区, posts, organs at every level, teams, staff and conflicts', () => {
		const d = generateDemo();
		expect(d.units.length).toBe(440);
		expect(d.units[0]).toEqual({
			id: 'sf',
			parentId: null,
			name: '示范省',
			level: 'province',
			regionPath: '示范省',
			type: 'party_government'
		});
		expect(d.units.filter((u) => u.name === '高新区').map((u) => u.level)).toEqual(['county']);
		const levels = new Set(d.organs.filter((o) => o.kind === 'commission').map((o) => o.level));
		expect([...levels].sort()).toEqual([...ADMIN_LEVELS].sort());
		expect(d.organs.filter((o) => o.kind === 'stationed_team').length).toBe(16);
		expect(d.organs.find((o) => o.parentOrganId === null)?.id).toBe(CENTRAL_ORGAN_ID);
		for (const u of d.units)
			expect(d.posts.filter((p) => p.unitId === u.id && p.position === 'top_leader').length).toBe(1);
		expect(new Set(d.staff.map((s) => s.role))).toEqual(new Set(['inspector', 'head', 'admin']));
		expect(d.conflicts.length).toBe(8);
		expect(new Set(d.units.map((u) => u.id)).size).toBe(d.units.length);
		expect(new Set(d.users.map((u) => u.id)).size).toBe(d.users.length);
	});

	it('has every kind of unit, the leaders of each level and per-unit management overrides', () => {
		const d = generateDemo();
		expect(new Set(d.units.map((u) => u.type))).toEqual(new Set(UNIT_TYPES));
		const titles = (unitId: string) => d.posts.filter((p) => p.unitId === unitId).map((p) => p.title);
		expect(titles('sf')).toEqual(['省委书记', '省长', '省委常委']);
		expect(titles('sf-c01-k01')).toEqual(['区委书记', '区长', '区委常委']);
		expect(titles('sf-c01-k01-d05')).toEqual(['局长', '副局长', '副局长']);
		expect(d.units.filter((u) => u.type === 'village').every((u) => u.level === 'township')).toBe(true);
		expect(d.units.find((u) => u.id === 'sf-c01-k01-u01')?.name).toBe('高新区第一中学');
		expect(d.management).toEqual([
			{ unitId: 'sf-e02', position: 'top_leader', managedBy: 'organ', organId: CENTRAL_ORGAN_ID },
			{ unitId: 'sf-c01-k01-e01', position: 'top_leader', managedBy: 'level_above', organId: null }
		]);
		// Every organ, township ones included, has a head and at least one inspector, all with keys (the
		// keyed demo, `npm run demo:keys -- --all`, can then receive a report routed anywhere).
		for (const o of d.organs) {
			const roles = d.staff.filter((s) => s.organId === o.id && s.role !== 'admin');
			expect(
				roles.every((s) => s.hasKey),
				o.id
			).toBe(true);
			expect(roles.filter((s) => s.role === 'head').length, o.id).toBeGreaterThanOrEqual(1);
			expect(roles.filter((s) => s.role === 'inspector').length, o.id).toBeGreaterThanOrEqual(1);
		}
	});

	it('scales to about the requested number of units', () => {
		const d = generateDemo({ units: 20_000 });
		expect(Math.abs(d.units.length - 20_000)).toBeLessThan(1_000);
	});
});
