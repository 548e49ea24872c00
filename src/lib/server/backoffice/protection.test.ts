/**
 * Protection requests (申请保护, issue 19): a reporter message of purpose 'protection' records the request
 * with its own deadline and raises a priority notice for the staff who act on the report (not a conflicted
 * inspector, not another organ); the notice list shows it first; the reminder job raises
 * `protection_overdue` once past due; the first reply to the reporter meets it; the case view shows it.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { encryptContent, utf8 } from '$lib/crypto';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { reportMessage, reportProtection, staffNotice, staffUser } from '$lib/server/db/schema';
import { describeDb } from '$support/db';
import { addReporterMessage } from '$lib/server/reports/intake/commit';
import { listNotices, note, openCase, reply } from '$support/case-fixtures';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';
import type { StaffCtx } from './context';
import { PROTECTION_ANSWER_WORKING_DAYS, raiseProtectionNotices } from './protection';

const SETTINGS = { maxFiles: 10, maxFileBytes: 1 << 20, maxReportBytes: 1 << 22, timezone: 'Asia/Shanghai' };

describeDb('protection requests', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member, now = NOW): StaffCtx => ({ db, user: users.get(m.id)!, now });

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('raises a priority notice with its own deadline, shown first; overdue reminder; a reply meets it', async () => {
		// u-k2: bob declared a conflict for it, so he never hears of it; olga is another organ's.
		const r = await storeReport(db, { recipients: [w.alice, w.bob, w.hank], unitId: 'u-k2' });
		const ordinary = await addReporterMessage(
			db,
			r.id,
			{ body: encryptContent(r.reportKey, utf8(JSON.stringify({ text: '补充材料' }))), intake: null },
			SETTINGS,
			NOW
		);
		expect(ordinary.ok).toBe(true);
		expect(await db.select().from(reportProtection).where(eq(reportProtection.reportId, r.id))).toEqual([]);

		const sent = await addReporterMessage(
			db,
			r.id,
			{
				body: encryptContent(r.reportKey, utf8(JSON.stringify({ text: '【保护申请】单位领导威胁调岗' }))),
				intake: null,
				purpose: 'protection'
			},
			SETTINGS,
			NOW
		);
		if (!sent.ok) throw new Error('refused');
		const [p] = await db.select().from(reportProtection).where(eq(reportProtection.reportId, r.id));
		// NOW is Friday 2026-11-27 (China): 3 working days later is Wednesday 2026-12-02.
		expect(PROTECTION_ANSWER_WORKING_DAYS).toBe(3);
		expect(p).toMatchObject({ messageId: sent.value.id, requestedOn: '2026-11-27', dueOn: '2026-12-02', metOn: null });

		const notices = await db.select().from(staffNotice).where(eq(staffNotice.reportId, r.id));
		const told = notices.filter((n) => n.kind === 'protection_requested').map((n) => n.staffId);
		expect(told.sort()).toEqual([w.alice.id, w.hank.id].sort());
		expect(notices.find((n) => n.staffId === w.alice.id)?.details).toEqual({ code: 'protection', due: '2026-12-02' });

		// A newer, ordinary notice does not push it down: unseen protection notices come first.
		const other = await storeReport(db, { recipients: [w.alice] });
		await db
			.insert(staffNotice)
			.values({ staffId: w.alice.id, reportId: other.id, kind: 'assigned', createdOn: '2026-11-27' });
		const list = await listNotices(ctx(w.alice), new URLSearchParams());
		const items = (list.body as { items: { kind: string; reportId: string }[] }).items;
		expect(items[0]).toMatchObject({ kind: 'protection_requested', reportId: r.id });
		expect(items.some((n) => n.kind === 'assigned')).toBe(true);

		// The case opens with the request and its deadline at the top.
		const opened = await openCase(ctx(w.alice), r.id);
		expect((opened.body as { protection: unknown }).protection).toEqual([
			{ messageId: sent.value.id, requestedOn: '2026-11-27', dueOn: '2026-12-02', metOn: null }
		]);

		// Not due yet on the due day; overdue the day after, once per staff and day.
		expect((await raiseProtectionNotices(db, new Date('2026-12-02T02:00:00Z'))).raised).toBe(0);
		const late = new Date('2026-12-03T02:00:00Z');
		expect((await raiseProtectionNotices(db, late)).raised).toBe(2);
		expect((await raiseProtectionNotices(db, late)).raised).toBe(0);

		// Alice answers the reporter: the request is met, and no further reminder comes.
		const answered = await reply(ctx(w.alice, late), r.id, { body: note(r.reportKey, '已安排保护') });
		expect(answered.status).toBe(201);
		const [met] = await db.select().from(reportProtection).where(eq(reportProtection.reportId, r.id));
		expect(met?.metOn).toBe('2026-12-03');
		expect((await raiseProtectionNotices(db, new Date('2026-12-04T02:00:00Z'))).raised).toBe(0);
		expect((await db.select().from(reportMessage).where(eq(reportMessage.reportId, r.id))).length).toBe(3);
	});
});
