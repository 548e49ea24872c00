import { describe, expect, it } from 'vitest';
import { readErrorAnswer, sendRequest } from './http';
import { StaffApiError, errorText, staffBlob, staffJson } from './staff/api';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });

/** A fetch that records what it was asked and answers `res`. */
function recorder(res: () => Response) {
	const seen: { url: string; init: RequestInit | undefined }[] = [];
	return { seen, fetch: async (url: string, init?: RequestInit) => (seen.push({ url, init }), res()) };
}

describe('the fetch core', () => {
	it('builds the request: method from the body, JSON or raw content type, bearer token, the caller’s credentials', async () => {
		const r = recorder(() => answer(200, {}));
		await sendRequest('/a', { credentials: 'omit', fetch: r.fetch });
		await sendRequest('/b', { credentials: 'same-origin', json: { x: 1 }, accept: 'application/json', fetch: r.fetch });
		await sendRequest('/c', { credentials: 'omit', method: 'PUT', body: 'raw', token: 't0k', fetch: r.fetch });
		expect(r.seen).toEqual([
			{ url: '/a', init: { method: 'GET', headers: {}, credentials: 'omit' } },
			{
				url: '/b',
				init: {
					method: 'POST',
					headers: { accept: 'application/json', 'content-type': 'application/json' },
					credentials: 'same-origin',
					body: '{"x":1}'
				}
			},
			{
				url: '/c',
				init: {
					method: 'PUT',
					headers: { 'content-type': 'application/octet-stream', authorization: 'Bearer t0k' },
					credentials: 'omit',
					body: 'raw'
				}
			}
		]);
	});

	it('reads the shared error body once, and only its well-formed fields', async () => {
		expect(
			await readErrorAnswer(
				answer(409, { error: { code: 'routing_changed', field: 'organ', message: { zh: '变了', en: 'changed' } } })
			)
		).toEqual({
			status: 409,
			code: 'routing_changed',
			field: 'organ',
			message: { zh: '变了', en: 'changed' },
			retryAfter: undefined
		});
		expect(
			await readErrorAnswer(answer(429, { error: { code: 7, message: { zh: '忙' } } }, { 'retry-after': '12' }))
		).toEqual({ status: 429, message: { zh: '忙', en: undefined }, retryAfter: 12 });
		expect(await readErrorAnswer(answer(502, '<html>bad gateway</html>'))).toEqual({
			status: 502,
			retryAfter: undefined
		});
	});
});

describe('the back office client on the core', () => {
	it('sends the session cookie and asks for JSON; 204 is null', async () => {
		const r = recorder(() => answer(200, { ok: 1 }));
		expect(await staffJson('/staff/api/x', { fetch: r.fetch })).toEqual({ ok: 1 });
		expect(r.seen[0]!.init).toMatchObject({
			method: 'GET',
			credentials: 'same-origin',
			headers: { accept: 'application/json' }
		});
		expect(
			await staffJson('/staff/api/x', { method: 'DELETE', fetch: async () => new Response(null, { status: 204 }) })
		).toBe(null);
	});

	it('turns answers and failures into StaffApiError: the code, the message when both languages are there', async () => {
		const full = await staffJson('/x', {
			fetch: async () => answer(403, { error: { code: 'forbidden', message: { zh: '无权', en: 'Not allowed' } } })
		}).catch((e: unknown) => e);
		expect(full).toBeInstanceOf(StaffApiError);
		expect(full).toMatchObject({ status: 403, code: 'forbidden', label: { zh: '无权', en: 'Not allowed' } });
		expect(errorText(full, 'en', 'fallback')).toBe('Not allowed');
		expect(errorText(full, 'zh-CN', 'fallback')).toBe('无权');

		const half = await staffBlob('/x', {
			fetch: async () => answer(404, { error: { code: 'not_found', message: { zh: '没有' } } })
		}).catch((e: unknown) => e);
		expect(half).toMatchObject({ status: 404, code: 'not_found', label: null });
		expect(errorText(half, 'en', 'fallback')).toBe('fallback');

		expect(await staffJson('/x', { fetch: async () => answer(500, 'oops') }).catch((e: unknown) => e)).toMatchObject({
			status: 500,
			code: 'http_500',
			label: null
		});
		expect(
			await staffJson('/x', {
				fetch: async () => {
					throw new TypeError('offline');
				}
			}).catch((e: unknown) => e)
		).toMatchObject({ status: 0, code: 'network' });
		const abort = new DOMException('stopped', 'AbortError');
		await expect(
			staffJson('/x', {
				fetch: async () => {
					throw abort;
				}
			})
		).rejects.toBe(abort);
	});
});
