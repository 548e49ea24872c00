import { expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { decryptAttachment, encodeBase64, openSealedKey, signRevocationList, utf8 } from '$lib/crypto';
import { describeDb } from '$support/db';
import { errorOf, inlineOf, intakeSetup } from '$support/intake-setup';
import { intake as intakeTable, report, reportKeyWrap, staffConflict } from '$lib/server/db/schema';
import { storeRevocationList } from '$lib/server/keys/revocations';
import { newLimits, intakeApi, powApi, reportsApi, type Ctx } from '$lib/server/http/reporter';
import { databaseStorage } from './storage';
import { counts, draft, jsonRequest, NOW, solved, wrongNonce } from '$support/reporter-world';

describeDb('intake and commit', (get) => {
	const setup = intakeSetup(get);
	const { ctx, recipients, upload, inlineBody } = setup;

	it('commits a small report in one request: files inline with the proof of work, the same rows without an intake', async () => {
		const { db } = get();
		const { world, receipt } = setup;
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
		const { receipt } = setup;
		const small = draft({ recipients: recipients(), receipt, files: [utf8('x')] });
		const big = draft({ recipients: recipients(), receipt, files: [1, 2, 3].map(() => new Uint8Array(100 * 1024)) });
		const pow = await solved(ctx(), 'intake', powApi);
		const good = inlineOf(small, pow);
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
			['more inline bytes than a single request may carry', inlineOf(big, pow), 413, 'report_too_large', 'files']
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
		const { receipt } = setup;
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
		const { world, receipt } = setup;
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
		const { world, receipt } = setup;
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
