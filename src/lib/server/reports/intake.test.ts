import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
	attachmentLayout,
	decryptAttachment,
	decryptContent,
	deriveReceiptKeys,
	encodeBase64,
	encodeKdfSpec,
	fromUtf8,
	generateReceiptSecret,
	newKdfSpec,
	openSealedKey,
	RECEIPT_KDF,
	receiptAuthHash,
	sealKey,
	signRevocationList,
	TEST_ONLY_CHEAP_KDF,
	utf8,
	wrapKey
} from '$lib/crypto';
import { describeDb } from '$lib/server/db/testing';
import { intake as intakeTable, report, reportKeyWrap, staffConflict } from '$lib/server/db/schema';
import { storeRevocationList } from '$lib/server/keys/revocations';
import { newLimits, intakeApi, partApi, powApi, reportsApi, type Ctx } from '$lib/server/http/reporter';
import { PART_SIZE } from '$lib/shared/limits';
import { isAttachmentStreamLength } from './intake';
import { databaseStorage } from './storage';
import {
	buildWorld,
	counts,
	draft,
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
	let receipt: { kdfSpec: Uint8Array; authHash: Uint8Array; wrappedFor: (k: Uint8Array) => Uint8Array };
	const ctx = (over: Partial<Ctx> = {}) => world.ctx(over);
	const recipients = () => [
		{ entryId: world.alice.entryId, publicKey: world.alice.keyPair.publicKey },
		{ entryId: world.bob.entryId, publicKey: world.bob.keyPair.publicKey }
	];
	const errorOf = (r: { status: number; body: unknown }) => ({
		status: r.status,
		...(r.body as { error: { code: string; field?: string } }).error
	});

	/** Opens an intake for these streams and uploads every part. */
	async function upload(files: Uint8Array[], opts: { skip?: [number, number] } = {}): Promise<string> {
		const pow = await solved(ctx(), 'intake', powApi);
		const r = await intakeApi(
			ctx(),
			jsonRequest('/api/v1/intake', { pow, files: files.map((f) => ({ bytes: f.length })) })
		);
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		const id = (r.body as { intake: string }).intake;
		for (const [n, f] of files.entries()) {
			for (let i = 0; i * PART_SIZE < f.length; i++) {
				if (opts.skip && opts.skip[0] === n && opts.skip[1] === i) continue;
				const p = await partApi(ctx(), partRequest(f.subarray(i * PART_SIZE, (i + 1) * PART_SIZE)), {
					intake: id,
					n: String(n),
					i: String(i)
				});
				expect(p.status, JSON.stringify(p.body)).toBe(204);
			}
		}
		return id;
	}

	beforeAll(async () => {
		world = await buildWorld(get().db);
		const spec = newKdfSpec(RECEIPT_KDF);
		const keys = await deriveReceiptKeys(generateReceiptSecret(), spec);
		receipt = {
			kdfSpec: encodeKdfSpec(spec),
			authHash: receiptAuthHash(keys.authKey),
			wrappedFor: (k) => wrapKey(k, keys.unwrapKey)
		};
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

	it('commits a report end to end: sealed for exactly the entitled staff, files intact, intake gone', async () => {
		const { db } = get();
		const fileA = new Uint8Array(1_200_000).map((_, i) => (i * 7) % 251);
		const fileB = utf8('small evidence, canary-7f3a');
		const d = draft({ recipients: recipients(), receipt, files: [fileA, fileB] });
		expect(d.files[0]!.length).toBeGreaterThan(PART_SIZE);
		const id = await upload(d.files);
		const before = await counts(db);
		const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(id)));
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		expect(r.body).toEqual({ locator: d.locator, receivedOn: '2026-11-27' });
		expect(await counts(db)).toEqual({
			...before,
			report: before.report! + 1,
			wraps: before.wraps! + 2,
			intakes: before.intakes! - 1
		});

		const [row] = await db.select().from(report).where(eq(report.locator, d.locator));
		expect(row).toMatchObject({
			unitId: 'u-k1',
			position: 'top_leader',
			kind: 'public_tip',
			category: 'integrity',
			realName: false,
			escalate: false,
			organId: 'o-city',
			receivedOn: '2026-11-27',
			publicStatus: 'received',
			concludedOn: null
		});
		const wraps = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, row!.id));
		expect(wraps.map((w) => w.staffId).sort()).toEqual([world.alice.id, world.bob.id].sort());
		// Each recipient opens the report key and reads the content.
		for (const who of [world.alice, world.bob]) {
			const sealed = wraps.find((w) => w.staffId === who.id)!.sealed;
			const key = openSealedKey(sealed, who.keyPair);
			expect(key).toEqual(d.reportKey);
			expect(JSON.parse(fromUtf8(decryptContent(key, row!.content))).description).toBe('canary-7f3a 清风');
		}
		// The stored files decrypt to what was attached.
		const files = await db.query.attachment.findMany({
			where: (a, { eq: e }) => e(a.reportId, row!.id),
			orderBy: (a, { asc }) => [asc(a.fileNo)]
		});
		expect(files.map((f) => [f.intakeId, f.messageId])).toEqual([
			[null, null],
			[null, null]
		]);
		for (const [i, f] of files.entries()) {
			const chunks: Uint8Array[] = [];
			for await (const c of databaseStorage(db).readFile(f.id, f.parts)) chunks.push(c);
			const stored = Buffer.concat(chunks);
			// Buffer.equals: vitest's deep equality is very slow on megabytes.
			expect(stored.equals(d.files[i]!)).toBe(true);
			expect(Buffer.from(decryptAttachment(d.reportKey, new Uint8Array(stored)).data).equals([fileA, fileB][i]!)).toBe(
				true
			);
		}
		// The same commit again (a retry after a lost answer) is answered as before and stores nothing more;
		// the same locator with another receipt is refused.
		const stored = await counts(db);
		const again = await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(id)));
		expect(again).toMatchObject({
			status: 201,
			body: { locator: d.locator, receivedOn: (r.body as { receivedOn: string }).receivedOn }
		});
		expect(await counts(db)).toEqual(stored);
		const otherReceipt = d.body(id) as { receipt: Record<string, unknown> };
		otherReceipt.receipt = { ...otherReceipt.receipt, authHash: Buffer.alloc(32, 7).toString('base64') };
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', otherReceipt)))).toMatchObject({
			status: 409,
			code: 'locator_taken'
		});
		// The intake is gone: neither another report nor more parts.
		const fresh = draft({ recipients: recipients(), receipt });
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', fresh.body(id))))).toMatchObject({
			status: 404,
			code: 'unknown_intake'
		});
		expect(errorOf(await partApi(ctx(), partRequest(d.files[1]!), { intake: id, n: '1', i: '0' }))).toMatchObject({
			status: 404,
			code: 'unknown_intake'
		});
	});

	it('refuses every malformed or outdated submission with a clear 4xx and nothing stored', async () => {
		const { db } = get();
		const d = draft({ recipients: recipients(), receipt, files: [utf8('x')] });
		const id = await upload(d.files);
		const good = d.body(id);
		const base = good as {
			routing: Record<string, unknown>;
			receipt: Record<string, unknown>;
			wraps: { entryId: string; sealed: string }[];
		};
		const weakSpec = encodeBase64(encodeKdfSpec(newKdfSpec(TEST_ONLY_CHEAP_KDF)));
		const notBucket = encodeBase64(new Uint8Array([1, 0x43, ...new Uint8Array(1500)]));
		const wrongKind = encodeBase64(new Uint8Array([1, 0x57, ...new Uint8Array(1064)]));
		const sealedToCarol = {
			entryId: encodeBase64(world.carol.entryId),
			sealed: encodeBase64(sealKey(d.reportKey, world.carol.keyPair.publicKey))
		};
		const badSealed = { ...base.wraps[0]!, sealed: encodeBase64(new Uint8Array([1, 0x57, ...new Uint8Array(80)])) };
		const cases: [string, unknown, number, string, string?][] = [
			['version 2', { ...good, v: 2 }, 400, 'unsupported_version', 'v'],
			['no version', { ...good, v: undefined }, 400, 'unsupported_version', 'v'],
			['not an object', [good], 400, 'invalid_field', 'body'],
			['no routing', { ...good, routing: undefined }, 400, 'invalid_field', 'routing'],
			[
				'an unknown category',
				{ ...good, routing: { ...base.routing, category: 'gossip' } },
				400,
				'invalid_field',
				'routing.category'
			],
			[
				'an unknown position',
				{ ...good, routing: { ...base.routing, position: 'boss' } },
				400,
				'invalid_field',
				'routing.position'
			],
			[
				'realName as a string',
				{ ...good, routing: { ...base.routing, realName: 'no' } },
				400,
				'invalid_field',
				'routing.realName'
			],
			['bad base64 content', { ...good, content: 'not base64!' }, 400, 'invalid_field', 'content'],
			['content not a bucket', { ...good, content: notBucket }, 400, 'bad_content', 'content'],
			['content of another kind', { ...good, content: wrongKind }, 400, 'bad_content', 'content'],
			[
				'a weak receipt KDF',
				{ ...good, receipt: { ...base.receipt, kdfSpec: weakSpec } },
				400,
				'weak_kdf',
				'receipt.kdfSpec'
			],
			[
				'a KDF spec of another version',
				{
					...good,
					receipt: { ...base.receipt, kdfSpec: encodeBase64(new Uint8Array([2, 0x4b, ...new Uint8Array(25)])) }
				},
				400,
				'invalid_field',
				'receipt.kdfSpec'
			],
			[
				'an auth hash of 31 bytes',
				{ ...good, receipt: { ...base.receipt, authHash: encodeBase64(new Uint8Array(31)) } },
				400,
				'invalid_field',
				'receipt.authHash'
			],
			[
				'a wrapped key of another kind',
				{
					...good,
					receipt: { ...base.receipt, wrappedKey: encodeBase64(new Uint8Array([1, 0x53, ...new Uint8Array(72)])) }
				},
				400,
				'invalid_field',
				'receipt.wrappedKey'
			],
			[
				'a lower-case locator',
				{ ...good, receipt: { ...base.receipt, locator: d.locator.toLowerCase() + 'x' } },
				400,
				'invalid_field',
				'receipt.locator'
			],
			[
				'a locator with U',
				{ ...good, receipt: { ...base.receipt, locator: 'UUUUUUUUUU' } },
				400,
				'invalid_field',
				'receipt.locator'
			],
			[
				'a sealed key of another kind',
				{ ...good, wraps: [badSealed, base.wraps[1]] },
				400,
				'invalid_field',
				'wraps[0].sealed'
			],
			[
				'a sealed key too short',
				{ ...good, wraps: [{ ...base.wraps[0], sealed: encodeBase64(new Uint8Array(81)) }, base.wraps[1]] },
				400,
				'invalid_field',
				'wraps[0].sealed'
			],
			['a wrap missing', { ...good, wraps: [base.wraps[0]] }, 409, 'recipients_changed', 'wraps'],
			[
				'a wrap for someone else',
				{ ...good, wraps: [...base.wraps, sealedToCarol] },
				409,
				'recipients_changed',
				'wraps'
			],
			['a recipient twice', { ...good, wraps: [base.wraps[0], base.wraps[0]] }, 409, 'recipients_changed', 'wraps'],
			['no wraps', { ...good, wraps: [] }, 409, 'recipients_changed', 'wraps'],
			['another organ', { ...good, organ: 'o-prov' }, 409, 'routing_changed', 'organ'],
			[
				'escalation not matching the organ',
				{ ...good, routing: { ...base.routing, escalate: true } },
				409,
				'routing_changed',
				'organ'
			],
			[
				'an unknown unit',
				{ ...good, routing: { ...base.routing, unit: 'u-none' } },
				400,
				'unknown_unit',
				'routing.unit'
			],
			['an unknown intake', { ...good, intake: 'AAAAAAAAAAAAAAAAAAAAAA' }, 404, 'unknown_intake', 'intake'],
			['a malformed intake', { ...good, intake: 'short' }, 400, 'invalid_field', 'intake'],
			[
				'a conflicted recipient (u-k2: bob declared a conflict)',
				{ ...good, routing: { ...base.routing, unit: 'u-k2' } },
				409,
				'recipients_changed',
				'wraps'
			]
		];
		const before = await counts(db);
		for (const [name, body, status, code, field] of cases) {
			const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', body));
			expect(errorOf(r), name).toMatchObject({ status, code, ...(field ? { field } : {}) });
		}
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', '{"v":1,')))).toMatchObject({
			status: 400,
			code: 'invalid_json'
		});
		expect(
			errorOf(await reportsApi(ctx({ now: new Date(NOW.getTime() + 3600_000) }), jsonRequest('/api/v1/reports', good)))
		).toMatchObject({ status: 404, code: 'unknown_intake' });
		// A locator already in use.
		const first = draft({ recipients: recipients(), receipt });
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', first.body(await upload([]))))).status).toBe(201);
		const afterFirst = await counts(db);
		const takenBy = { ...base.receipt, locator: first.locator, authHash: Buffer.alloc(32, 9).toString('base64') };
		expect(
			errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', { ...good, receipt: takenBy })))
		).toMatchObject({
			status: 409,
			code: 'locator_taken',
			field: 'receipt.locator'
		});
		expect(await counts(db)).toEqual(afterFirst);
		expect({
			...afterFirst,
			report: afterFirst.report! - 1,
			wraps: afterFirst.wraps! - 2,
			pow: afterFirst.pow! - 1
		}).toEqual(before);
		// After all that, the untouched submission still commits.
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', good))).status).toBe(201);
	});

	it('refuses an incomplete upload, naming the missing parts, and commits once they arrive', async () => {
		const { db } = get();
		const d = draft({ recipients: recipients(), receipt, files: [new Uint8Array(1_100_000), utf8('b')] });
		const id = await upload(d.files, { skip: [0, 1] });
		const before = await counts(db);
		const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(id)));
		expect(errorOf(r)).toMatchObject({ status: 409, code: 'incomplete_upload', missing: [{ file: 0, part: 1 }] });
		expect(await counts(db)).toEqual(before);
		expect(
			(await partApi(ctx(), partRequest(d.files[0]!.subarray(PART_SIZE)), { intake: id, n: '0', i: '1' })).status
		).toBe(204);
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(id)))).status).toBe(201);
	});

	/** A report body with its files inline and a solved challenge, instead of an intake. */
	async function inlineBody(
		d: ReturnType<typeof draft>,
		over: Record<string, unknown> = {}
	): Promise<Record<string, unknown>> {
		return {
			...d.body('unused'),
			intake: undefined,
			pow: await solved(ctx(), 'intake', powApi),
			files: d.files.map((f) => encodeBase64(f)),
			...over
		};
	}

	it('commits a small report in one request: files inline with the proof of work, the same rows without an intake', async () => {
		const { db } = get();
		const fileA = new Uint8Array(30 * 1024).map((_, i) => (i * 7) & 255);
		const fileB = utf8('a second, tiny file');
		const d = draft({ recipients: recipients(), receipt, files: [fileA, fileB] });
		const before = await counts(db);
		const body = await inlineBody(d);
		const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', body));
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		expect(r.body).toEqual({ locator: d.locator, receivedOn: '2026-11-27' });
		const after = await counts(db);
		expect(after).toEqual({
			...before,
			report: before.report! + 1,
			wraps: before.wraps! + 2,
			attachments: before.attachments! + 2,
			parts: before.parts! + 2,
			pow: before.pow! + 1
		});
		const [row] = await db.select().from(report).where(eq(report.locator, d.locator));
		const wraps = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, row!.id));
		expect(wraps.map((w) => w.staffId).sort()).toEqual([world.alice.id, world.bob.id].sort());
		expect(openSealedKey(wraps.find((w) => w.staffId === world.alice.id)!.sealed, world.alice.keyPair)).toEqual(
			d.reportKey
		);
		const files = await db.query.attachment.findMany({
			where: (a, { eq: e }) => e(a.reportId, row!.id),
			orderBy: (a, { asc }) => [asc(a.fileNo)]
		});
		expect(files.map((f) => [f.fileNo, f.bytes, f.parts, f.intakeId, f.messageId])).toEqual(
			d.files.map((f, i) => [i, f.length, 1, null, null])
		);
		for (const [i, f] of files.entries()) {
			const chunks: Uint8Array[] = [];
			for await (const c of databaseStorage(db).readFile(f.id, f.parts)) chunks.push(c);
			expect(
				Buffer.from(decryptAttachment(d.reportKey, new Uint8Array(Buffer.concat(chunks))).data).equals(
					[fileA, fileB][i]!
				)
			).toBe(true);
		}
		// A retry after a lost answer (the same body, its challenge already spent) is answered as before.
		expect(await reportsApi(ctx(), jsonRequest('/api/v1/reports', body))).toMatchObject({
			status: 201,
			body: { locator: d.locator, receivedOn: '2026-11-27' }
		});
		expect(await counts(db)).toEqual(after);
		// The challenge cannot carry another report, and the locator cannot be taken by another receipt.
		const other = draft({ recipients: recipients(), receipt });
		expect(
			errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', { ...(await inlineBody(other)), pow: body.pow })))
		).toMatchObject({ status: 400, code: 'pow_replayed', field: 'pow' });
		const taken = {
			...(other.body('x').receipt as Record<string, string>),
			locator: d.locator,
			authHash: Buffer.alloc(32, 3).toString('base64')
		};
		expect(
			errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', await inlineBody(other, { receipt: taken }))))
		).toMatchObject({ status: 409, code: 'locator_taken' });
		// A text-only report: no files at all.
		const textOnly = draft({ recipients: recipients(), receipt });
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', await inlineBody(textOnly)))).status).toBe(201);
	});

	it('refuses a malformed inline submission with a clear 4xx and stores nothing', async () => {
		const { db } = get();
		const small = draft({ recipients: recipients(), receipt, files: [utf8('x')] });
		const big = draft({ recipients: recipients(), receipt, files: [1, 2, 3].map(() => new Uint8Array(100 * 1024)) });
		const pow = await solved(ctx(), 'intake', powApi);
		const good = { ...small.body('x'), intake: undefined, pow, files: small.files.map((f) => encodeBase64(f)) };
		const notAStream = new Uint8Array(small.files[0]!);
		notAStream[1] = 0x43; // framed as content, not attachment
		const cases: [string, unknown, number, string, string][] = [
			['no proof of work', { ...good, pow: undefined }, 400, 'pow_required', 'pow'],
			[
				'a wrong nonce',
				{ ...good, pow: { ...pow, nonce: wrongNonce(pow.challenge, pow.nonce) } },
				400,
				'pow_invalid',
				'pow'
			],
			['an intake and inline files', { ...good, intake: 'AAAAAAAAAAAAAAAAAAAAAA' }, 400, 'invalid_field', 'files'],
			['neither an intake nor files', { ...good, files: undefined }, 400, 'invalid_field', 'intake'],
			['files that are not base64', { ...good, files: ['***'] }, 400, 'invalid_field', 'files[0]'],
			[
				'a stream of a length the format never produces',
				{ ...good, files: [encodeBase64(small.files[0]!.subarray(1))] },
				400,
				'invalid_field',
				'files[0]'
			],
			[
				'a stream framed as something else',
				{ ...good, files: [encodeBase64(notAStream)] },
				400,
				'invalid_field',
				'files[0]'
			],
			[
				'more files than allowed',
				{ ...good, files: Array(4).fill(encodeBase64(small.files[0]!)) },
				400,
				'too_many_files',
				'files'
			],
			[
				'more inline bytes than a single request may carry',
				{ ...big.body('x'), intake: undefined, pow, files: big.files.map((f) => encodeBase64(f)) },
				413,
				'report_too_large',
				'files'
			]
		];
		const before = await counts(db);
		for (const [name, body, status, code, field] of cases) {
			const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', body));
			expect(errorOf(r), name).toMatchObject({ status, code, field });
		}
		expect(await counts(db)).toEqual(before);
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', good))).status).toBe(201);
	});

	it('counts a submission against the address limit only once its proof of work checked out', async () => {
		const limits = newLimits();
		const limited = (over: Partial<Ctx> = {}) =>
			ctx({ limits, settings: { ...ctx().settings, intakePerHour: 1 }, ...over });
		// Many submissions without valid work: refused for the work, never for the limit.
		for (let i = 0; i < 5; i++) {
			const d = draft({ recipients: recipients(), receipt });
			expect(
				errorOf(
					await reportsApi(
						limited(),
						jsonRequest('/api/v1/reports', {
							...d.body('x'),
							intake: undefined,
							files: [],
							pow: { challenge: 'AAAA', nonce: 1 }
						})
					)
				)
			).toMatchObject({ status: 400, code: 'pow_invalid' });
			expect(errorOf(await intakeApi(limited(), jsonRequest('/api/v1/intake', { files: [] })))).toMatchObject({
				status: 400,
				code: 'pow_required'
			});
		}
		// The first submission with work goes through; the next is over the limit (one per hour here).
		const first = draft({ recipients: recipients(), receipt });
		expect((await reportsApi(limited(), jsonRequest('/api/v1/reports', await inlineBody(first)))).status).toBe(201);
		const second = draft({ recipients: recipients(), receipt });
		const r = await reportsApi(limited(), jsonRequest('/api/v1/reports', await inlineBody(second)));
		expect(r.status).toBe(429);
		expect(
			errorOf(
				await intakeApi(
					limited(),
					jsonRequest('/api/v1/intake', { pow: await solved(ctx(), 'intake', powApi), files: [] })
				)
			)
		).toMatchObject({ status: 429 });
	});

	it('with a routing cache, a directory change reaches commits at most the cache time late', async () => {
		const { db } = get();
		const cached = (ms: number) => ctx({ settings: { ...ctx().settings, routingCacheMs: ms } });
		const both = async () =>
			jsonRequest('/api/v1/reports', await inlineBody(draft({ recipients: recipients(), receipt })));
		expect((await reportsApi(cached(60_000), await both())).status).toBe(201);
		// Bob declares a conflict for u-k1: a commit that reads the directory refuses a wrap for him at once ...
		await db.insert(staffConflict).values({ staffId: world.bob.id, unitId: 'u-k1', reason: 'test' });
		try {
			expect(errorOf(await reportsApi(ctx(), await both()))).toMatchObject({ status: 409, code: 'recipients_changed' });
			// ... a commit within the cache time still uses what was read before it ...
			const stale = await reportsApi(cached(60_000), await both());
			expect(stale.status, JSON.stringify(stale.body)).toBe(201);
			// ... and one after the cache time has the change.
			await new Promise((r) => setTimeout(r, 60));
			expect(errorOf(await reportsApi(cached(40), await both()))).toMatchObject({
				status: 409,
				code: 'recipients_changed'
			});
		} finally {
			await db
				.delete(staffConflict)
				.where(and(eq(staffConflict.staffId, world.bob.id), eq(staffConflict.unitId, 'u-k1')));
		}
	});

	it('seals to the organ minus conflicted staff, and follows revocations', async () => {
		const { db } = get();
		// u-k2: bob declared a conflict, so alice alone receives.
		const d = draft({ recipients: [recipients()[0]!], receipt, unit: 'u-k2' });
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(await upload([]))))).status).toBe(201);
		// Alice's entry is revoked: a report about u-k1 now goes to bob only.
		const list = signRevocationList(
			{ issuedAt: Math.floor(NOW.getTime() / 1000), entryIds: [world.alice.entryId], publicKeys: [] },
			world.root.secretKey
		);
		expect((await storeRevocationList(db, list, null)).ok).toBe(true);
		const both = draft({ recipients: recipients(), receipt });
		const id = await upload([]);
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', both.body(id))))).toMatchObject({
			status: 409,
			code: 'recipients_changed'
		});
		const bobOnly = draft({ recipients: [recipients()[1]!], receipt });
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', bobOnly.body(id)))).status).toBe(201);
		// u-k2 now has nobody in o-city (alice revoked, bob conflicted): routing falls back to o-prov (carol).
		const up = draft({
			recipients: [{ entryId: world.carol.entryId, publicKey: world.carol.keyPair.publicKey }],
			receipt,
			unit: 'u-k2'
		});
		const upId = await upload([]);
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', up.body(upId))))).toMatchObject({
			status: 409,
			code: 'routing_changed',
			organ: 'o-prov'
		});
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', up.body(upId, { organ: 'o-prov' })))).status).toBe(
			201
		);
		// Rows of committed intakes never outlive the commit.
		expect(
			await db
				.select()
				.from(intakeTable)
				.where(eq(intakeTable.id, new Uint8Array(Buffer.from(upId, 'base64url'))))
		).toEqual([]);
	});
});
