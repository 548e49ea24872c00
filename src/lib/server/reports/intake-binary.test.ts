import fc from 'fast-check';
import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { decodeBase64, decryptAttachment, openSealedKey, utf8 } from '$lib/crypto';
import { describeDb } from '$support/db';
import { errorOf, inlineOf, intakeSetup } from '$support/intake-setup';
import { report, reportKeyWrap } from '$lib/server/db/schema';
import { parseReportBinary, reportsApi } from '$lib/server/http/reporter';
import { refusalAnswer } from '$lib/server/http/answer';
import { encodeReportBinary, REPORT_BINARY_CAP } from '$lib/shared/wire/report-binary';
import { databaseStorage } from './storage';
import { counts, draft } from '$support/reporter-world';

type JsonCommit = {
	content: string;
	summary?: string;
	wraps: { entryId: string; sealed: string }[];
	receipt: { locator: string; kdfSpec: string; authHash: string; wrappedKey: string };
	files?: string[];
	[k: string]: unknown;
};

/** The binary body of a JSON commit: the same fields, the base64 ones raw (src/lib/shared/wire/report-binary.ts). */
function binaryOf(json: JsonCommit): Uint8Array<ArrayBuffer> {
	const { content, summary, wraps, receipt, files, ...clear } = json;
	return encodeReportBinary(
		{ ...clear, receipt: { locator: receipt.locator } },
		{
			content: decodeBase64(content),
			...(summary ? { summary: decodeBase64(summary) } : {}),
			kdfSpec: decodeBase64(receipt.kdfSpec),
			authHash: decodeBase64(receipt.authHash),
			wrappedKey: decodeBase64(receipt.wrappedKey),
			wraps: wraps.map((w) => ({ entryId: decodeBase64(w.entryId), sealed: decodeBase64(w.sealed) })),
			...(files ? { files: files.map((f) => decodeBase64(f)) } : {})
		}
	);
}

const binaryRequest = (body: Uint8Array<ArrayBuffer>, type = 'application/octet-stream') =>
	new Request('http://localhost/api/v1/reports', { method: 'POST', headers: { 'content-type': type }, body });

describeDb('the binary commit body', (get) => {
	const setup = intakeSetup(get);
	const { ctx, recipients, upload, inlineBody } = setup;

	it('commits inline and through an intake, storing what the JSON body stores; a retry is answered alike', async () => {
		const { db } = get();
		const { world, receipt } = setup;
		const file = new Uint8Array(30 * 1024).map((_, i) => (i * 11) & 255);
		const d = draft({ recipients: recipients(), receipt, files: [file] });
		const before = await counts(db);
		const body = binaryOf((await inlineBody(d)) as JsonCommit);
		const r = await reportsApi(ctx(), binaryRequest(body));
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		expect(r.body).toEqual({ locator: d.locator, receivedOn: '2026-11-27' });
		expect(await counts(db)).toEqual({
			...before,
			report: before.report! + 1,
			wraps: before.wraps! + 2,
			attachments: before.attachments! + 1,
			parts: before.parts! + 1,
			pow: before.pow! + 1
		});
		const [row] = await db.select().from(report).where(eq(report.locator, d.locator));
		const json = d.body('unused') as JsonCommit;
		expect(Buffer.from(row!.content).toString('base64')).toBe(json.content);
		expect(Buffer.from(row!.kdfSpec).toString('base64')).toBe(json.receipt.kdfSpec);
		expect(Buffer.from(row!.receiptWrapped).toString('base64')).toBe(json.receipt.wrappedKey);
		const wraps = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, row!.id));
		expect(openSealedKey(wraps.find((w) => w.staffId === world.bob.id)!.sealed, world.bob.keyPair)).toEqual(
			d.reportKey
		);
		const [a] = await db.query.attachment.findMany({ where: (x, { eq: e }) => e(x.reportId, row!.id) });
		const chunks: Uint8Array[] = [];
		for await (const c of databaseStorage(db).readFile(a!.id, a!.parts)) chunks.push(c);
		expect(decryptAttachment(d.reportKey, new Uint8Array(Buffer.concat(chunks))).data).toEqual(file);
		// The same body again (a lost answer): the same answer, nothing more stored.
		const after = await counts(db);
		expect(await reportsApi(ctx(), binaryRequest(body))).toMatchObject({ status: 201, body: r.body as object });
		expect(await counts(db)).toEqual(after);

		// Through an intake: the parts are PUT, the commit names the intake and carries no files.
		const big = draft({ recipients: recipients(), receipt, files: [utf8('through the intake')] });
		const id = await upload(big.files);
		const committed = await reportsApi(ctx(), binaryRequest(binaryOf(big.body(id) as JsonCommit)));
		expect(committed.status, JSON.stringify(committed.body)).toBe(201);
		expect(await db.$count(report, eq(report.locator, big.locator))).toBe(1);
	});

	it('refuses a malformed binary body with a 4xx naming the field, before anything is stored', async () => {
		const { db } = get();
		const { receipt } = setup;
		const d = draft({ recipients: recipients(), receipt });
		const good = binaryOf((await inlineBody(d)) as JsonCommit);
		const before = await counts(db);
		const version = good.slice();
		version[3] = 9;
		const cases: [string, Request, number, string, string | undefined][] = [
			['truncated', binaryRequest(good.slice(0, good.length - 3)), 400, 'invalid_field', 'files'],
			['another version', binaryRequest(version), 400, 'unsupported_version', 'v'],
			['a JSON body sent as bytes', binaryRequest(new TextEncoder().encode('{"v":1}')), 400, 'invalid_field', 'body'],
			[
				'a head failing its schema',
				binaryRequest(binaryOf({ ...(d.body('unused') as JsonCommit), organ: 'not an id!', intake: undefined })),
				400,
				'invalid_field',
				'organ'
			],
			[
				'a head of another version',
				binaryRequest(binaryOf({ ...(d.body('unused') as JsonCommit), v: 2, intake: undefined })),
				400,
				'unsupported_version',
				'v'
			],
			[
				'a declared length above the cap',
				new Request('http://localhost/api/v1/reports', {
					method: 'POST',
					headers: { 'content-type': 'application/octet-stream', 'content-length': String(REPORT_BINARY_CAP + 1) },
					body: good
				}),
				413,
				'body_too_large',
				undefined
			],
			['another media type', binaryRequest(good, 'text/plain'), 415, 'unsupported_media_type', 'content-type']
		];
		for (const [name, request, status, code, field] of cases) {
			const e = errorOf(await reportsApi(ctx(), request));
			expect(e, name).toMatchObject({ status, code });
			if (field) expect(e.field, name).toBe(field);
		}
		expect(await counts(db)).toEqual(before);
	});

	it('any edit of a good body is a typed value or a 4xx refusal, never an exception', async () => {
		const { receipt } = setup;
		const d = draft({ recipients: recipients(), receipt, files: [utf8('fuzz')] });
		const good = binaryOf(inlineOf(d, { challenge: 'x', nonce: 1 }) as JsonCommit);
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
				fc.nat(good.length),
				(edits, cut) => {
					const b = good.slice(0, Math.max(cut, good.length - (edits.length === 0 ? cut : 0)));
					for (const [at, value] of edits) if (at < b.length) b[at] = value;
					const r = parseReportBinary(b);
					if (!r.ok) {
						const status = refusalAnswer(r).status;
						expect(status).toBeGreaterThanOrEqual(400);
						expect(status).toBeLessThan(500);
					}
				}
			),
			{ numRuns: 300 }
		);
	});
});
