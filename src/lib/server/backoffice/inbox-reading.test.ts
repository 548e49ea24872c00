/**
 * Issue 16, "audited reading": the inbox serves the sealed summary and the caller's wrap, never the full
 * content ciphertext; the content is served only by the audited open (`report.open`). The summary is
 * sealed by the reporter's browser and stored by intake (exact size, format I).
 */
import { beforeAll, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { decryptContent, encodeBase64, openSealedKey } from '$lib/crypto';
import { testReceipt } from '$support/intake-setup';
import { decryptSummary, encryptSummary, SUMMARY_CIPHERTEXT_LENGTH } from '$lib/crypto/summary';
import { decodeSummary, encodeSummary } from '$lib/shared/report-summary';
import { describeDb } from '$support/db';
import { auditLog, report, staffUser } from '$lib/server/db/schema';
import { intakeApi, powApi, reportsApi, type Ctx } from '$lib/server/http/reporter';
import type { InboxAnswer } from '$lib/shared/wire/staff';
import { buildWorld, draft, jsonRequest, NOW, solved, type World } from '../../../../tests/support/reporter-world';
import { inbox } from './inbox';
import { openCase } from './case-view';
import { addNote } from './case-conversation';
import { decryptNote, encryptNote } from '$lib/crypto/notes';
import { utf8 } from '$lib/crypto/encoding';
import type { StaffCtx } from './context';

describeDb('audited reading: the inbox serves summaries, never content', (get) => {
	let world: World;
	let receipt: { kdfSpec: Uint8Array; authHash: Uint8Array; wrappedFor: (k: Uint8Array) => Uint8Array };
	const ctx = (over: Partial<Ctx> = {}) => world.ctx(over);
	const recipients = () => [
		{ entryId: world.alice.entryId, publicKey: world.alice.keyPair.publicKey },
		{ entryId: world.bob.entryId, publicKey: world.bob.keyPair.publicKey }
	];
	async function staffCtx(id: string): Promise<StaffCtx> {
		const [user] = await get().db.select().from(staffUser).where(eq(staffUser.id, id));
		return { db: get().db, user: user!, now: NOW } as StaffCtx;
	}
	async function emptyIntake(): Promise<string> {
		const pow = await solved(ctx(), 'intake', powApi);
		const r = await intakeApi(ctx(), jsonRequest('/api/v1/intake', { pow, files: [] }));
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		return (r.body as { intake: string }).intake;
	}

	beforeAll(async () => {
		world = await buildWorld(get().db);
		receipt = await testReceipt();
	});

	it('intake refuses a summary of the wrong size or format, and stores a valid one', async () => {
		const d = draft({ recipients: recipients(), receipt, text: '收受现金 canary-7f3a' });
		const good = encryptSummary(d.reportKey, encodeSummary({ v: 1, person: '张某 · 局长', subject: '收受现金' }));
		const short = encodeBase64(good.subarray(0, SUMMARY_CIPHERTEXT_LENGTH - 1));
		const asContent = good.slice();
		asContent[1] = 0x43;
		for (const summary of [short, encodeBase64(asContent)]) {
			const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(await emptyIntake(), { summary })));
			expect(r.status, JSON.stringify(r.body)).toBe(400);
		}
		const r = await reportsApi(
			ctx(),
			jsonRequest('/api/v1/reports', d.body(await emptyIntake(), { summary: encodeBase64(good) }))
		);
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		const [row] = await get().db.select({ summary: report.summary }).from(report).where(eq(report.locator, d.locator));
		expect(row!.summary).toEqual(good);
	});

	it('lists no full-content ciphertext; the summary opens; a report of before has none; the open is audited', async () => {
		const { db } = get();
		const withSummary = draft({ recipients: recipients(), receipt, text: '第二份 canary-7f3a' });
		const summary = encryptSummary(withSummary.reportKey, encodeSummary({ v: 1, person: '李某', subject: '第二份' }));
		const r1 = await reportsApi(
			ctx(),
			jsonRequest('/api/v1/reports', withSummary.body(await emptyIntake(), { summary: encodeBase64(summary) }))
		);
		expect(r1.status, JSON.stringify(r1.body)).toBe(201);
		const old = draft({ recipients: recipients(), receipt, text: '旧的 canary-7f3a' });
		const r2 = await reportsApi(ctx(), jsonRequest('/api/v1/reports', old.body(await emptyIntake())));
		expect(r2.status, JSON.stringify(r2.body)).toBe(201);

		const rows = await db.select({ id: report.id, locator: report.locator, content: report.content }).from(report);
		expect(rows.length).toBeGreaterThanOrEqual(3);
		const alice = await staffCtx(world.alice.id);
		const answer = await inbox(alice, new URLSearchParams());
		expect(answer.ok).toBe(true);
		const page = (answer as { value: InboxAnswer }).value;
		expect(page.items.length).toBe(rows.length);
		const served = JSON.stringify(page);
		for (const r of rows) {
			const b64 = encodeBase64(r.content);
			expect(served.includes(b64)).toBe(false);
			// Not even a slice of it (the nonce and the first ciphertext bytes).
			expect(served.includes(b64.slice(4, 60))).toBe(false);
		}
		for (const it of page.items) expect(Object.keys(it)).not.toContain('content');

		const item = page.items.find((i) => i.locator === withSummary.locator)!;
		const key = openSealedKey(Uint8Array.from(Buffer.from(item.sealed, 'base64')), world.alice.keyPair);
		expect(decodeSummary(decryptSummary(key, Uint8Array.from(Buffer.from(item.summary!, 'base64'))))).toEqual({
			v: 1,
			person: '李某',
			subject: '第二份'
		});
		expect(page.items.find((i) => i.locator === old.locator)!.summary).toBeNull();

		// The content comes with the audited open of one report.
		const id = rows.find((r) => r.locator === old.locator)!.id;
		const opened = await openCase(alice, id);
		expect(opened.ok).toBe(true);
		const view = (opened as { value: { report: { content: string; sealed: string } } }).value.report;
		const oldKey = openSealedKey(Buffer.from(view.sealed, 'base64'), world.alice.keyPair);
		expect(decryptContent(oldKey, Buffer.from(view.content, 'base64'))).toEqual(
			decryptContent(oldKey, rows.find((r) => r.locator === old.locator)!.content)
		);
		const audit = await db
			.select({ action: auditLog.action })
			.from(auditLog)
			.where(and(eq(auditLog.reportId, id), eq(auditLog.actor, world.alice.id)));
		expect(audit.map((a) => a.action)).toContain('report.open');
	});

	it('stores a note of format N bound to its report and author; refuses another framing', async () => {
		const d = draft({ recipients: recipients(), receipt });
		const r = await reportsApi(ctx(), jsonRequest('/api/v1/reports', d.body(await emptyIntake())));
		expect(r.status, JSON.stringify(r.body)).toBe(201);
		const [row] = await get().db.select({ id: report.id }).from(report).where(eq(report.locator, d.locator));
		const alice = await staffCtx(world.alice.id);
		const note = { reportId: row!.id, authorId: world.alice.id, kind: 'note' };
		const body = encryptNote(d.reportKey, note, utf8('{"text":"内部意见"}'));
		expect((await addNote(alice, row!.id, { body: encodeBase64(body) })).ok).toBe(true);
		const summary = encryptSummary(d.reportKey, utf8('{}'));
		const refused = await addNote(alice, row!.id, { body: encodeBase64(summary) });
		expect(refused).toMatchObject({ ok: false, code: 'bad_content' });
		const view = await openCase(alice, row!.id);
		const notes = (view as { value: { notes: { author: { id: string } | null; body: string }[] } }).value.notes;
		expect(notes).toHaveLength(1);
		const stored = Buffer.from(notes[0]!.body, 'base64');
		expect(notes[0]!.author?.id).toBe(world.alice.id);
		expect(Buffer.from(decryptNote(d.reportKey, note, stored)).toString()).toBe('{"text":"内部意见"}');
		expect(() =>
			decryptNote(d.reportKey, { ...note, reportId: '00000000-0000-4000-8000-000000000000' }, stored)
		).toThrow();
	});
});
