import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	decryptAttachment,
	decryptContent,
	encodeBase64,
	encodeKdfSpec,
	fromUtf8,
	newKdfSpec,
	openSealedKey,
	sealKey,
	TEST_ONLY_CHEAP_KDF,
	utf8
} from '$lib/crypto';
import { describeDb } from '$support/db';
import { errorOf, intakeSetup } from '$support/intake-setup';
import { report, reportKeyWrap } from '$lib/server/db/schema';
import { partApi, reportsApi } from '$lib/server/http/reporter';
import { PART_SIZE } from '$lib/shared/limits';
import { databaseStorage } from './storage';
import { counts, draft, jsonRequest, NOW, partRequest } from '$support/reporter-world';

describeDb('intake and commit', (get) => {
	const setup = intakeSetup(get);
	const { ctx, recipients, upload } = setup;

	it('commits a report end to end: sealed for exactly the entitled staff, files intact, intake gone', async () => {
		const { db } = get();
		const { world, receipt } = setup;
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
		// the same locator with another receipt finds the intake spent (the intake is checked before the
		// locator, so a spent intake says nothing about whether the locator is taken).
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
			status: 404,
			code: 'unknown_intake'
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
		const { world, receipt } = setup;
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
		// The refusal spent the intake (one locator probed per intake and proof of work): the submission
		// needs a fresh intake, and then commits.
		expect(errorOf(await reportsApi(ctx(), jsonRequest('/api/v1/reports', good)))).toMatchObject({
			status: 404,
			code: 'unknown_intake'
		});
		expect((await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(await upload(d.files))))).status).toBe(201);
	});

	it('refuses an incomplete upload, naming the missing parts, and commits once they arrive', async () => {
		const { db } = get();
		const { receipt } = setup;
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
});
