import { isHttpError, type RequestEvent } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { formBodies, securityHeaders, strictTransportSecurity } from './security';

/** Runs the handle with a resolve that reads the form the way every action does; the outcome. */
async function readForm(init: RequestInit): Promise<{ status: number } | { fields: Record<string, string> }> {
	const event = {
		request: new Request('http://localhost/staff/login', init),
		url: new URL('http://localhost/staff/login')
	} as unknown as RequestEvent;
	let outcome: { status: number } | { fields: Record<string, string> } = { status: 0 };
	await formBodies({
		event,
		resolve: async (e) => {
			try {
				const form = await e.request.formData();
				outcome = { fields: Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])) };
			} catch (err) {
				outcome = { status: isHttpError(err) ? err.status : 500 };
			}
			return new Response(null);
		}
	});
	return outcome;
}

// Regression (issue 7 fuzzing): a form action given a body that is not form data answered 500.
describe('formBodies', () => {
	it('turns a body of another content type into a 415 instead of a 500', async () => {
		expect(await readForm({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'username=a' })).toEqual({
			status: 415
		});
		expect(await readForm({ method: 'POST', body: new Uint8Array([1, 2]) })).toEqual({ status: 415 });
	});

	it('turns a broken multipart body into a 400 instead of a 500', async () => {
		expect(
			await readForm({
				method: 'POST',
				headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
				body: 'garbage'
			})
		).toEqual({ status: 400 });
		expect(await readForm({ method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'a=1' })).toEqual(
			{ status: 400 }
		);
	});

	it('leaves good form bodies alone', async () => {
		expect(
			await readForm({
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'username=a&code=%E4%B8%AD'
			})
		).toEqual({ fields: { username: 'a', code: '中' } });
		const form = new FormData();
		form.set('token', 'abc');
		expect(await readForm({ method: 'POST', body: form })).toEqual({ fields: { token: 'abc' } });
	});
});

describe('formBodies and the reserved action name', () => {
	it('answers a POST to ?/default with a 404 instead of SvelteKit’s 500', async () => {
		const event = {
			request: new Request('http://localhost/staff/login?/default', { method: 'POST' }),
			url: new URL('http://localhost/staff/login?/default')
		} as unknown as RequestEvent;
		let resolved = false;
		const res = await formBodies({
			event,
			resolve: async () => {
				resolved = true;
				return new Response(null);
			}
		});
		expect(resolved).toBe(false);
		expect(res.status).toBe(404);
	});
});

describe('securityHeaders and HSTS', () => {
	const headersFor = async (url: string) => {
		const event = { request: new Request(url), url: new URL(url), locals: {} } as unknown as RequestEvent;
		return (
			await securityHeaders({
				event,
				resolve: async () => new Response('<p>ok</p>', { headers: { 'content-type': 'text/html' } })
			})
		).headers;
	};

	it('sends Strict-Transport-Security when the origin is https', async () => {
		expect((await headersFor('https://jubao.example.gov.cn/staff/login')).get('strict-transport-security')).toBe(
			'max-age=63072000; includeSubDomains'
		);
	});

	it('never sends it over plain http', async () => {
		expect((await headersFor('http://localhost:3000/')).has('strict-transport-security')).toBe(false);
		expect((await headersFor('http://192.0.2.7:3000/staff/login')).has('strict-transport-security')).toBe(false);
	});

	it('adds preload only when asked to (HSTS_PRELOAD)', () => {
		expect(strictTransportSecurity(false)).toBe('max-age=63072000; includeSubDomains');
		expect(strictTransportSecurity(true)).toBe('max-age=63072000; includeSubDomains; preload');
		expect(loadConfig({}).hstsPreload).toBe(false);
		expect(loadConfig({ HSTS_PRELOAD: 'on' }).hstsPreload).toBe(true);
		expect(() => loadConfig({ HSTS_PRELOAD: 'maybe' })).toThrow(
			'Configuration error: HSTS_PRELOAD must be on or off (got "maybe")'
		);
	});
});
