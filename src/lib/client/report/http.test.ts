import { describe, expect, it } from 'vitest';
import { errorFromResponse, requestJson, send, withRetry } from './http';
import { ReportError } from './errors';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
	new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });

describe('errors from answers', () => {
	it('maps documented codes and statuses to library codes, keeping the server details', async () => {
		const e = await errorFromResponse(
			answer(409, { error: { code: 'recipients_changed', field: 'wraps', message: { zh: '变了', en: 'changed' } } })
		);
		expect(e).toMatchObject({
			code: 'invalid_input',
			serverCode: 'recipients_changed',
			field: 'wraps',
			status: 409,
			serverMessage: { zh: '变了', en: 'changed' }
		});
		expect(
			await errorFromResponse(answer(429, { error: { code: 'rate_limited' } }, { 'retry-after': '30' }))
		).toMatchObject({ code: 'rate_limited', retryAfter: 30 });
		expect(await errorFromResponse(answer(403, { error: { code: 'receipt_not_recognised' } }))).toMatchObject({
			code: 'receipt_not_recognised'
		});
		expect(await errorFromResponse(answer(401, { error: { code: 'token_invalid' } }))).toMatchObject({
			code: 'session_expired'
		});
		expect(await errorFromResponse(answer(404, { error: { code: 'unknown_intake' } }))).toMatchObject({
			code: 'upload_expired'
		});
		expect(await errorFromResponse(answer(400, { error: { code: 'pow_replayed' } }))).toMatchObject({
			code: 'pow_failed'
		});
		expect(await errorFromResponse(answer(502, '<html>bad gateway</html>'))).toMatchObject({
			code: 'server',
			status: 502
		});
		expect(await errorFromResponse(answer(503, 'busy'))).toMatchObject({ code: 'rate_limited' });
	});

	it('send: no credentials, no referrer, no cache; network failures and aborts are typed', async () => {
		let seen: RequestInit | undefined;
		await send('/x', { fetch: async (_u, init) => ((seen = init), answer(200, {})), json: { a: 1 } });
		expect(seen).toMatchObject({
			method: 'POST',
			credentials: 'omit',
			cache: 'no-store',
			referrerPolicy: 'no-referrer'
		});
		await expect(
			send('/x', {
				fetch: async () => {
					throw new TypeError('offline');
				}
			})
		).rejects.toMatchObject({ code: 'network' });
		const ctrl = new AbortController();
		ctrl.abort();
		await expect(send('/x', { fetch: async () => answer(200, {}), signal: ctrl.signal })).rejects.toMatchObject({
			code: 'cancelled'
		});
		await expect(requestJson('/x', { fetch: async () => answer(200, 'not json') })).rejects.toMatchObject({
			code: 'server'
		});
	});
});

describe('withRetry', () => {
	it('retries transient failures with doubling delays, up to 4 tries', async () => {
		const delays: number[] = [];
		let calls = 0;
		const fail = () => {
			calls++;
			throw new ReportError('network', 'down');
		};
		await expect(withRetry(async () => fail(), { wait: async (ms) => void delays.push(ms) })).rejects.toMatchObject({
			code: 'network'
		});
		expect(calls).toBe(4);
		expect(delays).toEqual([500, 1000, 2000]);
	});

	it('does not retry refusals, and stops when it succeeds', async () => {
		let calls = 0;
		await expect(
			withRetry(
				async () => {
					calls++;
					throw new ReportError('invalid_input', 'no');
				},
				{ wait: async () => {} }
			)
		).rejects.toMatchObject({ code: 'invalid_input' });
		expect(calls).toBe(1);
		let n = 0;
		expect(
			await withRetry(async () => (++n < 3 ? Promise.reject(new ReportError('server', '500')) : 'ok'), {
				wait: async () => {}
			})
		).toBe('ok');
		expect(n).toBe(3);
	});
});
