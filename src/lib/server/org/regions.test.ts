import { beforeAll, expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { generateDemo } from '../demo/province';
import { findRegions, regionsPost } from './regions';
import { loadDemo } from './store';

const demo = generateDemo();
const p = (s: string) => new URLSearchParams(s);
const post = (body: unknown) =>
	new Request('http://x/api/v1/regions', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});

describeDb('region picker look-up (POST /api/v1/regions)', (get) => {
	beforeAll(async () => {
		await loadDemo(get().db, demo);
	});

	it('answers the top region, then the cities below it, with pinyin and initials, and no department', async () => {
		const top = await findRegions(get().db, p(''));
		expect(top.ok && top.value.map((r) => r.id)).toEqual(['sf']);
		const below = await findRegions(get().db, p('parent=sf'));
		if (!below.ok) throw new Error(below.code);
		expect(below.value.map((r) => r.name)).toEqual(['北泉市', '石银市', '泉兴市', '龙华市']);
		const bq = below.value[0]!;
		expect(bq).toEqual({
			id: 'sf-c01',
			name: '北泉市',
			level: 'city',
			regionPath: '示范省/北泉市',
			pinyin: 'bei quan shi',
			initials: 'bqs',
			hasChildren: true
		});
	});

	it('lists a county’s townships (not its departments, SOEs or schools); a township has no regions below', async () => {
		const r = await findRegions(get().db, p('parent=sf-c01-k03'));
		if (!r.ok) throw new Error(r.code);
		expect(r.value.map((x) => `${x.name} ${x.level} ${x.hasChildren}`)).toEqual([
			'南阳乡 township false',
			'平长镇 township false',
			'金福乡 township false'
		]);
		const t = await findRegions(get().db, p('parent=sf-c01-k03-t02'));
		expect(t).toEqual({ ok: true, value: [] });
	});

	it('refuses a parent that is not a region, a malformed or repeated parent, and unknown fields', async () => {
		expect(await findRegions(get().db, p('parent=sf-c01-k03-d05'))).toMatchObject({ ok: false, code: 'unknown_unit' });
		expect(await findRegions(get().db, p('parent=nope-404'))).toMatchObject({ ok: false, code: 'unknown_unit' });
		expect(await findRegions(get().db, p('parent=%20bad%20'))).toMatchObject({
			ok: false,
			code: 'invalid_parameter',
			field: 'parent'
		});
		expect(await findRegions(get().db, p('parent=sf&parent=sf-c01'))).toMatchObject({
			ok: false,
			code: 'invalid_parameter',
			field: 'parent'
		});
		expect(await findRegions(get().db, p('q=bq'))).toMatchObject({ ok: false, code: 'invalid_parameter', field: 'q' });
	});

	it('serves the POST body: 200 with the list, 400 in both languages for a bad parent', async () => {
		const okAnswer = await regionsPost(get().db, post({ parent: 'sf-c01' }));
		expect(okAnswer.status).toBe(200);
		expect((okAnswer.body as { name: string }[]).map((r) => r.name)).toEqual(['高新区', '银清县', '丰泉区']);
		const bad = await regionsPost(get().db, post({ parent: { id: 'sf' } }));
		expect(bad.status).toBe(400);
		expect(bad.body).toMatchObject({ error: { code: 'invalid_parameter', field: 'parent' } });
		const unknown = await regionsPost(get().db, post({ parent: 'sf-c01-k03-d05' }));
		expect(unknown.status).toBe(400);
		expect(JSON.stringify(unknown.body)).toContain('目录中找不到这个单位');
	});
});
