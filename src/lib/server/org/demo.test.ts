import { describe, expect, it } from 'vitest';
import { CENTRAL_ORGAN_ID, generateDemo, mulberry32 } from './demo';
import { ADMIN_LEVELS } from './types';

describe('demo generator', () => {
	it('gives identical output for the same seed and different output for another seed', () => {
		expect(JSON.stringify(generateDemo())).toBe(JSON.stringify(generateDemo()));
		expect(JSON.stringify(generateDemo({ seed: 2 }))).not.toBe(JSON.stringify(generateDemo()));
		const r = mulberry32(1);
		expect([r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478]);
	});

	it('builds a few hundred units in 示范省 with a 高新区, posts, organs at every level, teams, staff and conflicts', () => {
		const d = generateDemo();
		expect(d.units.length).toBe(316);
		expect(d.units[0]).toEqual({ id: 'sf', parentId: null, name: '示范省', level: 'province', regionPath: '示范省' });
		expect(d.units.filter((u) => u.name === '高新区').map((u) => u.level)).toEqual(['county']);
		const levels = new Set(d.organs.filter((o) => o.kind === 'commission').map((o) => o.level));
		expect([...levels].sort()).toEqual([...ADMIN_LEVELS].sort());
		expect(d.organs.filter((o) => o.kind === 'stationed_team').length).toBe(16);
		expect(d.organs.find((o) => o.parentOrganId === null)?.id).toBe(CENTRAL_ORGAN_ID);
		for (const u of d.units)
			expect(d.posts.filter((p) => p.unitId === u.id && p.position === 'top_leader').length).toBe(1);
		expect(new Set(d.staff.map((s) => s.role))).toEqual(new Set(['inspector', 'head', 'admin']));
		expect(d.staff.some((s) => !s.hasKey)).toBe(true);
		expect(d.conflicts.length).toBe(8);
		expect(new Set(d.units.map((u) => u.id)).size).toBe(d.units.length);
		expect(new Set(d.users.map((u) => u.id)).size).toBe(d.users.length);
	});

	it('scales to about the requested number of units', () => {
		const d = generateDemo({ units: 20_000 });
		expect(Math.abs(d.units.length - 20_000)).toBeLessThan(1_000);
	});
});
