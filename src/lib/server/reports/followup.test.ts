import { beforeAll, expect, it } from 'vitest';
import {
	decodeBase64,
	decodeKdfSpec,
	decryptAttachment,
	decryptContent,
	deriveReceiptKeys,
	encodeBase64,
	encodeKdfSpec,
	encryptAttachment,
	encryptContent,
	fromUtf8,
	generateReceiptSecret,
	newKdfSpec,
	openReceiptWrappedKey,
	RECEIPT_KDF,
	receiptAuthHash,
	utf8,
	wrapKey,
	type ReceiptKeys
} from '$lib/crypto';
import { describeDb } from '$support/db';
import { eq } from 'drizzle-orm';
import { report, reportMessage } from '$lib/server/db/schema';
import { REPORTER_MESSAGES_PER_DAY, REPORTER_MESSAGES_TOTAL } from '$lib/shared/limits';
import { FailureLimiter } from '$lib/server/ratelimit';
import {
	powApi,
	receiptFileApi,
	receiptMessagesApi,
	receiptOpenApi,
	receiptReportApi,
	receiptSpecApi,
	reportsApi,
	type Ctx
} from '$lib/server/http/reporter';
import { issueToken, reporterDeadlines, verifyToken, type ReportView } from './followup';
import { WindowLimiter } from './limits';
import {
	buildWorld,
	counts,
	draft,
	jsonRequest,
	NOW,
	SETTINGS,
	solved,
	uploadAll,
	type Draft,
	type World
} from '../../../../tests/support/reporter-world';

describeDb('coming back with the receipt', (get) => {
	let world: World;
	let keys: ReceiptKeys;
	let secret: string;
	let spec: Uint8Array;
	let mine: Draft;
	let other: Draft;
	const ctx = (over: Partial<Ctx> = {}) => world.ctx(over);
	const errorOf = (r: { status: number; body: unknown }) => ({
		status: r.status,
		...(r.body as { error: { code: string } }).error
	});
	const bearerGet = (path: string, token: string | null) =>
		new Request(`http://localhost${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

	async function open(locator: string, authKey: Uint8Array, c = ctx()) {
		return receiptOpenApi(
			c,
			jsonRequest('/api/v1/receipt/open', {
				locator,
				authKey: encodeBase64(authKey),
				pow: await solved(c, 'receipt', powApi)
			})
		);
	}

	beforeAll(async () => {
		world = await buildWorld(get().db);
		// The reporter's receipt, derived with the production parameters (≈ 0.5 s).
		secret = generateReceiptSecret();
		const s = newKdfSpec(RECEIPT_KDF);
		spec = encodeKdfSpec(s);
		keys = await deriveReceiptKeys(secret, s);
		const receipt = {
			kdfSpec: spec,
			authHash: receiptAuthHash(keys.authKey),
			wrappedFor: (k: Uint8Array) => wrapKey(k, keys.unwrapKey)
		};
		const recipients = [world.alice, world.bob].map((x) => ({ entryId: x.entryId, publicKey: x.keyPair.publicKey }));
		mine = draft({ recipients, receipt, files: [utf8('photo bytes, canary-7f3a')], realName: true });
		other = draft({ recipients, receipt, files: [utf8('someone else’s file')] });
		for (const d of [mine, other]) {
			const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(await uploadAll(ctx(), d.files))));
			expect(r.status, JSON.stringify(r.body)).toBe(201);
		}
	});

	it('POST /receipt/spec answers the stored spec, and for unknown locators a stable, plausible fake', async () => {
		const real = await receiptSpecApi(ctx(), jsonRequest('/api/v1/receipt/spec', { locator: mine.locator }));
		expect(real).toEqual({ status: 200, body: { kdfSpec: encodeBase64(spec) } });
		const fake1 = await receiptSpecApi(ctx(), jsonRequest('/api/v1/receipt/spec', { locator: '0000000000' }));
		const fake2 = await receiptSpecApi(ctx(), jsonRequest('/api/v1/receipt/spec', { locator: '0000000000' }));
		const fake3 = await receiptSpecApi(ctx(), jsonRequest('/api/v1/receipt/spec', { locator: '0000000001' }));
		expect(fake1).toEqual(fake2);
		expect(fake1.body).not.toEqual(fake3.body);
		const parsed = decodeKdfSpec(decodeBase64((fake1.body as { kdfSpec: string }).kdfSpec));
		expect({ m: parsed.m, t: parsed.t, p: parsed.p }).toEqual(RECEIPT_KDF);
		expect(Object.keys(fake1.body as object)).toEqual(['kdfSpec']);
		for (const bad of [{}, { locator: 'abc' }, { locator: 12 }, { locator: 'ILOU000000' }]) {
			expect(errorOf(await receiptSpecApi(ctx(), jsonRequest('/api/v1/receipt/spec', bad)))).toMatchObject({
				status: 400,
				code: 'invalid_field',
				field: 'locator'
			});
		}
	});

	it('POST /receipt/open with the right auth key answers a token and the report, which the browser opens', async () => {
		const r = await open(mine.locator, keys.authKey);
		expect(r.status, JSON.stringify(r.body)).toBe(200);
		const { token, report } = r.body as { token: string; report: ReportView };
		expect(await verifyToken(get().db, token, NOW)).not.toBeNull();
		expect(report).toMatchObject({
			locator: mine.locator,
			receivedOn: '2026-11-27',
			realName: true,
			status: 'received',
			messages: []
		});
		// Real name: the acceptance notice is due 15 working days after 2026-11-27 (a Friday).
		expect(report.deadlines).toEqual([{ what: 'acceptance_notice', due: '2026-12-18' }]);
		expect(report.files.length).toBe(1);
		// The browser: unwrap with the receipt's unwrap key, decrypt content and file.
		const reportKey = openReceiptWrappedKey(decodeBase64(report.wrappedKey), keys);
		expect(reportKey).toEqual(mine.reportKey);
		expect(JSON.parse(fromUtf8(decryptContent(reportKey, decodeBase64(report.content)))).description).toBe(
			'canary-7f3a 清风'
		);
		const file = await receiptFileApi(ctx(), bearerGet('/x', token), report.files[0]!.id);
		if (!('stream' in file)) throw new Error(JSON.stringify(file.body));
		const chunks: Uint8Array[] = [];
		for await (const c of file.stream) chunks.push(c);
		expect(fromUtf8(decryptAttachment(reportKey, new Uint8Array(Buffer.concat(chunks))).data)).toBe(
			'photo bytes, canary-7f3a'
		);
		expect(file.bytes).toBe(mine.files[0]!.length);
	});

	it('answers a wrong secret and an unknown locator with the same 403 body', async () => {
		const wrong = await open(mine.locator, new Uint8Array(32).fill(1));
		const unknown = await open('ZZZZZZZZZZ', keys.authKey);
		expect(wrong.status).toBe(403);
		expect(wrong).toEqual(unknown);
		expect(wrong.body).toEqual({
			error: {
				code: 'receipt_not_recognised',
				message: { zh: '查询码或查询密码不对。', en: 'The locator or the receipt secret is not right.' }
			}
		});
	});

	it('requires a fresh receipt challenge for every try, and backs off per locator after repeated failures', async () => {
		const c = ctx({
			limits: { ...world.limits, locator: new FailureLimiter({ free: 3, maxDelaySeconds: 60, rotateMs: 3_600_000 }) }
		});
		const req = (pow: unknown, authKey = keys.authKey) =>
			receiptOpenApi(c, jsonRequest('/x', { locator: mine.locator, authKey: encodeBase64(authKey), pow }));
		expect(errorOf(await req(undefined))).toMatchObject({ status: 400, code: 'pow_required' });
		expect(errorOf(await req(await solved(c, 'intake', powApi)))).toMatchObject({ status: 400, code: 'pow_invalid' });
		const pow = await solved(c, 'receipt', powApi);
		expect((await req(pow)).status).toBe(200);
		expect(errorOf(await req(pow))).toMatchObject({ status: 400, code: 'pow_replayed' });
		for (let i = 0; i < 3; i++)
			expect((await req(await solved(c, 'receipt', powApi), new Uint8Array(32))).status).toBe(403);
		const limited = await req(await solved(c, 'receipt', powApi));
		expect(errorOf(limited)).toMatchObject({ status: 429, code: 'rate_limited' });
		expect(Number((limited as { headers?: Record<string, string> }).headers?.['retry-after'])).toBeGreaterThan(0);
		// Other locators are not affected.
		expect(
			(
				await receiptOpenApi(
					c,
					jsonRequest('/x', {
						locator: other.locator,
						authKey: encodeBase64(keys.authKey),
						pow: await solved(c, 'receipt', powApi)
					})
				)
			).status
		).toBe(200);
		for (const bad of [
			{ locator: mine.locator },
			{ locator: mine.locator, authKey: 'AAAA' },
			{ locator: 'x', authKey: encodeBase64(keys.authKey) }
		]) {
			expect(errorOf(await receiptOpenApi(c, jsonRequest('/x', bad)))).toMatchObject({
				status: 400,
				code: 'invalid_field'
			});
		}
	});

	it('rate-limits receipt look-ups per address', async () => {
		const c = ctx({
			limits: { ...world.limits, receipt: new WindowLimiter(600_000) },
			settings: { ...SETTINGS, receiptPer10Min: 2 }
		});
		for (let i = 0; i < 2; i++)
			expect((await receiptSpecApi(c, jsonRequest('/x', { locator: mine.locator }))).status).toBe(200);
		expect(errorOf(await receiptSpecApi(c, jsonRequest('/x', { locator: mine.locator })))).toMatchObject({
			status: 429,
			code: 'rate_limited'
		});
		expect(
			(await receiptSpecApi({ ...c, address: 'addr:other' }, jsonRequest('/x', { locator: mine.locator }))).status
		).toBe(200);
	});

	it('refuses missing, forged and expired tokens with 401, and files of other reports with 404', async () => {
		const { db } = get();
		const token = ((await open(mine.locator, keys.authKey)).body as { token: string }).token;
		expect((await receiptReportApi(ctx(), bearerGet('/x', token))).status).toBe(200);
		const [p, t] = token.split('.') as [string, string];
		const flipped = `${p}.${t.slice(0, 5)}${t[5] === 'A' ? 'B' : 'A'}${t.slice(6)}`;
		const otherPayload = (await issueToken(db, '00000000-0000-4000-8000-000000000000', NOW)).split('.')[0];
		for (const bad of [null, 'x', flipped, `${otherPayload}.${t}`, `${p}.${t}.x`, `${p}`]) {
			expect(errorOf(await receiptReportApi(ctx(), bearerGet('/x', bad))), String(bad)).toMatchObject({
				status: 401,
				code: 'token_invalid'
			});
		}
		expect(
			errorOf(await receiptReportApi(ctx({ now: new Date(NOW.getTime() + 30 * 60_000) }), bearerGet('/x', token)))
		).toMatchObject({ status: 401, code: 'token_invalid' });
		expect(
			(await receiptReportApi(ctx({ now: new Date(NOW.getTime() + 29 * 60_000) }), bearerGet('/x', token))).status
		).toBe(200);
		// A token for a report that does not exist opens nothing.
		expect(
			errorOf(
				await receiptReportApi(
					ctx(),
					bearerGet('/x', await issueToken(db, '00000000-0000-4000-8000-000000000000', NOW))
				)
			)
		).toMatchObject({ status: 401 });
		const otherToken = ((await open(other.locator, keys.authKey)).body as { token: string; report: ReportView }).token;
		const otherFile = ((await receiptReportApi(ctx(), bearerGet('/x', otherToken))).body as ReportView).files[0]!.id;
		expect(
			errorOf((await receiptFileApi(ctx(), bearerGet('/x', token), otherFile)) as { status: number; body: unknown })
		).toMatchObject({ status: 404, code: 'not_found' });
		expect(
			errorOf((await receiptFileApi(ctx(), bearerGet('/x', token), 'not-a-uuid')) as { status: number; body: unknown })
		).toMatchObject({ status: 404 });
		expect(
			errorOf((await receiptFileApi(ctx(), bearerGet('/x', null), otherFile)) as { status: number; body: unknown })
		).toMatchObject({ status: 401 });
		const msg = { body: encodeBase64(encryptContent(mine.reportKey, utf8('{"text":"x"}'))), intake: null };
		expect(
			errorOf(await receiptMessagesApi(ctx(), jsonRequest('/x', msg, { authorization: `Bearer ${flipped}` })))
		).toMatchObject({ status: 401 });
	});

	it('adds reporter messages, with files uploaded under the token, and nothing on bad input', async () => {
		const { db } = get();
		const token = ((await open(mine.locator, keys.authKey)).body as { token: string }).token;
		const auth = { authorization: `Bearer ${token}` };
		const text = encodeBase64(encryptContent(mine.reportKey, utf8(JSON.stringify({ text: '补充材料 canary-7f3a' }))));
		const plain = await receiptMessagesApi(ctx(), jsonRequest('/x', { body: text, intake: null }, auth));
		expect(plain.status, JSON.stringify(plain.body)).toBe(201);
		expect(plain.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), seq: 1, sentOn: '2026-11-27' });

		const extra = encryptAttachment(mine.reportKey, utf8('second photo'), { name: 'b.jpg', type: 'image/jpeg' });
		const intake = await uploadAll(ctx(), [extra], token);
		const before = await counts(db);
		// Refusals: bad content, an intake of another report or none, a malformed body; nothing stored.
		const anonymousIntake = await uploadAll(ctx(), []);
		const before2 = await counts(db);
		const refusals: [unknown, number, string][] = [
			[{ body: encodeBase64(new Uint8Array(100)), intake: null }, 400, 'bad_content'],
			[{ body: text, intake: anonymousIntake }, 404, 'unknown_intake'],
			[{ body: text, intake: 'AAAAAAAAAAAAAAAAAAAAAA' }, 404, 'unknown_intake'],
			[{ body: text }, 400, 'invalid_field'],
			[{ body: 5, intake: null }, 400, 'invalid_field']
		];
		for (const [body, status, code] of refusals)
			expect(
				errorOf(await receiptMessagesApi(ctx(), jsonRequest('/x', body, auth))),
				JSON.stringify(body)
			).toMatchObject({ status, code });
		expect(await counts(db)).toEqual(before2);
		expect(before2.intakes).toBe(before.intakes! + 1);

		const withFile = await receiptMessagesApi(ctx(), jsonRequest('/x', { body: text, intake }, auth));
		expect(withFile.status, JSON.stringify(withFile.body)).toBe(201);
		const view = (await receiptReportApi(ctx(), new Request('http://x/', { headers: auth }))).body as ReportView;
		expect(view.messages.map((m) => [m.author, m.sentOn, m.files.length])).toEqual([
			['reporter', '2026-11-27', 0],
			['reporter', '2026-11-27', 1]
		]);
		expect(view.files.length).toBe(1);
		const f = await receiptFileApi(ctx(), new Request('http://x/', { headers: auth }), view.messages[1]!.files[0]!.id);
		if (!('stream' in f)) throw new Error('no file');
		const chunks: Uint8Array[] = [];
		for await (const c of f.stream) chunks.push(c);
		expect(decryptAttachment(mine.reportKey, new Uint8Array(Buffer.concat(chunks)))).toMatchObject({
			name: 'b.jpg',
			type: 'image/jpeg'
		});
		// A follow-up intake cannot be committed as a new report.
		const followIntake = await uploadAll(ctx(), [], token);
		const asReport = draft({
			recipients: [world.alice, world.bob].map((x) => ({ entryId: x.entryId, publicKey: x.keyPair.publicKey })),
			receipt: { kdfSpec: spec, authHash: new Uint8Array(32), wrappedFor: (k) => wrapKey(k, keys.unwrapKey) }
		});
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/x', asReport.body(followIntake))))).toMatchObject({
			status: 404,
			code: 'unknown_intake'
		});
	});

	it('caps a reporter’s follow-up messages per day and in all, with a clear bilingual 429 (issue 16)', async () => {
		const { db } = get();
		const token = ((await open(other.locator, keys.authKey)).body as { token: string }).token;
		const auth = { authorization: `Bearer ${token}` };
		const text = encodeBase64(encryptContent(other.reportKey, utf8(JSON.stringify({ text: '再补充一点' }))));
		const send = () => receiptMessagesApi(ctx(), jsonRequest('/x', { body: text, intake: null }, auth));
		for (let i = 0; i < REPORTER_MESSAGES_PER_DAY; i++) expect((await send()).status).toBe(201);
		const before = await counts(db);
		const over = await send();
		expect(over.status).toBe(429);
		expect(over.headers?.['retry-after']).toBe('3600');
		expect((over.body as { error: { code: string; message: { zh: string; en: string } } }).error).toMatchObject({
			code: 'too_many_messages',
			message: { zh: expect.stringContaining('上限'), en: expect.stringContaining('follow-up messages') }
		});
		expect(await counts(db)).toEqual(before);
		// A new day, a new allowance: the day's messages moved to yesterday.
		const [row] = await db.select({ id: report.id }).from(report).where(eq(report.locator, other.locator));
		await db.update(reportMessage).set({ sentOn: '2026-11-26' }).where(eq(reportMessage.reportId, row!.id));
		expect((await send()).status).toBe(201);
		// The total cap holds across days (older messages inserted directly).
		const have = REPORTER_MESSAGES_PER_DAY + 1;
		await db.insert(reportMessage).values(
			Array.from({ length: REPORTER_MESSAGES_TOTAL - have }, () => ({
				reportId: row!.id,
				author: 'reporter',
				sentOn: '2026-10-01',
				body: new Uint8Array(8)
			}))
		);
		const full = await send();
		expect(full.status).toBe(429);
		expect((full.body as { error: { code: string; limit: number } }).error).toMatchObject({
			code: 'too_many_messages',
			limit: REPORTER_MESSAGES_TOTAL
		});
	});

	it('promises deadlines to real-name reporters only: the acceptance answer while it is awaited, the result feedback once concluded', () => {
		const real = { realName: true, receivedOn: '2026-11-27', concludedOn: null };
		expect(reporterDeadlines({ ...real, realName: false, publicStatus: 'received' })).toEqual([]);
		expect(reporterDeadlines({ ...real, publicStatus: 'received' })).toEqual([
			{ what: 'acceptance_notice', due: '2026-12-18' }
		]);
		// Once accepted (or returned, or sent on) the status answers; no date that contradicts it (issue 19).
		for (const publicStatus of ['accepted', 'handling', 'returned', 'handed_down'] as const)
			expect(reporterDeadlines({ ...real, publicStatus })).toEqual([]);
		expect(reporterDeadlines({ ...real, concludedOn: '2027-01-04', publicStatus: 'concluded' })).toEqual([
			{ what: 'result_feedback', due: '2027-01-25' }
		]);
	});
});
