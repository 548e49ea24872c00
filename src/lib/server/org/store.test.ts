import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeDb } from '$support/db';
import { orgUnit, staffUser } from '../db/schema';
import { generateDemo } from '../demo/province';
import { routeReport } from './routing';
import {
	DEMO_AUTH_HASH,
	hasNonDemoOrgData,
	loadDemo,
	loadOrgData,
	loadRoutingSnapshot,
	OrgDataExistsError
} from './store';
import { searchUnits } from './search';
import { makeSnapshot, POSITION_KINDS } from './types';
import { rowsOf } from './sql';

const demo = generateDemo();

describeDb('org store', (get) => {
	it('loads the demo directory and reads it back unchanged', async () => {
		const { db } = get();
		await loadDemo(db, demo);
		const back = await loadOrgData(db);
		const sortBy = <T>(list: T[], key: (t: T) => string) =>
			[...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
		expect(sortBy(back.units, (u) => u.id)).toEqual(sortBy(demo.units, (u) => u.id));
		expect(sortBy(back.organs, (o) => o.id)).toEqual(sortBy(demo.organs, (o) => o.id));
		expect(back.jurisdiction.length).toBe(demo.jurisdiction.length);
		expect(sortBy(back.staff, (s) => s.id)).toEqual(sortBy(demo.staff, (s) => s.id));
		expect(back.conflicts.length).toBe(demo.conflicts.length);
		expect(back.posts.length).toBe(demo.posts.length);
		expect(await hasNonDemoOrgData(db)).toBe(false);
	});

	it('gives demo staff accounts that can never sign in', async () => {
		const { db } = get();
		const rows = await db.select({ hash: staffUser.authHash, salt: staffUser.authSalt }).from(staffUser);
		expect(rows.length).toBe(demo.users.length);
		for (const r of rows) {
			expect(r.hash).toBe(DEMO_AUTH_HASH);
			expect(r.salt.length).toBe(16);
		}
	});

	it('routes from the per-unit database slice exactly as from the whole directory', async () => {
		const { db } = get();
		const whole = makeSnapshot(demo);
		// Every unit of the first city and a sample of the rest, every position and escalation.
		const units = demo.units.filter((u, i) => u.id.startsWith('sf-c01') || i % 7 === 0);
		for (const u of units) {
			const slice = await loadRoutingSnapshot(db, u.id);
			for (const position of POSITION_KINDS)
				for (const escalate of [false, true]) {
					const r = { unitId: u.id, position, escalate };
					expect(routeReport(slice, r)).toEqual(routeReport(whole, r));
				}
		}
	});

	it('leaves disabled staff out of the slice, so they never receive', async () => {
		const { db } = get();
		const unitId = 'sf-c01-d01';
		const before = routeReport(await loadRoutingSnapshot(db, unitId), {
			unitId,
			position: 'team_member',
			escalate: false
		});
		if (before.status !== 'routed') throw new Error(before.status);
		const [first] = before.recipients;
		await db.execute(sql`update staff_user set disabled_at = now() where id = ${first}`);
		const after = routeReport(await loadRoutingSnapshot(db, unitId), {
			unitId,
			position: 'team_member',
			escalate: false
		});
		expect(after.status === 'routed' && after.recipients).toEqual(before.recipients.slice(1));
		await db.execute(sql`update staff_user set disabled_at = null where id = ${first}`);
	});

	it('an unknown unit id gives an empty slice and the unknown_unit result', async () => {
		const slice = await loadRoutingSnapshot(get().db, 'no-such-unit');
		expect(slice.units.size).toBe(0);
		expect(routeReport(slice, { unitId: 'no-such-unit', position: 'top_leader', escalate: false }).status).toBe(
			'unknown_unit'
		);
	});

	it('finds 高新区 by initials, by full pinyin and by a Chinese substring', async () => {
		const { db } = get();
		const cityName = demo.units.find((u) => u.id === 'sf-c01')!.name;
		for (const q of ['gxq', 'GaoXin', 'gao xin', '高新']) {
			const hits = await searchUnits(db, q);
			expect(hits[0], q).toEqual({
				id: 'sf-c01-k01',
				name: '高新区',
				level: 'county',
				regionPath: `示范省/${cityName}/高新区`
			});
		}
		const sub = await searchUnits(db, '新区财政');
		expect(sub.map((h) => h.name)).toEqual(['高新区财政局']);
		expect(await searchUnits(db, '   ')).toEqual([]);
		expect(await searchUnits(db, '不存在的单位名')).toEqual([]);
	});

	it('search ranks an exact name first and respects the limit', async () => {
		const { db } = get();
		const hits = await searchUnits(db, '示范省', 5);
		expect(hits.length).toBe(5);
		expect(hits[0]!.name).toBe('示范省');
		const keys = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from org_unit_search`));
		const chars = demo.units.reduce((n, u) => n + Array.from(u.name).length, 0);
		expect(keys[0]!.n).toBe(chars);
	});

	it('refuses to overwrite non-demo data unless forced, and changes nothing when it refuses', async () => {
		const { db } = get();
		await db
			.update(orgUnit)
			.set({ isDemo: false })
			.where(sql`${orgUnit.id} = 'sf-c01'`);
		await expect(loadDemo(db, demo)).rejects.toBeInstanceOf(OrgDataExistsError);
		const [n] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from org_unit where not is_demo`));
		expect(n!.n).toBe(1);
		await loadDemo(db, demo, { force: true });
		expect(await hasNonDemoOrgData(db)).toBe(false);
		const [users] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from staff_user`));
		expect(users!.n).toBe(demo.users.length);
	});
});
