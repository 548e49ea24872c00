/**
 * Issue 20: an inline commit is written by one statement (intake/commit-sql.ts) instead of a transaction of
 * five inserts. The rows must be the same as the transaction's (still used when the parts go to another
 * storage), and a failing statement must leave nothing behind, not even the spent challenge.
 */
import { beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testReceipt } from '$support/intake-setup';
import { describeDb } from '$support/db';
import { attachment, attachmentPart, report, reportKeyWrap } from '$lib/server/db/schema';
import { powApi } from '$lib/server/http/reporter';
import type { ReportBody } from '$lib/shared/wire/reporter';
import { commitReport, type CommitOptions } from './intake';
import { storeInlineReport } from './intake/commit-sql';
import { databaseStorage } from './storage';
import { socketHost } from '$lib/server/db';
import { buildWorld, counts, draft, NOW, SETTINGS, solved, type World } from '../../../../tests/support/reporter-world';
import { parseReportBody } from '$lib/server/http/reporter';

describeDb('inline commit in one statement', (get) => {
	let world: World;
	let receipt: Parameters<typeof draft>[0]['receipt'];
	const recipients = () => [
		{ entryId: world.alice.entryId, publicKey: world.alice.keyPair.publicKey },
		{ entryId: world.bob.entryId, publicKey: world.bob.keyPair.publicKey }
	];
	const settings = { ...SETTINGS, routingCacheMs: 0 };

	beforeAll(async () => {
		world = await buildWorld(get().db);
		receipt = await testReceipt();
	});

	/** A parsed inline body with these files (each under PART_SIZE: one part each) and a solved challenge. */
	async function inlineBody(files: Uint8Array[]): Promise<{ body: ReportBody; locator: string }> {
		const d = draft({ recipients: recipients(), receipt, files });
		const raw = {
			...d.body('unused'),
			intake: undefined,
			pow: await solved(world.ctx({ now: NOW }), 'intake', powApi),
			files: d.files.map((f) => Buffer.from(f).toString('base64'))
		};
		const parsed = parseReportBody(JSON.parse(JSON.stringify(raw)));
		if (!parsed.ok) throw new Error(`draft refused: ${parsed.code}`);
		return { body: parsed.value as ReportBody, locator: d.locator };
	}

	/** Everything stored for one report, without its ids and per-draft bytes. */
	async function stored(locator: string) {
		const { db } = get();
		const [r] = await db.select().from(report).where(eq(report.locator, locator));
		const wraps = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, r!.id));
		const files = await db.select().from(attachment).where(eq(attachment.reportId, r!.id));
		const parts = [];
		for (const f of files.sort((a, b) => a.fileNo - b.fileNo)) {
			const ps = await db.select().from(attachmentPart).where(eq(attachmentPart.attachmentId, f.id));
			parts.push(...ps.map((p) => [f.fileNo, p.idx, p.data.length]));
		}
		const { id, locator: _l, content, receiptWrapped, ...rest } = r!;
		void _l;
		return {
			id,
			row: { ...rest, contentLength: content.length, receiptWrappedLength: receiptWrapped.length },
			wraps: wraps.map((w) => [w.staffId, w.entryId.length, w.sealed.length, w.grantedBy, w.proof]).sort(),
			files: files.map((f) => [f.fileNo, f.bytes, f.parts, f.intakeId, f.messageId]),
			parts
		};
	}

	it('writes the same rows as the transaction it replaces', async () => {
		const { db } = get();
		const files = [new Uint8Array(20 * 1024).map((_, i) => i & 255), new Uint8Array(300).fill(9)];
		const one = await inlineBody(files);
		const two = await inlineBody(files);
		// Another storage object (the same tables) takes the transaction's path.
		const viaTransaction: CommitOptions = { now: NOW, storage: (tx) => ({ ...databaseStorage(tx) }) };
		const before = await counts(db);
		const a = await commitReport(db, one.body, settings, { now: NOW });
		const b = await commitReport(db, two.body, settings, viaTransaction);
		expect(a).toEqual({ ok: true, value: { locator: one.locator, receivedOn: '2026-11-27' } });
		expect(b).toEqual({ ok: true, value: { locator: two.locator, receivedOn: '2026-11-27' } });
		expect(await counts(db)).toEqual({
			...before,
			report: before.report! + 2,
			wraps: before.wraps! + 4,
			attachments: before.attachments! + 4,
			parts: before.parts! + 4,
			pow: before.pow! + 2
		});
		const x = await stored(one.locator);
		const y = await stored(two.locator);
		expect(x.id).not.toBe(y.id);
		expect(x.row).toEqual(y.row);
		expect(x.row.caseData).toEqual({});
		expect(x.wraps).toEqual(y.wraps);
		expect(x.files).toEqual(y.files);
		expect(x.parts).toEqual(y.parts);
		expect(x.parts.map((p) => p[2])).toEqual(one.body.files!.map((f) => f.length));
	});

	it('answers a replayed challenge and a taken locator as before, and a failed statement leaves nothing', async () => {
		const { db } = get();
		const first = await inlineBody([new Uint8Array(100).fill(1)]);
		expect((await commitReport(db, first.body, settings, { now: NOW })).ok).toBe(true);
		const afterFirst = await counts(db);
		// Same challenge, another report: nothing written.
		const other = await inlineBody([]);
		const replay = await commitReport(db, { ...other.body, pow: first.body.pow }, settings, { now: NOW });
		expect(replay).toMatchObject({ ok: false, code: 'pow_replayed' });
		expect(await counts(db)).toEqual(afterFirst);
		// A taken locator (another auth hash): only the new challenge is spent.
		const taken = { ...other.body, receipt: { ...other.body.receipt, locator: first.locator } };
		taken.receipt.authHash = new Uint8Array(32).fill(3);
		expect(await commitReport(db, taken, settings, { now: NOW })).toMatchObject({ ok: false, code: 'locator_taken' });
		expect(await counts(db)).toEqual({ ...afterFirst, pow: afterFirst.pow! + 1 });
		// A wrap for a staff member who does not exist fails the statement: no report, no spent challenge.
		const [row] = await db.select().from(report).where(eq(report.locator, first.locator));
		const before = await counts(db);
		await expect(
			storeInlineReport(
				db,
				{ ...row!, id: undefined, locator: 'qf-one-statement-failure' },
				[{ staffId: '00000000-0000-4000-8000-000000000000', entryId: new Uint8Array(8), sealed: new Uint8Array(8) }],
				[new Uint8Array(10)],
				{ id: new Uint8Array(16).fill(7), expiresAt: new Date(NOW.getTime() + 60_000) }
			)
		).rejects.toThrow();
		expect(await counts(db)).toEqual(before);
	});
});

it('reads a Unix socket folder from libpq’s ?host= and leaves other URLs alone', () => {
	expect(socketHost('postgres://postgres@localhost:5432/qf?host=/var/run/postgresql')).toEqual({
		url: 'postgres://postgres@localhost:5432/qf',
		host: '/var/run/postgresql'
	});
	expect(socketHost('postgres://postgres@127.0.0.1:5432/qf?sslmode=require')).toEqual({
		url: 'postgres://postgres@127.0.0.1:5432/qf?sslmode=require',
		host: null
	});
	const multiHost = 'postgres://postgres@db1:5432,db2:5432/qf?target_session_attrs=read-write';
	expect(socketHost(multiHost)).toEqual({ url: multiHost, host: null });
});
