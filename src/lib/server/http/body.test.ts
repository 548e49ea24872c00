import fc from 'fast-check';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { fromBase64Url, toBase64Url } from '$lib/shared/encoding';
import { base64Bytes } from './base64';
import { bearer, handleJson, readBody } from './body';

const Schema = v.object({
	name: v.string(),
	list: v.array(v.object({ n: v.number() })),
	bytes: v.optional(base64Bytes({ exact: 3, max: 3 }))
});

function req(body: BodyInit | null, headers: Record<string, string> = { 'content-type': 'application/json' }): Request {
	return new Request('http://localhost/x', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

const errorOf = (r: { ok: boolean } & ({ ok: true } | { ok: false; result: { status: number; body: unknown } })) => {
	if (r.ok) throw new Error('expected a refusal');
	return { status: r.result.status, ...(r.result.body as { error: { code: string; field?: string } }).error };
};

describe('handleJson', () => {
	it('parses a well-formed body', async () => {
		const r = await handleJson(req(JSON.stringify({ name: 'a', list: [{ n: 1 }], bytes: 'AQID' })), Schema);
		expect(r).toEqual({ ok: true, value: { name: 'a', list: [{ n: 1 }], bytes: new Uint8Array([1, 2, 3]) } });
	});

	it.each([
		['no content type', req('{}', {}), 415, 'unsupported_media_type'],
		[
			'a form content type',
			req('name=a', { 'content-type': 'application/x-www-form-urlencoded' }),
			415,
			'unsupported_media_type'
		],
		['malformed JSON', req('{"name": '), 400, 'invalid_json'],
		['an empty body', req(null), 400, 'invalid_json'],
		['invalid UTF-8', req(new Uint8Array([0x7b, 0xff, 0x7d])), 400, 'invalid_json'],
		[
			'a declared length over the cap',
			req('{}', { 'content-type': 'application/json', 'content-length': '999999' }),
			413,
			'body_too_large'
		],
		[
			'a nonsense Content-Length',
			req('{}', { 'content-type': 'application/json', 'content-length': 'lots' }),
			400,
			'invalid_field'
		]
	])('refuses %s', async (_name, request, status, code) => {
		expect(errorOf(await handleJson(request, Schema, 1000))).toMatchObject({ status, code });
	});

	it('refuses a streamed body over the cap without a Content-Length', async () => {
		const stream = new ReadableStream<Uint8Array>({
			start(c) {
				for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(500).fill(0x20));
				c.close();
			}
		});
		expect(errorOf(await handleJson(req(stream), Schema, 1000))).toMatchObject({ status: 413, code: 'body_too_large' });
	});

	it.each([
		['a bare string', 'x', 'body'],
		['an array (fields missing)', [], 'name'],
		['a missing field', { list: [] }, 'name'],
		['a wrong type', { name: 1, list: [] }, 'name'],
		['a wrong type deep inside', { name: 'a', list: [{ n: 1 }, { n: 'two' }] }, 'list[1].n'],
		['bad base64', { name: 'a', list: [], bytes: 'AQ$D' }, 'bytes'],
		['base64 of the wrong length', { name: 'a', list: [], bytes: 'AQIDBA==' }, 'bytes'],
		['base64 without padding', { name: 'a', list: [], bytes: 'AQI' }, 'bytes']
	])('names the field for %s', async (_name, body, field) => {
		expect(errorOf(await handleJson(req(JSON.stringify(body)), Schema))).toMatchObject({
			status: 400,
			code: 'invalid_field',
			field
		});
	});
});

describe('readBody', () => {
	it('reads a body larger than the adapter limit from the Node request when the adapter refused it', async () => {
		const data = new Uint8Array(3000).fill(7);
		// What adapter-node hands over for a body above BODY_SIZE_LIMIT: a stream that fails at once with 413.
		const failing = new ReadableStream({
			start: (c) => c.error(Object.assign(new Error('Payload Too Large'), { status: 413 }))
		});
		const request = req(failing, { 'content-type': 'application/octet-stream', 'content-length': '3000' });
		const nodeRequest = Readable.from([
			Buffer.from(data.subarray(0, 1000)),
			Buffer.from(data.subarray(1000))
		]) as unknown as IncomingMessage;
		const r = await readBody({ request, nodeRequest }, 4000);
		expect(r).toEqual({ ok: true, bytes: data });
		// Over our own cap the answer is 413 before anything is read.
		expect(
			errorOf(
				await readBody(
					{ request: req('x', { 'content-type': 'application/octet-stream', 'content-length': '5000' }), nodeRequest },
					4000
				)
			)
		).toMatchObject({ status: 413 });
	});

	it('answers 413 when the adapter refused and there is no Node request to read', async () => {
		const failing = new ReadableStream({
			start: (c) => c.error(Object.assign(new Error('Payload Too Large'), { status: 413 }))
		});
		expect(
			errorOf(
				await readBody(req(failing, { 'content-type': 'application/octet-stream', 'content-length': '3000' }), 4000)
			)
		).toMatchObject({ status: 413, code: 'body_too_large' });
	});

	it('answers 400 when the body breaks off', async () => {
		const broken = new ReadableStream({ start: (c) => c.error(new Error('aborted')) });
		expect(errorOf(await readBody(req(broken), 4000))).toMatchObject({ status: 400 });
	});
});

describe('encodings', () => {
	it('accepts only canonical base64url', () => {
		const b = new Uint8Array([1, 2, 3, 250, 251]);
		expect(fromBase64Url(toBase64Url(b), 5)).toEqual(b);
		for (const bad of [null, 1, '', 'a', 'AQID+/', 'AQID=', 'AQIE-_s'.repeat(10)])
			expect(fromBase64Url(bad, 5)).toBeNull();
		// Non-zero trailing bits are not canonical.
		expect(fromBase64Url('AQJ', 2)).toBeNull();
	});

	it('reads Bearer tokens only in the standard form', () => {
		const r = (h?: string) => new Request('http://x/', h === undefined ? {} : { headers: { authorization: h } });
		expect(bearer(r('Bearer abc.DEF-_'))).toBe('abc.DEF-_');
		for (const bad of [undefined, 'Basic abc', 'Bearer', 'Bearer a b', 'bearer abc', `Bearer ${'a'.repeat(600)}`])
			expect(bearer(r(bad))).toBeNull();
	});
});

describe('base64Bytes', () => {
	// The strict grammar of padded base64, as a reference for the faster check base64Bytes uses.
	const grammar = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
	const schema = base64Bytes({ max: 1000 });
	it('accepts exactly padded base64 (property test against the grammar)', () => {
		const alphabet = fc.constantFrom(...'ABCxyz019+/=-_ \n'.split(''));
		fc.assert(
			fc.property(
				fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')),
				(s) => {
					const ok = v.safeParse(schema, s).success;
					expect(ok).toBe(grammar.test(s) && s.length > 0);
				}
			),
			{ numRuns: 5000 }
		);
		for (const bytes of [1, 2, 3, 4, 100])
			expect(v.safeParse(schema, Buffer.alloc(bytes, 7).toString('base64')).success).toBe(true);
	});
});
