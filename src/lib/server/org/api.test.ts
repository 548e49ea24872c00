import { beforeAll, expect, it } from 'vitest';
import { describeDb } from '$support/db';
import { bodyParams, gone, routingApi, routingPost, unitsApi, unitsPost } from './api';
import { generateDemo } from '../demo/province';
import { loadDemo } from './store';

const demo = generateDemo();
const p = (s: string) => new URLSearchParams(s);
const cityName = demo.units.find((u) => u.id === 'sf-c01')!.name;

describeDb('public API v1', (get) => {
	beforeAll(async () => {
		await loadDemo(get().db, demo);
	});

	it('GET /units?q=gxq answers 200 with 高新区 first, as id, name, level and region path only', async () => {
		const r = await unitsApi(get().db, p('q=gxq'));
		expect(r.status).toBe(200);
		const body = r.body as Record<string, unknown>[];
		expect(body[0]).toEqual({
			id: 'sf-c01-k01',
			name: '高新区',
			level: 'county',
			regionPath: `示范省/${cityName}/高新区`
		});
		for (const hit of body) expect(Object.keys(hit).sort()).toEqual(['id', 'level', 'name', 'regionPath']);
	});

	it('GET /units honours limit and answers an empty list when nothing matches', async () => {
		expect(((await unitsApi(get().db, p('q=示范&limit=3'))).body as unknown[]).length).toBe(3);
		expect(await unitsApi(get().db, p('q=zzzzzz'))).toEqual({ status: 200, body: [] });
	});

	it.each([
		['missing q', '', 'q'],
		['blank q', 'q=%20%20', 'q'],
		['q over 50 characters', `q=${'高'.repeat(51)}`, 'q'],
		['repeated q', 'q=a&q=b', 'q'],
		['limit 0', 'q=gxq&limit=0', 'limit'],
		['limit 51', 'q=gxq&limit=51', 'limit'],
		['limit not a number', 'q=gxq&limit=ten', 'limit']
	])('GET /units with %s answers 400 naming the parameter', async (_name, query, field) => {
		const r = await unitsApi(get().db, p(query));
		expect(r.status).toBe(400);
		const err = (r.body as { error: { code: string; field: string; message: { zh: string; en: string } } }).error;
		expect(err.code).toBe('invalid_parameter');
		expect(err.field).toBe(field);
		expect(err.message.zh).toContain(field);
		expect(err.message.en).toContain(field);
	});

	it('routes by the post alone: the same answer whatever kind an old client sends, or none', async () => {
		const none = await routingApi(get().db, p('unit=sf-c01-k01-d01&position=team_member'));
		expect(none.status).toBe(200);
		for (const kind of ['public_tip', 'member_tip', 'peer_report', 'interference_record', 'criticism_suggestion']) {
			const r = await routingApi(get().db, p(`unit=sf-c01-k01-d01&position=team_member&kind=${kind}`));
			expect(r).toEqual(none);
			expect(JSON.stringify(r.body)).not.toContain(kind);
		}
	});

	it('GET /routing for a county top leader names the city organ and explains why, without staff', async () => {
		const r = await routingApi(get().db, p('unit=sf-c01-k01&position=top_leader&kind=public_tip&escalate=0'));
		expect(r.status).toBe(200);
		const body = r.body as Record<string, unknown>;
		expect(body.organ).toEqual({ id: 'o-sf-c01', name: `${cityName}纪委监委`, level: 'city' });
		expect(body.unit).toEqual({
			id: 'sf-c01-k01',
			name: '高新区',
			level: 'county',
			regionPath: `示范省/${cityName}/高新区`
		});
		expect(body.deliverable).toBe(true);
		expect(Object.keys(body).sort()).toEqual(['deliverable', 'escalate', 'explanation', 'organ', 'position', 'unit']);
		const explanation = body.explanation as { zh: string; en: string };
		// Issue 14: the explanation names the managing committee (the district's leaders are city-managed).
		expect(explanation.zh).toContain(`区委书记由上一级的${cityName}委管理`);
		expect(explanation.en).toContain(`managed by ${cityName}委`);
		const text = JSON.stringify(body);
		for (const u of demo.users) {
			expect(text).not.toContain(u.id);
			expect(text).not.toContain(u.username);
		}
	});

	it('GET /routing with escalate=1 goes one level further up; escalate defaults to 0', async () => {
		const up = await routingApi(get().db, p('unit=sf-c01-k01-d01&position=team_member&kind=member_tip&escalate=1'));
		expect((up.body as { organ: { id: string } }).organ.id).toBe('o-sf-c01');
		const plain = await routingApi(get().db, p('unit=sf-c01-k01-d01&position=team_member&kind=member_tip'));
		expect((plain.body as { organ: { id: string }; escalate: boolean }).organ.id).toBe('o-sf-c01-k01');
		expect((plain.body as { escalate: boolean }).escalate).toBe(false);
	});

	it.each([
		['missing unit', 'position=top_leader&kind=public_tip', 'invalid_parameter', 'unit'],
		['malformed unit', 'unit=%3Cscript%3E&position=top_leader&kind=public_tip', 'invalid_parameter', 'unit'],
		['unknown unit', 'unit=no-such-unit&position=top_leader&kind=public_tip', 'unknown_unit', 'unit'],
		['missing position', 'unit=sf&kind=public_tip', 'invalid_parameter', 'position'],
		['unknown position', 'unit=sf&position=boss&kind=public_tip', 'invalid_parameter', 'position'],
		['unknown kind', 'unit=sf&position=top_leader&kind=rumour', 'invalid_parameter', 'kind'],
		['escalate=yes', 'unit=sf&position=top_leader&kind=public_tip&escalate=yes', 'invalid_parameter', 'escalate'],
		['repeated kind', 'unit=sf&position=top_leader&kind=public_tip&kind=peer_report', 'invalid_parameter', 'kind']
	])('GET /routing with %s answers 400 with code %s for %s', async (_name, query, code, field) => {
		const r = await routingApi(get().db, p(query));
		expect(r.status).toBe(400);
		const err = (r.body as { error: { code: string; field: string; message: { zh: string; en: string } } }).error;
		expect([err.code, err.field]).toEqual([code, field]);
		expect(err.message.zh.length).toBeGreaterThan(0);
		expect(err.message.en.length).toBeGreaterThan(0);
	});

	const post = (body: unknown, type = 'application/json') =>
		new Request('http://x/api/v1/routing', {
			method: 'POST',
			headers: { 'content-type': type },
			body: typeof body === 'string' ? body : JSON.stringify(body)
		});

	it('POST /units and /routing take the query in the body and answer as the GET forms did', async () => {
		const units = await unitsPost(get().db, post({ q: 'gxq', limit: 5 }));
		expect(units.status).toBe(200);
		expect((units.body as { id: string }[])[0]!.id).toBe('sf-c01-k01');
		const body = { unit: 'sf-c01-k01', position: 'top_leader', kind: 'public_tip', escalate: false };
		const r = await routingPost(get().db, post(body));
		expect(r).toEqual(await routingApi(get().db, p('unit=sf-c01-k01&position=top_leader&kind=public_tip')));
		const region = await routingPost(get().db, post({ ...body, byRegion: true }));
		expect((region.body as { organ: { id: string } }).organ.id).toBe('o-sf-c01-k01');
		expect((region.body as { explanation: { zh: string } }).explanation.zh).toContain('信访室');
	});

	it('POST bodies are checked like the parameters: wrong types, repeated values, not JSON', async () => {
		const bad = async (body: unknown, field: string) => {
			const r = await routingPost(get().db, post(body));
			expect([r.status, (r.body as { error: { field: string } }).error.field]).toEqual([400, field]);
		};
		await bad({ unit: 7, position: 'top_leader', kind: 'public_tip' }, 'unit');
		await bad({ unit: 'sf', position: ['top_leader', 'team_member'], kind: 'public_tip' }, 'position');
		await bad({ unit: 'sf', position: 'top_leader', kind: 'public_tip', escalate: 'maybe' }, 'escalate');
		await bad({ unit: 'sf', position: 'top_leader', kind: 'public_tip', byRegion: 2 }, 'byRegion');
		expect((await routingPost(get().db, post('{', 'application/json'))).status).toBe(400);
		expect((await unitsPost(get().db, post({ q: 'gxq' }, 'text/plain'))).status).toBe(415);
		expect(bodyParams({ q: 'a', limit: 3, escalate: true }).toString()).toBe('q=a&limit=3&escalate=1');
	});

	it('the GET forms answer 410 with a pointer to the POST endpoint', () => {
		const a = gone('POST /api/v1/units');
		expect(a.status).toBe(410);
		expect(a.body).toMatchObject({ error: { code: 'not_found', use: 'POST /api/v1/units' } });
		expect((a.body as { error: { message: { en: string } } }).error.message.en).toContain('POST /api/v1/units');
	});
});
