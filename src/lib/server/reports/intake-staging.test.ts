import { beforeAll, describe, expect, it } from 'vitest';
import { attachmentLayout } from '$lib/crypto';
import { describeDb } from '$support/db';
import { newLimits, intakeApi, partApi, powApi, type Ctx } from '$lib/server/http/reporter';
import { PART_SIZE } from '$lib/shared/limits';
import { isAttachmentStreamLength } from './intake';
import {
	buildWorld,
	counts,
	jsonRequest,
	NOW,
	partRequest,
	SETTINGS,
	solved,
	wrongNonce,
	type World
} from '../../../../tests/support/reporter-world';

describe('isAttachmentStreamLength', () => {
	it('accepts exactly the lengths the attachment format produces', () => {
		const lengths = new Set<number>();
		for (const size of [0, 1, 1000, 70_000, 1_048_000, 1_100_000, 3_000_000, 25 * 1024 * 1024]) {
			const n = attachmentLayout({ name: 'a.jpg', type: 'image/jpeg', size }).ciphertextLength;
			lengths.add(n);
			expect(isAttachmentStreamLength(n), String(size)).toBe(true);
		}
		for (const n of lengths) {
			expect(isAttachmentStreamLength(n + 1)).toBe(false);
			expect(isAttachmentStreamLength(n - 16)).toBe(false);
		}
		for (const n of [0, 18, 1000, 1057, 1059, -5, 1.5, Number.MAX_SAFE_INTEGER + 2])
			expect(isAttachmentStreamLength(n)).toBe(false);
	});
});

describeDb('intake and commit', (get) => {
	let world: World;
	const ctx = (over: Partial<Ctx> = {}) => world.ctx(over);
	const errorOf = (r: { status: number; body: unknown }) => ({
		status: r.status,
		...(r.body as { error: { code: string; field?: string } }).error
	});

	beforeAll(async () => {
		world = await buildWorld(get().db);
	});

	it('POST /intake opens an intake: id, part size, expiry; the challenge is spent', async () => {
		const before = await counts(get().db);
		const pow = await solved(ctx(), 'intake', powApi);
		const n = attachmentLayout({ name: 'x', type: '', size: 10 }).ciphertextLength;
		const r = await intakeApi(ctx(), jsonRequest('/api/v1/intake', { pow, files: [{ bytes: n }, { bytes: n }] }));
		expect(r.status).toBe(201);
		const body = r.body as { intake: string; partSize: number; expiresAt: number };
		expect(body.intake).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(body.partSize).toBe(1048576);
		expect(body.expiresAt).toBe(NOW.getTime() / 1000 + 3600);
		const after = await counts(get().db);
		expect(after).toEqual({
			...before,
			intakes: before.intakes! + 1,
			attachments: before.attachments! + 2,
			pow: before.pow! + 1
		});
		// The same challenge again is a replay, and nothing more is stored.
		const again = await intakeApi(ctx(), jsonRequest('/api/v1/intake', { pow, files: [] }));
		expect(errorOf(again)).toMatchObject({ status: 400, code: 'pow_replayed', field: 'pow' });
		expect(await counts(get().db)).toEqual(after);
	});

	it('POST /intake refuses every limit and malformed request with nothing stored', async () => {
		const { db } = get();
		const before = await counts(db);
		const small = attachmentLayout({ name: 'x', type: '', size: 10 }).ciphertextLength;
		const big = attachmentLayout({ name: 'x', type: '', size: 3 * 1024 * 1024 }).ciphertextLength; // > 3 MiB of stream
		const twoMiB = attachmentLayout({ name: 'x', type: '', size: 2 * 1024 * 1024 - 100 }).ciphertextLength;
		const pow = await solved(ctx(), 'intake', powApi);
		const cases: [unknown, number, string, string?][] = [
			[
				{ pow, files: [{ bytes: small }, { bytes: small }, { bytes: small }, { bytes: small }] },
				400,
				'too_many_files',
				'files'
			],
			[{ pow, files: [{ bytes: big }] }, 413, 'file_too_large', 'files[0].bytes'],
			[{ pow, files: [{ bytes: twoMiB }, { bytes: twoMiB }, { bytes: small }] }, 413, 'report_too_large', 'files'],
			[{ pow, files: [{ bytes: 1000 }] }, 400, 'invalid_field', 'files[0].bytes'],
			[{ pow, files: [{ bytes: -1 }] }, 400, 'invalid_field', 'files[0].bytes'],
			[{ pow, files: [{ bytes: '1058' }] }, 400, 'invalid_field', 'files[0].bytes'],
			[{ pow, files: 'none' }, 400, 'invalid_field', 'files'],
			[{ pow }, 400, 'invalid_field', 'files'],
			[{ files: [] }, 400, 'pow_required', 'pow'],
			[
				{ pow: { challenge: pow.challenge, nonce: wrongNonce(pow.challenge, pow.nonce + 1e9) }, files: [] },
				400,
				'pow_invalid',
				'pow'
			],
			['{"pow":', 400, 'invalid_json']
		];
		for (const [body, status, code, field] of cases) {
			const r = await intakeApi(ctx(), jsonRequest('/api/v1/intake', body));
			expect(errorOf(r), JSON.stringify(body)).toMatchObject({ status, code, ...(field ? { field } : {}) });
		}
		const purposeReceipt = await solved(ctx(), 'receipt', powApi);
		expect(
			errorOf(await intakeApi(ctx(), jsonRequest('/api/v1/intake', { pow: purposeReceipt, files: [] })))
		).toMatchObject({ code: 'pow_invalid' });
		const expired = await intakeApi(
			ctx({ now: new Date(NOW.getTime() + 11 * 60_000) }),
			jsonRequest('/api/v1/intake', { pow, files: [] })
		);
		expect(errorOf(expired)).toMatchObject({ status: 400, code: 'pow_expired' });
		const wrongType = new Request('http://localhost/api/v1/intake', {
			method: 'POST',
			headers: { 'content-type': 'text/plain' },
			body: '{}'
		});
		expect(errorOf(await intakeApi(ctx(), wrongType))).toMatchObject({ status: 415, code: 'unsupported_media_type' });
		expect(
			errorOf(
				await intakeApi(ctx(), jsonRequest('/api/v1/intake', { files: [] }, { authorization: 'Bearer forged.token' }))
			)
		).toMatchObject({
			status: 401,
			code: 'token_invalid'
		});
		expect(await counts(db)).toEqual(before);
	});

	it('POST /intake is rate-limited per address (429 with Retry-After), other addresses unaffected', async () => {
		const limits = newLimits();
		const c = (address: string) => ctx({ limits, address, settings: { ...SETTINGS, intakePerHour: 2 } });
		for (let i = 0; i < 2; i++) {
			expect(
				(
					await intakeApi(
						c('addr:a'),
						jsonRequest('/api/v1/intake', { pow: await solved(ctx(), 'intake', powApi), files: [] })
					)
				).status
			).toBe(201);
		}
		const before = await counts(get().db);
		const r = await intakeApi(
			c('addr:a'),
			jsonRequest('/api/v1/intake', { pow: await solved(ctx(), 'intake', powApi), files: [] })
		);
		expect(errorOf(r)).toMatchObject({ status: 429, code: 'rate_limited' });
		expect(Number(r.headers?.['retry-after'])).toBeGreaterThan(0);
		expect(await counts(get().db)).toEqual(before);
		expect(
			(
				await intakeApi(
					c('addr:b'),
					jsonRequest('/api/v1/intake', { pow: await solved(ctx(), 'intake', powApi), files: [] })
				)
			).status
		).toBe(201);
	});

	it('PUT part: exact lengths only, idempotent, refuses unknown intakes, bad indexes and content types', async () => {
		const { db } = get();
		const stream = new Uint8Array(attachmentLayout({ name: 'x', type: '', size: 1_100_000 }).ciphertextLength).fill(9);
		expect(stream.length).toBeGreaterThan(PART_SIZE);
		const pow = await solved(ctx(), 'intake', powApi);
		const id = (
			(await intakeApi(ctx(), jsonRequest('/api/v1/intake', { pow, files: [{ bytes: stream.length }] }))).body as {
				intake: string;
			}
		).intake;
		const before = await counts(db);
		const put = (data: Uint8Array, n: string, i: string, headers: Record<string, string> = {}, intake = id, at = NOW) =>
			partApi(ctx({ now: at }), partRequest(data, headers), { intake, n, i });
		const part0 = stream.subarray(0, PART_SIZE);
		const part1 = stream.subarray(PART_SIZE);
		const refusals: [Promise<{ status: number; body: unknown }>, number, string][] = [
			[put(part0.subarray(1), '0', '0'), 400, 'bad_part'],
			[put(part1, '0', '0'), 400, 'bad_part'],
			[put(new Uint8Array(part1.length + 1), '0', '1'), 400, 'bad_part'],
			[put(part1, '0', '2'), 400, 'bad_part'],
			[put(part1, '1', '0'), 400, 'bad_part'],
			[put(part1, '-1', '0'), 400, 'bad_part'],
			[put(part1, '0', 'x'), 400, 'bad_part'],
			[put(part1, '0', '1', { 'content-type': 'application/json' }), 415, 'unsupported_media_type'],
			[put(part1, '0', '1', {}, 'AAAAAAAAAAAAAAAAAAAAAA'), 404, 'unknown_intake'],
			[put(part1, '0', '1', {}, 'not an id'), 404, 'unknown_intake'],
			[put(part1, '0', '1', {}, id, new Date(NOW.getTime() + 3600_000)), 404, 'unknown_intake']
		];
		for (const [p, status, code] of refusals) expect(errorOf(await p)).toMatchObject({ status, code });
		// A declared length above the part's is refused before reading.
		const lying = partRequest(part1, { 'content-length': String(PART_SIZE + 1) });
		expect(errorOf(await partApi(ctx(), lying, { intake: id, n: '0', i: '1' }))).toMatchObject({
			status: 400,
			code: 'bad_part'
		});
		expect(await counts(db)).toEqual(before);

		expect((await put(part1, '0', '1')).status).toBe(204);
		expect((await put(part0, '0', '0')).status).toBe(204);
		expect((await put(part0, '0', '0')).status).toBe(204);
		expect(await counts(db)).toEqual({ ...before, parts: before.parts! + 2 });
	});
});
