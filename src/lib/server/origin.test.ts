import type { RequestEvent } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { publicBaseUrl } from './auth/setup';
import { loadConfig } from './config';
import { isCrossSiteFormPost, originHandle, plainHttpOrigin, type OriginSettings } from './origin';

const LOCAL: OriginSettings = { origin: null, protocolHeader: null, hostHeader: null, portHeader: null };
const PUBLIC: OriginSettings = { ...LOCAL, origin: 'https://jubao.example.gov.cn' };
const PROXY: OriginSettings = { ...LOCAL, protocolHeader: 'x-forwarded-proto', hostHeader: 'x-forwarded-host' };

const FORM = 'application/x-www-form-urlencoded';

/**
 * A request as adapter-node hands it over: its URL is ORIGIN, or built from the proxy headers, or (with
 * neither) `https://<Host>` whatever the connection was.
 */
function adapterRequest(
	settings: OriginSettings,
	path: string,
	init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}
): Request {
	const headers = new Headers(init.headers);
	let base = settings.origin;
	if (!base) {
		const proto = (settings.protocolHeader && headers.get(settings.protocolHeader)) || 'https';
		const host = (settings.hostHeader && headers.get(settings.hostHeader)) || headers.get('host');
		base = `${proto}://${host}`;
	}
	return new Request(new URL(path, base), { method: init.method ?? 'GET', headers, body: init.body });
}

interface Outcome {
	status: number;
	/** The event the rest of the app saw (null when the request was refused before it). */
	seen: { url: string; requestUrl: string; fields: Record<string, string> | null } | null;
	response: Response;
}

async function run(settings: OriginSettings, request: Request, correct = true): Promise<Outcome> {
	const event = { request, url: new URL(request.url) } as unknown as RequestEvent;
	let seen: Outcome['seen'] = null;
	const response = await originHandle(
		() => settings,
		correct
	)({
		event,
		resolve: async (e) => {
			const isForm = (e.request.headers.get('content-type') ?? '').startsWith(FORM);
			const fields = isForm
				? Object.fromEntries([...(await e.request.formData()).entries()].map(([k, v]) => [k, String(v)]))
				: null;
			seen = { url: e.url.href, requestUrl: e.request.url, fields };
			return new Response('ok');
		}
	});
	return { status: response.status, seen, response };
}

let warn: MockInstance<typeof console.error>;
beforeEach(() => {
	warn = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

/** The warning lines logged so far, parsed. */
function warnings(): Record<string, unknown>[] {
	return warn.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
}

describe('plainHttpOrigin: the origin the browser used when adapter-node guessed https', () => {
	it('is the Host header over http when neither ORIGIN nor a protocol header is set', () => {
		expect(plainHttpOrigin(new Headers({ host: 'localhost:3000' }), LOCAL)).toBe('http://localhost:3000');
		expect(plainHttpOrigin(new Headers({ host: '192.0.2.7:3000' }), LOCAL)).toBe('http://192.0.2.7:3000');
		expect(plainHttpOrigin(new Headers({ host: '[fd00::2]:3000' }), LOCAL)).toBe('http://[fd00::2]:3000');
		// An explicit :443 over plain http stays (https://h:443 would have lost it).
		expect(plainHttpOrigin(new Headers({ host: 'h.example:443' }), LOCAL)).toBe('http://h.example:443');
		expect(plainHttpOrigin(new Headers({ host: 'h.example:80' }), LOCAL)).toBe('http://h.example');
	});

	it('is null when ORIGIN is set, or when the proxy told the protocol', () => {
		expect(plainHttpOrigin(new Headers({ host: 'localhost:3000' }), PUBLIC)).toBeNull();
		expect(plainHttpOrigin(new Headers({ host: '127.0.0.1:3000', 'x-forwarded-proto': 'https' }), PROXY)).toBeNull();
		expect(plainHttpOrigin(new Headers({ host: '127.0.0.1:3000', 'x-forwarded-proto': 'http' }), PROXY)).toBeNull();
	});

	it('uses HOST_HEADER and PORT_HEADER like adapter-node when the protocol header is missing', () => {
		const s = { ...PROXY, portHeader: 'x-forwarded-port' };
		expect(plainHttpOrigin(new Headers({ host: '127.0.0.1:3000' }), s)).toBe('http://127.0.0.1:3000');
		expect(
			plainHttpOrigin(
				new Headers({ host: '127.0.0.1:3000', 'x-forwarded-host': 'q.example', 'x-forwarded-port': '8080' }),
				s
			)
		).toBe('http://q.example:8080');
	});

	it('is null without any host', () => {
		expect(plainHttpOrigin(new Headers(), LOCAL)).toBeNull();
	});
});

describe('isCrossSiteFormPost: SvelteKit’s rule', () => {
	const site = 'http://localhost:3000';
	const post = (headers: Record<string, string>, method = 'POST') =>
		new Request(`${site}/staff/login`, { method, headers, body: 'a=1' });

	it('refuses form posts whose Origin is missing or another origin, for every form content type and write method', () => {
		for (const type of [
			FORM,
			'multipart/form-data; boundary=x',
			'text/plain;charset=UTF-8',
			'application/x-sveltekit-formdata',
			'Application/X-WWW-Form-Urlencoded'
		]) {
			for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
				expect(
					isCrossSiteFormPost(post({ 'content-type': type, origin: 'https://evil.example' }, method), site),
					`${method} ${type}`
				).toBe(true);
				expect(
					isCrossSiteFormPost(post({ 'content-type': type }, method), site),
					`${method} ${type} without Origin`
				).toBe(true);
				expect(
					isCrossSiteFormPost(post({ 'content-type': type, origin: 'https://localhost:3000' }, method), site),
					'other scheme'
				).toBe(true);
				expect(
					isCrossSiteFormPost(post({ 'content-type': type, origin: 'http://localhost:3001' }, method), site),
					'other port'
				).toBe(true);
				expect(isCrossSiteFormPost(post({ 'content-type': type, origin: 'null' }, method), site), 'opaque origin').toBe(
					true
				);
				expect(isCrossSiteFormPost(post({ 'content-type': type, origin: site }, method), site)).toBe(false);
			}
		}
	});

	it('leaves reads and non-form bodies to their endpoints', () => {
		expect(isCrossSiteFormPost(new Request(`${site}/`, { headers: { origin: 'https://evil.example' } }), site)).toBe(
			false
		);
		expect(
			isCrossSiteFormPost(post({ 'content-type': 'application/json', origin: 'https://evil.example' }), site)
		).toBe(false);
	});
});

describe('the origin handle in each mode', () => {
	it('local mode (no ORIGIN, no proxy): corrects the URL to http, then accepts a same-origin post with its body intact', async () => {
		const req = adapterRequest(LOCAL, '/staff/setup?/create&x=1', {
			method: 'POST',
			headers: { host: '192.0.2.7:3000', 'content-type': FORM, origin: 'http://192.0.2.7:3000' },
			body: 'username=admin&token=abc'
		});
		expect(req.url).toBe('https://192.0.2.7:3000/staff/setup?/create&x=1'); // the adapter's guess
		const out = await run(LOCAL, req);
		expect(out.status).toBe(200);
		expect(out.seen).toEqual({
			url: 'http://192.0.2.7:3000/staff/setup?/create&x=1',
			requestUrl: 'http://192.0.2.7:3000/staff/setup?/create&x=1',
			fields: { username: 'admin', token: 'abc' }
		});
		expect(warnings()).toEqual([]);
	});

	it('local mode: a GET is corrected too (loads and links see http)', async () => {
		const out = await run(
			LOCAL,
			adapterRequest(LOCAL, '/staff/setup?token=t', { headers: { host: 'localhost:3000' } })
		);
		expect(out.seen?.url).toBe('http://localhost:3000/staff/setup?token=t');
	});

	it('local mode: refuses posts from another origin, from https on the same host, and without Origin', async () => {
		for (const origin of ['https://evil.example', 'https://localhost:3000', 'http://localhost:3001', null]) {
			const headers: Record<string, string> = { host: 'localhost:3000', 'content-type': FORM };
			if (origin) headers.origin = origin;
			const out = await run(LOCAL, adapterRequest(LOCAL, '/staff/login', { method: 'POST', headers, body: 'a=1' }));
			expect(out.status, String(origin)).toBe(403);
			expect(out.seen).toBeNull();
		}
	});

	it('ORIGIN set: exactly that origin, whatever the Host header says; nothing is corrected', async () => {
		const ok = await run(
			PUBLIC,
			adapterRequest(PUBLIC, '/staff/login', {
				method: 'POST',
				headers: { host: '127.0.0.1:3000', 'content-type': FORM, origin: PUBLIC.origin! },
				body: 'a=1'
			})
		);
		expect(ok.status).toBe(200);
		expect(ok.seen?.url).toBe('https://jubao.example.gov.cn/staff/login');
		for (const origin of ['http://jubao.example.gov.cn', 'http://127.0.0.1:3000', 'https://evil.example']) {
			const out = await run(
				PUBLIC,
				adapterRequest(PUBLIC, '/staff/login', {
					method: 'POST',
					headers: { host: '127.0.0.1:3000', 'content-type': FORM, origin },
					body: 'a=1'
				})
			);
			expect(out.status, origin).toBe(403);
		}
	});

	it('behind a proxy (PROTOCOL_HEADER): the derived origin; a direct request without the header is plain http', async () => {
		const viaProxy = {
			host: '127.0.0.1:3000',
			'x-forwarded-proto': 'https',
			'x-forwarded-host': 'q.example',
			'content-type': FORM
		};
		const ok = await run(
			PROXY,
			adapterRequest(PROXY, '/staff/login', {
				method: 'POST',
				headers: { ...viaProxy, origin: 'https://q.example' },
				body: 'a=1'
			})
		);
		expect(ok.status).toBe(200);
		expect(ok.seen?.url).toBe('https://q.example/staff/login');
		const foreign = await run(
			PROXY,
			adapterRequest(PROXY, '/staff/login', {
				method: 'POST',
				headers: { ...viaProxy, origin: 'http://q.example' },
				body: 'a=1'
			})
		);
		expect(foreign.status).toBe(403);

		const direct = { host: '127.0.0.1:3000', 'content-type': FORM, origin: 'http://127.0.0.1:3000' };
		const local = await run(
			PROXY,
			adapterRequest(PROXY, '/staff/login', { method: 'POST', headers: direct, body: 'a=1' })
		);
		expect(local.status).toBe(200);
		expect(local.seen?.url).toBe('http://127.0.0.1:3000/staff/login');
	});

	it('without correction (vite dev) the URL is left as it came', async () => {
		const out = await run(LOCAL, adapterRequest(LOCAL, '/', { headers: { host: 'localhost:5173' } }), false);
		expect(out.seen?.url).toBe('https://localhost:5173/');
	});
});

describe('a refused form post', () => {
	const refused = (path: string, headers: Record<string, string> = {}) =>
		run(
			LOCAL,
			adapterRequest(LOCAL, path, {
				method: 'POST',
				headers: {
					host: 'localhost:3000',
					'content-type': FORM,
					origin: 'https://evil.example',
					'user-agent': 'UA-CANARY/1.0',
					...headers
				},
				body: 'a=1'
			})
		);

	it('gets a page in the reader’s language: Chinese by default', async () => {
		const { response } = await refused('/staff/login', { accept: 'text/html,application/xhtml+xml' });
		expect(response.status).toBe(403);
		expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(response.headers.get('cache-control')).toBe('no-store');
		const html = await response.text();
		expect(html).toContain('<html lang="zh-CN">');
		expect(html).toContain('<h1>提交未被接受</h1>');
		expect(html).toContain('ORIGIN');
		expect(html).toContain('<a href="/">返回首页</a>');
	});

	it('gets an English page under /en', async () => {
		const html = await (await refused('/en/staff/login')).response.text();
		expect(html).toContain('<html lang="en">');
		expect(html).toContain('<h1>Form not accepted</h1>');
		expect(html).toContain('ORIGIN setting must match');
		expect(html).toMatch(/<a href="\/en\/?">Back to the home page<\/a>/);
	});

	it('gets an ActionResult an enhanced form can show', async () => {
		const { response } = await refused('/en/staff/login', { accept: 'application/json', 'x-sveltekit-action': 'true' });
		expect(response.status).toBe(403);
		const body = (await response.json()) as { type: string; error: { message: string } };
		expect(body.type).toBe('error');
		expect(body.error.message).toMatch(/^This form was not sent from a page of this site.* ORIGIN setting must match/);
	});

	it('gets the API’s error shape, in both languages, under /api and for JSON clients', async () => {
		for (const [path, accept] of [
			['/api/v1/pow', '*/*'],
			['/staff/login', 'application/json']
		] as const) {
			const { response } = await refused(path, { accept });
			expect(response.status).toBe(403);
			const body = (await response.json()) as { error: { code: string; message: { zh: string; en: string } } };
			expect(body.error.code).toBe('bad_origin');
			expect(body.error.message.zh).toContain('ORIGIN');
			expect(body.error.message.en).toContain('ORIGIN');
		}
	});

	it('logs exactly one warning naming ORIGIN, with the two origins and nothing about the client', async () => {
		await refused('/staff/login');
		const lines = warnings();
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatchObject({
			level: 'warn',
			event: 'form_post_refused',
			reason: 'origin_mismatch',
			expected: 'http://localhost:3000',
			received: 'https://evil.example'
		});
		expect(String(lines[0]!.hint)).toContain('ORIGIN');
		expect(JSON.stringify(lines)).not.toContain('UA-CANARY');
	});

	it('logs a missing or malformed Origin as such, never its text', async () => {
		await run(
			LOCAL,
			adapterRequest(LOCAL, '/staff/login', {
				method: 'POST',
				headers: { host: 'localhost:3000', 'content-type': FORM },
				body: 'a=1'
			})
		);
		await run(
			LOCAL,
			adapterRequest(LOCAL, '/staff/login', {
				method: 'POST',
				headers: { host: 'localhost:3000', 'content-type': FORM, origin: 'not a url zhangsan-13800138000' },
				body: 'a=1'
			})
		);
		expect(warnings().map((l) => l.received)).toEqual(['none', 'invalid']);
		expect(JSON.stringify(warnings())).not.toContain('zhangsan');
	});
});

describe('the proxy header settings', () => {
	it('are read lower-cased like adapter-node, and a malformed name stops start-up', () => {
		const cfg = loadConfig({
			PROTOCOL_HEADER: 'X-Forwarded-Proto',
			HOST_HEADER: 'X-Forwarded-Host',
			PORT_HEADER: 'X-Forwarded-Port'
		});
		expect([cfg.protocolHeader, cfg.hostHeader, cfg.portHeader]).toEqual([
			'x-forwarded-proto',
			'x-forwarded-host',
			'x-forwarded-port'
		]);
		expect(loadConfig({}).protocolHeader).toBeNull();
		expect(() => loadConfig({ PROTOCOL_HEADER: 'x-forwarded-proto: https' })).toThrow(
			'Configuration error: PROTOCOL_HEADER must be an HTTP header name like x-forwarded-proto (got "x-forwarded-proto: https")'
		);
	});
});

describe('printed links', () => {
	it('use ORIGIN, or the plain-http address of this machine', () => {
		expect(publicBaseUrl({ origin: 'https://jubao.example.gov.cn/', host: '0.0.0.0', port: 3000 })).toBe(
			'https://jubao.example.gov.cn'
		);
		expect(publicBaseUrl({ origin: null, host: '0.0.0.0', port: 3000 })).toBe('http://localhost:3000');
		expect(publicBaseUrl({ origin: null, host: '::', port: 3000 })).toBe('http://localhost:3000');
		expect(publicBaseUrl({ origin: null, host: '192.0.2.7', port: 8080 })).toBe('http://192.0.2.7:8080');
		expect(publicBaseUrl({ origin: null, host: '::1', port: 3000 })).toBe('http://[::1]:3000');
	});
});
