import { beforeAll, expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { organStaff } from '../db/schema';
import { generateDemo } from '../demo/province';
import { findUnits } from './api';
import { countyPosterUnits, mayPrintAny, posterCounties, posterUnit, posterUrl, qrMatrix } from './posters';
import { loadDemo } from './store';

const demo = generateDemo();
const COUNTY = 'sf-c01-k02'; // 银清县
const DEPT = 'sf-c01-k02-d04'; // 银清县教育局
const OTHER_COUNTY_DEPT = 'sf-c01-k01-d05'; // 高新区财政局
const staffOf = (organId: string, role: string) => {
	const s = demo.staff.find((x) => x.organId === organId && x.role === role);
	if (!s) throw new Error(`no ${role} in ${organId}`);
	return { id: s.id, isAdmin: false };
};

// The demo's county commissions have no admin: a member of another county's commission is made one here.
const countyAdmin = staffOf('o-sf-c01-k03', 'inspector');

describeDb('码上监督 posters', (get) => {
	beforeAll(async () => {
		await loadDemo(get().db, demo);
		await get().db.insert(organStaff).values({ staffId: countyAdmin.id, organId: 'o-sf-c01-k02', role: 'admin' });
	});

	it('an organ admin prints for its jurisdiction and below, nothing else; an inspector prints nothing', async () => {
		const { db } = get();
		const cityAdmin = staffOf('o-sf-c01', 'admin');
		const inspector = staffOf('o-sf-c01-k02', 'inspector');
		const instanceAdmin = { id: inspector.id, isAdmin: true };

		expect((await posterUnit(db, countyAdmin, DEPT))?.name).toBe('银清县教育局');
		expect(await posterUnit(db, countyAdmin, OTHER_COUNTY_DEPT)).toBeNull();
		expect(await posterUnit(db, countyAdmin, 'sf-c01')).toBeNull(); // the city above it
		// The city commission's jurisdiction holds the city's own unit: everything below it is the city admin's.
		expect((await posterUnit(db, cityAdmin, OTHER_COUNTY_DEPT))?.id).toBe(OTHER_COUNTY_DEPT);
		expect(await posterUnit(db, inspector, DEPT)).toBeNull();
		expect(await mayPrintAny(db, inspector)).toBe(false);
		expect(await mayPrintAny(db, countyAdmin)).toBe(true);
		expect((await posterUnit(db, instanceAdmin, OTHER_COUNTY_DEPT))?.id).toBe(OTHER_COUNTY_DEPT);
		expect(await posterUnit(db, instanceAdmin, 'no-such-unit')).toBeNull();

		expect((await posterCounties(db, countyAdmin)).map((c) => c.id)).toEqual([COUNTY]);
		const cityCounties = (await posterCounties(db, cityAdmin)).map((c) => c.id);
		expect(cityCounties).toContain(COUNTY);
		expect(cityCounties.every((id) => id.startsWith('sf-c01-'))).toBe(true);
		expect(await posterCounties(db, inspector)).toEqual([]);
	});

	it('the batch view holds the county and every unit below it, and only for those allowed', async () => {
		const { db } = get();
		const batch = await countyPosterUnits(db, countyAdmin, COUNTY);
		expect(batch).not.toBeNull();
		const ids = batch!.units.map((u) => u.id);
		const expected = demo.units.filter((u) => u.id === COUNTY || u.id.startsWith(`${COUNTY}-`)).map((u) => u.id);
		expect(ids[0]).toBe(COUNTY);
		expect(new Set(ids)).toEqual(new Set(expected));
		expect(ids.length).toBeGreaterThan(10);
		expect(batch!.truncated).toBe(false);
		expect(await countyPosterUnits(db, countyAdmin, 'sf-c01-k01')).toBeNull();
		expect(await countyPosterUnits(db, countyAdmin, DEPT)).toBeNull(); // not a county
		expect(await countyPosterUnits(db, staffOf('o-sf-c01-k02', 'inspector'), COUNTY)).toBeNull();
	});

	it('the QR URL carries the unit in the fragment only, and the public search finds a unit by id in a body', async () => {
		const url = posterUrl('https://qf.example.org/', '/report', DEPT);
		expect(url).toBe(`https://qf.example.org/report#u=${DEPT}`);
		expect(new URL(url).pathname + new URL(url).search).toBe('/report');
		const qr = qrMatrix(url);
		expect(qr.length).toBeGreaterThan(21);
		expect(qr.every((row) => row.length === qr.length)).toBe(true);

		const { db } = get();
		const hit = await findUnits(db, new URLSearchParams({ id: DEPT }));
		expect(hit).toEqual({
			ok: true,
			value: [{ id: DEPT, name: '银清县教育局', level: 'county', regionPath: '示范省/北泉市/银清县/银清县教育局' }]
		});
		expect(await findUnits(db, new URLSearchParams({ id: 'no-such-unit' }))).toEqual({ ok: true, value: [] });
		const bad = await findUnits(db, new URLSearchParams({ id: 'bad id with spaces' }));
		expect(bad.ok).toBe(false);
		expect(!bad.ok && bad.code).toBe('invalid_parameter');
	});
});
