import { expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { generateDemo } from '../demo/province';
import { previewRouting } from './admin';
import { getUnitManagement, setPostManagement } from './admin-management';
import { loadDemo } from './store';

const COUNTY_DEPT = 'sf-c01-k02-d04'; // 银清县教育局
const organFor = async (db: Parameters<typeof previewRouting>[0], unitId: string, position: string) =>
	(await previewRouting(db, unitId)).find((p) => p.position === position)?.organ?.id;

describeDb('admin: cadre-management authority per unit', (get) => {
	it('shows the unit type, the default per kind of post and the overrides of the demo', async () => {
		const { db } = get();
		await loadDemo(db, generateDemo());
		const dept = (await getUnitManagement(db, COUNTY_DEPT))!;
		expect(dept.unitType).toBe('department');
		expect(dept.posts.map((p) => [p.position, p.defaultManagedBy, p.override, p.managedBy])).toEqual([
			['top_leader', 'own_level', null, 'own_level'],
			['team_member', 'own_level', null, 'own_level'],
			['other_staff', 'own_level', null, 'own_level']
		]);
		// A county's own leaders are managed by the city committee; its other staff by the county.
		const county = (await getUnitManagement(db, 'sf-c01-k02'))!;
		expect(county.unitType).toBe('party_government');
		expect(county.posts.map((p) => p.managedBy)).toEqual(['level_above', 'level_above', 'own_level']);
		expect((await getUnitManagement(db, 'sf-c01-k02-t01-v01'))?.unitType).toBe('village');
		// The demo's overrides: a centrally managed enterprise, and 高新区's company head managed by the city.
		const central = (await getUnitManagement(db, 'sf-e02'))!;
		expect(central.unitType).toBe('soe');
		expect(central.posts[0]).toEqual({
			position: 'top_leader',
			defaultManagedBy: 'own_level',
			override: { managedBy: 'organ', organ: { id: 'o-central', name: '中央纪委国家监委（示意）' } },
			managedBy: 'organ'
		});
		expect((await getUnitManagement(db, 'sf-c01-k01-e01'))!.posts[0]).toMatchObject({
			defaultManagedBy: 'own_level',
			override: { managedBy: 'level_above', organ: null },
			managedBy: 'level_above'
		});
		expect(await getUnitManagement(db, 'no-such-unit')).toBeNull();
		expect(await getUnitManagement(db, '../x')).toBeNull();
	});

	it('sets and clears an override, and routing follows it', async () => {
		const { db } = get();
		expect(await organFor(db, COUNTY_DEPT, 'top_leader')).toBe('o-sf-c01-k02');

		expect(
			await setPostManagement(db, { unitId: COUNTY_DEPT, position: 'top_leader', managedBy: 'level_above' })
		).toEqual({ ok: true, changed: 'set' });
		expect((await getUnitManagement(db, COUNTY_DEPT))!.posts[0]).toMatchObject({
			defaultManagedBy: 'own_level',
			override: { managedBy: 'level_above', organ: null },
			managedBy: 'level_above'
		});
		expect(await organFor(db, COUNTY_DEPT, 'top_leader')).toBe('o-sf-c01');
		expect(await organFor(db, COUNTY_DEPT, 'team_member')).toBe('o-sf-c01-k02');

		// A named organ replaces the override (one row per unit and post).
		expect(
			await setPostManagement(db, {
				unitId: COUNTY_DEPT,
				position: 'top_leader',
				managedBy: 'organ',
				organId: ' o-sf '
			})
		).toEqual({ ok: true, changed: 'set' });
		expect((await getUnitManagement(db, COUNTY_DEPT))!.posts[0]!.override).toEqual({
			managedBy: 'organ',
			organ: { id: 'o-sf', name: '示范省纪委监委' }
		});
		expect(await organFor(db, COUNTY_DEPT, 'top_leader')).toBe('o-sf');

		expect(await setPostManagement(db, { unitId: COUNTY_DEPT, position: 'top_leader', managedBy: 'default' })).toEqual({
			ok: true,
			changed: 'cleared'
		});
		expect((await getUnitManagement(db, COUNTY_DEPT))!.posts[0]).toMatchObject({
			override: null,
			managedBy: 'own_level'
		});
		expect(await organFor(db, COUNTY_DEPT, 'top_leader')).toBe('o-sf-c01-k02');
	});

	it('refuses bad input with a typed error and changes nothing', async () => {
		const { db } = get();
		const base = { unitId: COUNTY_DEPT, position: 'team_member' };
		const cases: [Parameters<typeof setPostManagement>[1], string][] = [
			[{ ...base, position: 'boss', managedBy: 'own_level' }, 'invalid_position'],
			[{ ...base, managedBy: 'nobody' }, 'invalid_managed_by'],
			[{ ...base, managedBy: 'organ' }, 'organ_required'],
			[{ ...base, managedBy: 'organ', organId: '   ' }, 'organ_required'],
			[{ ...base, managedBy: 'level_above', organId: 'o-sf' }, 'organ_not_allowed'],
			[{ ...base, managedBy: 'organ', organId: 'o-nowhere' }, 'unknown_organ'],
			[{ ...base, managedBy: 'organ', organId: "o'; drop table x" }, 'unknown_organ'],
			[{ ...base, unitId: 'no-such-unit', managedBy: 'own_level' }, 'unknown_unit'],
			[{ ...base, unitId: '', managedBy: 'default' }, 'unknown_unit']
		];
		for (const [input, error] of cases) expect(await setPostManagement(db, input), error).toEqual({ ok: false, error });
		expect((await getUnitManagement(db, COUNTY_DEPT))!.posts.every((p) => p.override === null)).toBe(true);
	});
});
