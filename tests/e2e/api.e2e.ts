/**
 * Public API v1 end to end: `GET /api/v1/units` and `GET /api/v1/routing` over HTTP against the production
 * build, with the demo province (示范省) loaded into the server's own database by `scripts/demo.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSecurityHeaders, type Server } from './harness';
import { startWithDemo } from './demo';

let server: Server;

interface ApiErrorBody {
	error: { code: string; field?: string; message: { zh: string; en: string } };
}
interface Hit {
	id: string;
	name: string;
	level: string;
	regionPath: string;
}

/**
 * Asks a query endpoint. Since issue 14 the look-ups take POST bodies (no target in a URL): the query
 * string written here is sent as the JSON body, each parameter a field (a repeated one an array).
 */
async function get(pathAndQuery: string): Promise<{ res: Response; body: unknown }> {
	const [path, query = ''] = pathAndQuery.split(/\?(.*)/s);
	const params = new URLSearchParams(query);
	const fields: Record<string, string | string[]> = {};
	for (const k of new Set(params.keys())) {
		const all = params.getAll(k);
		fields[k] = all.length > 1 ? all : all[0]!;
	}
	const res = await fetch(`${server.url}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(fields)
	});
	const text = await res.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		/* left as text; the assertions say what was expected */
	}
	return { res, body };
}

/** Every answer of the public API: no cookie set, the security headers, JSON. */
function expectPublicApiHeaders(res: Response): void {
	expect(res.headers.get('set-cookie'), 'the public API never sets a cookie').toBeNull();
	expectSecurityHeaders(res);
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
}

function expectBadParameter(res: Response, body: unknown, field: string): void {
	expect(res.status, JSON.stringify(body)).toBe(400);
	const err = (body as ApiErrorBody).error;
	expect(err.code).toBe('invalid_parameter');
	expect(err.field).toBe(field);
	expect(err.message.zh).toMatch(/[\u4e00-\u9fff]/);
	expect(err.message.zh).toContain(field);
	expect(err.message.en).toMatch(/^[\x20-\x7e]+$/);
	expect(err.message.en).toContain(field);
}

beforeAll(async () => {
	server = await startWithDemo();
});

afterAll(async () => {
	await server?.stop();
});

describe('GET /api/v1/units', () => {
	it('finds 高新区 by its pinyin initials "gxq", with id, name, level and region path only', async () => {
		const { res, body } = await get('/api/v1/units?q=gxq');
		expect(res.status).toBe(200);
		expectPublicApiHeaders(res);
		const hits = body as Hit[];
		expect(hits.length).toBeGreaterThan(0);
		expect(hits[0]).toMatchObject({ name: '高新区', level: 'county' });
		expect(hits[0]!.regionPath).toMatch(/^示范省\/[^/]+\/高新区$/);
		for (const h of hits) expect(Object.keys(h).sort()).toEqual(['id', 'level', 'name', 'regionPath']);
	});

	it('finds units by a Chinese substring anywhere in the name, and by full pinyin', async () => {
		const sub = await get(`/api/v1/units?q=${encodeURIComponent('新区')}&limit=50`);
		expect(sub.res.status).toBe(200);
		const names = (sub.body as Hit[]).map((h) => h.name);
		expect(names).toContain('高新区');
		for (const n of names) expect(n).toContain('新区');

		const full = await get('/api/v1/units?q=gao%20xin%20qu');
		expect((full.body as Hit[])[0]?.name).toBe('高新区');
	});

	it('honours limit and answers [] when nothing matches', async () => {
		const few = await get(`/api/v1/units?q=${encodeURIComponent('示范')}&limit=2`);
		expect((few.body as Hit[]).length).toBe(2);
		const none = await get('/api/v1/units?q=zzzzzzzz');
		expect(none.res.status).toBe(200);
		expect(none.body).toEqual([]);
	});

	it.each([
		['no q at all', '', 'q'],
		['an empty q', 'q=', 'q'],
		['q of spaces only', 'q=%20%20%20', 'q'],
		['q over 50 characters', `q=${encodeURIComponent('高'.repeat(51))}`, 'q'],
		['q given twice', 'q=gxq&q=gao', 'q'],
		['limit 0', 'q=gxq&limit=0', 'limit'],
		['limit above 50', 'q=gxq&limit=51', 'limit'],
		['a negative limit', 'q=gxq&limit=-1', 'limit'],
		['a limit in words', 'q=gxq&limit=ten', 'limit'],
		['a NUL character in q', 'q=g%00x', 'q']
	])('answers 400 with a clear zh and en message for %s', async (_name, query, field) => {
		const { res, body } = await get(`/api/v1/units?${query}`);
		expectBadParameter(res, body, field);
		expectPublicApiHeaders(res);
	});
});

describe('GET /api/v1/routing', () => {
	it('sends a report about a top leader one level up, explained in zh and en, naming no staff', async () => {
		const hit = ((await get('/api/v1/units?q=gxq')).body as Hit[])[0]!;
		const { res, body } = await get(`/api/v1/routing?unit=${hit.id}&position=top_leader&kind=public_tip&escalate=0`);
		expect(res.status, JSON.stringify(body)).toBe(200);
		expectPublicApiHeaders(res);
		const r = body as {
			unit: Hit;
			organ: { id: string; name: string; level: string };
			deliverable: boolean;
			escalate: boolean;
			explanation: { zh: string; en: string };
		};
		expect(r.unit).toEqual(hit);
		const city = hit.regionPath.split('/')[1]!;
		// 高新区 is a county-level district: its top leader goes to the city commission, not the district's own.
		expect(r.organ.level).toBe('city');
		expect(r.organ.name).toBe(`${city}纪委监委`);
		expect(r.deliverable).toBe(true);
		expect(r.escalate).toBe(false);
		// Issue 14: the explanation names the managing committee (the district's leaders are city-managed).
		expect(r.explanation.zh).toContain(`区委书记由上一级的${city}委管理`);
		expect(r.explanation.zh).toContain(r.organ.name);
		expect(r.explanation.en).toContain(`is managed by ${city}委`);
		expect(r.explanation.en).toContain(r.organ.name);
		expect(Object.keys(r).sort()).toEqual(['deliverable', 'escalate', 'explanation', 'organ', 'position', 'unit']);
		expect(JSON.stringify(r)).not.toMatch(/demo-\d/);
	});

	it('sends an official of the same unit to the district level, and escalation one level higher', async () => {
		const hit = ((await get('/api/v1/units?q=gxq')).body as Hit[])[0]!;
		// Issue 14: the district's team members (区长、常委) are city-managed; its other officials are not.
		const member = (await get(`/api/v1/routing?unit=${hit.id}&position=other_staff&kind=public_tip`)).body as {
			organ: { level: string };
		};
		expect(member.organ.level).toBe('county');
		const up = (await get(`/api/v1/routing?unit=${hit.id}&position=other_staff&kind=public_tip&escalate=1`)).body as {
			organ: { level: string };
			escalate: boolean;
		};
		expect(up.organ.level).toBe('city');
		expect(up.escalate).toBe(true);
	});

	const base = { unit: 'sf-c01-k01', position: 'top_leader', kind: 'public_tip', escalate: '0' };
	const query = (over: Record<string, string | null>) => {
		const p = new URLSearchParams();
		for (const [k, v] of Object.entries({ ...base, ...over })) if (v !== null) p.set(k, v);
		return p.toString();
	};

	it.each([
		['no unit', { unit: null }, 'unit'],
		['a unit id with spaces', { unit: 'sf c01' }, 'unit'],
		['no position', { position: null }, 'position'],
		['an unknown position', { position: 'mayor' }, 'position'],
		// No kind is fine (issue 19: routing ignores it); an old client's malformed one is still refused.
		['an unknown kind', { kind: 'gossip' }, 'kind'],
		['escalate=yes', { escalate: 'yes' }, 'escalate'],
		['escalate=2', { escalate: '2' }, 'escalate']
	])('answers 400 with a clear zh and en message for %s', async (_name, over, field) => {
		const { res, body } = await get(`/api/v1/routing?${query(over)}`);
		expectBadParameter(res, body, field);
		expectPublicApiHeaders(res);
	});

	it('answers 400 unknown_unit for a well-formed id that is not in the directory', async () => {
		const { res, body } = await get(`/api/v1/routing?${query({ unit: 'no-such-unit' })}`);
		expect(res.status).toBe(400);
		expectPublicApiHeaders(res);
		const err = (body as ApiErrorBody).error;
		expect(err).toMatchObject({ code: 'unknown_unit', field: 'unit' });
		expect(err.message.zh.length).toBeGreaterThan(0);
		expect(err.message.en.length).toBeGreaterThan(0);
	});
});

describe('malformed queries never cause a server error', () => {
	const nasty: [string, string][] = [
		['a lone %', '%'],
		['a broken escape', '%zz'],
		['NUL', '%00'],
		['overlong UTF-8', '%C0%80'],
		['a UTF-8 surrogate', '%ED%A0%80'],
		['an emoji', '%F0%9F%98%80'],
		['SQL', "'%20or%201=1--"],
		['a backslash', '%5C'],
		['a LIKE wildcard', '_'],
		['percent signs', '%25%25%25'],
		['right-to-left override', '%E2%80%AE'],
		['a newline', 'a%0Ab'],
		['a byte-order mark', '%EF%BB%BF'],
		['50 Chinese characters', encodeURIComponent('高'.repeat(50))],
		['5000 letters', 'x'.repeat(5000)],
		['HTML', encodeURIComponent('<script>alert(1)</script>')],
		['a code point above U+10FFFF', '%F4%90%80%80']
	];
	it.each(nasty)('units?q= %s', async (_label, q) => {
		const { res } = await get(`/api/v1/units?q=${q}`);
		expect([200, 400]).toContain(res.status);
		expectPublicApiHeaders(res);
	});
	it.each(nasty)('routing?unit= %s', async (_label, u) => {
		const { res } = await get(`/api/v1/routing?unit=${u}&position=top_leader&kind=public_tip&escalate=${u}`);
		expect([200, 400]).toContain(res.status);
		expectPublicApiHeaders(res);
	});
	it.each([
		'limit=%00',
		'limit=1e1',
		'limit=0x10',
		'limit=%EF%BC%91',
		'q[]=gxq',
		'&&&',
		'q=gxq&limit=99999999999999999999'
	])('units?%s', async (qs) => {
		const { res } = await get(`/api/v1/units?${qs}`);
		expect([200, 400]).toContain(res.status);
		expectPublicApiHeaders(res);
	});
});

describe('the GET forms (issue 14)', () => {
	it.each([
		'/api/v1/units?q=gxq',
		'/api/v1/routing?unit=sf&position=top_leader&kind=public_tip',
		'/api/v1/directory?organ=o-sf'
	])('%s answers 410 with a pointer to the POST endpoint', async (url) => {
		const res = await fetch(`${server.url}${url}`);
		expect(res.status).toBe(410);
		expectPublicApiHeaders(res);
		const body = (await res.json()) as { error: { use: string } };
		expect(body.error.use).toBe(`POST ${url.split('?')[0]}`);
	});
});
