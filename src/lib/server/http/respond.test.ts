import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '$lib/shared/errors';
import { answerOf, fail, rateLimited } from './answer';
import { DEFAULT_STATUS, MESSAGES, PARAMETER_MESSAGES } from './messages';
import { actionFailure, toResponse } from './respond';
import { Download, ok, refuse } from './result';

async function* parts(...chunks: string[]) {
	for (const c of chunks) yield new TextEncoder().encode(c);
}

describe('toResponse', () => {
	it('answers a value as JSON, 200 unless the result says 201', async () => {
		const r = toResponse(ok({ a: 1 }), 'public');
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(r.headers.get('cache-control')).toBe('no-store');
		expect(await r.json()).toEqual({ a: 1 });
		expect(toResponse(ok({ id: 3 }, { status: 201 }), 'reporter').status).toBe(201);
	});

	it('answers 204 without a body', async () => {
		const r = toResponse(ok(null, { status: 204 }), 'staff');
		expect(r.status).toBe(204);
		expect(await r.text()).toBe('');
		expect(r.headers.get('content-type')).toBeNull();
	});

	it('answers a refusal with its default status, the table message, the field and extra fields', async () => {
		const r = toResponse(refuse('bad_part', { field: 'body', extra: { expected: 1024 } }), 'reporter');
		expect(r.status).toBe(400);
		expect(await r.json()).toEqual({
			error: { code: 'bad_part', field: 'body', message: MESSAGES.bad_part, expected: 1024 }
		});
		expect(toResponse(refuse('routing_changed'), 'reporter').status).toBe(409);
		expect(toResponse(refuse('forbidden_role'), 'staff').status).toBe(403);
	});

	it('lets a refusal set its status, headers and message', async () => {
		const own = { zh: '这个单位不在目录中。', en: 'Not in the directory.' };
		const r = toResponse(
			refuse('rate_limited', { status: 429, headers: { 'retry-after': '7' }, message: own }),
			'reporter'
		);
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('7');
		expect(((await r.json()) as { error: { message: unknown } }).error.message).toEqual(own);
	});

	it('streams a download, and sends a text one with its type and a safe file name', async () => {
		const r = toResponse(ok(new Download(parts('ab', 'cd'), { bytes: 4 })), 'reporter');
		expect(r.headers.get('content-type')).toBe('application/octet-stream');
		expect(r.headers.get('content-length')).toBe('4');
		expect(r.headers.get('content-disposition')).toBe('attachment');
		expect(await r.text()).toBe('abcd');
		const csv = toResponse(
			ok(new Download('a,b\r\n', { type: 'text/csv; charset=utf-8', filename: 'stats "x"/y.csv' })),
			'staff'
		);
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(csv.headers.get('content-disposition')).toBe('attachment; filename="stats__x__y.csv"');
		expect(await csv.text()).toBe('a,b\r\n');
	});

	it('never streams a file from the public API', () => {
		expect(() => toResponse(ok(new Download('x')), 'public')).toThrow('JSON only');
	});
});

describe('answers as values', () => {
	it('answerOf gives the same status, body and headers as the Response', () => {
		expect(answerOf(ok([1, 2]))).toEqual({ status: 200, body: [1, 2] });
		expect(answerOf(ok(null, { status: 204 }))).toEqual({ status: 204, body: null });
		expect(answerOf(refuse('token_invalid'))).toEqual(fail(401, 'token_invalid'));
		expect(answerOf(refuse('rate_limited', { headers: { 'retry-after': '3' } }))).toEqual(rateLimited(3));
	});
});

describe('form actions', () => {
	it('get fail() data with the message in the page language', () => {
		const en = actionFailure(refuse('invalid_field', { field: 'name' }), 'en');
		expect(en.status).toBe(400);
		expect(en.data).toEqual({ code: 'invalid_field', field: 'name', message: MESSAGES.invalid_field.en });
		expect(actionFailure(refuse('forbidden'), 'zh-CN').data).toEqual({
			code: 'forbidden',
			field: null,
			message: MESSAGES.forbidden.zh
		});
	});
});

describe('the message table', () => {
	it('has a message and a 4xx status for every error code, and no more', () => {
		expect(Object.keys(MESSAGES).sort()).toEqual([...ERROR_CODES].sort());
		expect(Object.keys(DEFAULT_STATUS).sort()).toEqual([...ERROR_CODES].sort());
		for (const code of ERROR_CODES) {
			expect(MESSAGES[code].zh.length, code).toBeGreaterThan(0);
			expect(MESSAGES[code].en.length, code).toBeGreaterThan(0);
			expect(DEFAULT_STATUS[code] >= 400 && DEFAULT_STATUS[code] < 500, code).toBe(true);
		}
	});

	it('names the parameter in both languages of each parameter message', () => {
		for (const [key, message] of Object.entries(PARAMETER_MESSAGES)) {
			const name = key.slice(key.indexOf('.') + 1);
			expect(message.zh, key).toContain(name);
			expect(message.en, key).toContain(name);
		}
	});
});
