/**
 * The inbox's filters and pagination, the deadline reminder job, and assignment with its audit entries,
 * through the back office's server core. (Transitions and transfers: ./case.test.ts.)
 */
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import { report, staffNotice, staffUser } from '$lib/server/db/schema';
import { describeDb } from '$support/db';
import { registeredJobs } from '$lib/server/jobs/registry';
import { verifyAuditLog } from '$lib/server/audit/log';
import { addNote, assign, inbox, listNotices, note } from '$support/case-fixtures';
import type { StaffCtx } from './context';
import { raiseDeadlineNotices } from './notices';
import { DEADLINE_REMINDERS_JOB } from './reminders';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from '$support/backoffice';

describeDb('back-office inbox, reminders and assignment', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member, now = NOW): StaffCtx => ({ db, user: users.get(m.id)!, now });

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('the inbox filters, counts and pages with a keyset cursor', async () => {
		// A fresh organ scope: reports for o-k1 (olga), 7 of them, 3 assigned to olga, two with deadlines.
		const ids: string[] = [];
		for (let i = 0; i < 7; i++) {
			const r = await storeReport(db, {
				organId: 'o-k1',
				unitId: 'u-k1',
				recipients: [w.olga],
				receivedOn: `2026-11-${String(10 + i).padStart(2, '0')}`,
				category: i % 2 ? 'integrity' : 'political',
				realName: i < 2
			});
			ids.push(r.id);
		}
		await db.update(report).set({ handlerId: w.olga.id }).where(eq(report.id, ids[0]!));
		await db.update(report).set({ handlerId: w.olga.id }).where(eq(report.id, ids[1]!));
		await db.update(report).set({ handlerId: w.olga.id }).where(eq(report.id, ids[2]!));
		await db
			.update(report)
			.set({ nextDueOn: '2026-11-20', nextDueCode: 'acceptance_notice' })
			.where(eq(report.id, ids[3]!)); // overdue
		await db
			.update(report)
			.set({ nextDueOn: '2026-11-30', nextDueCode: 'acceptance_notice' })
			.where(eq(report.id, ids[4]!)); // due soon
		// (olga also holds a grant on an earlier test's report about u-k2: the unit filter keeps this test to its own.)
		const get = async (q: string) =>
			(await inbox(ctx(w.olga), new URLSearchParams(`unit=u-k1&${q}`))).body as {
				items: { id: string; receivedOn: string; overdue: boolean }[];
				next: string | null;
				counts: Record<string, unknown>;
			};

		const all = await get('limit=3');
		expect(all.items.map((i) => i.receivedOn)).toEqual(['2026-11-16', '2026-11-15', '2026-11-14']);
		expect(all.counts).toMatchObject({
			total: 7,
			overdue: 1,
			dueSoon: 1,
			unassigned: 4,
			mine: 3,
			byState: { received: 7 }
		});
		const page2 = await get(`limit=3&after=${all.next}`);
		expect(page2.items.map((i) => i.receivedOn)).toEqual(['2026-11-13', '2026-11-12', '2026-11-11']);
		const page3 = await get(`limit=3&after=${page2.next}`);
		expect(page3.items.map((i) => i.receivedOn)).toEqual(['2026-11-10']);
		expect(page3.next).toBeNull();

		expect((await get('due=overdue')).items.map((i) => i.id)).toEqual([ids[3]]);
		expect((await get('due=soon')).items.map((i) => i.id)).toEqual([ids[4]]);
		expect((await get('assigned=me')).counts.total).toBe(3);
		expect((await get('assigned=none')).items).toHaveLength(4);
		expect((await get('category=political')).counts.total).toBe(4);
		expect((await get('realName=1')).items).toHaveLength(2);
		expect((await get('stage=intake')).counts.total).toBe(7);
		expect((await get('state=accepted')).items).toHaveLength(0);
		const byDeadline = await get('sort=deadline&limit=2');
		expect(byDeadline.items.map((i) => i.id)).toEqual([ids[3], ids[4]]);
		expect(byDeadline.items[0]!.overdue).toBe(true);
		const rest = await get(`sort=deadline&limit=10&after=${byDeadline.next}`);
		expect(rest.items).toHaveLength(5);
		expect(new Set([...byDeadline.items, ...rest.items].map((i) => i.id)).size).toBe(7);
	});

	it('the reminder job raises due-soon and overdue notices once per day, for the handler or the organ', async () => {
		expect(registeredJobs().find((j) => j.name === DEADLINE_REMINDERS_JOB)?.cron).toBe('0 * * * *');
		const soon = await storeReport(db, {
			organId: 'o-k2',
			unitId: 'u-k2',
			recipients: [w.alice, w.hank],
			forcedWraps: [w.bob]
		});
		const late = await storeReport(db, { organId: 'o-city', unitId: 'u-k1', recipients: [w.alice, w.hank, w.bob] });
		const later = await storeReport(db, { organId: 'o-city', unitId: 'u-k1', recipients: [w.alice, w.hank] });
		// soon: held by o-k2 where nobody of ours is a member → no one is notified; late: handler bob; later: not due.
		await db
			.update(report)
			.set({ nextDueOn: '2026-12-01', nextDueCode: 'acceptance_notice' })
			.where(eq(report.id, soon.id));
		await db
			.update(report)
			.set({ nextDueOn: '2026-11-26', nextDueCode: 'forward_up', handlerId: w.bob.id })
			.where(eq(report.id, late.id));
		await db
			.update(report)
			.set({ nextDueOn: '2026-12-10', nextDueCode: 'acceptance_notice' })
			.where(eq(report.id, later.id));
		// And one unassigned due-soon report of o-city: alice and hank are told (bob is conflicted for u-k2).
		const open = await storeReport(db, {
			organId: 'o-city',
			unitId: 'u-k2',
			recipients: [w.alice, w.hank],
			forcedWraps: [w.bob]
		});
		await db
			.update(report)
			.set({ nextDueOn: '2026-12-01', nextDueCode: 'acceptance_notice' })
			.where(eq(report.id, open.id));

		const mine = (id: string) => db.select().from(staffNotice).where(eq(staffNotice.reportId, id));
		const first = await raiseDeadlineNotices(db, NOW);
		expect(first.soon).toBe('2026-12-01');
		expect((await mine(late.id)).map((n) => `${n.staffId === w.bob.id ? 'bob' : n.staffId}:${n.kind}`)).toEqual([
			'bob:overdue'
		]);
		expect((await mine(open.id)).map((n) => n.staffId).sort()).toEqual([w.alice.id, w.hank.id].sort());
		expect((await mine(open.id)).every((n) => n.kind === 'due_soon')).toBe(true);
		expect(await mine(soon.id)).toHaveLength(0);
		expect(await mine(later.id)).toHaveLength(0);
		// Again the same day: nothing new. The next day: raised again.
		expect((await raiseDeadlineNotices(db, new Date(NOW.getTime() + 3600_000))).raised).toBe(0);
		expect((await raiseDeadlineNotices(db, new Date('2026-11-28T02:00:00Z'))).raised).toBeGreaterThanOrEqual(3);
		// Through the API, bob sees his overdue notice.
		const listed = (await listNotices(ctx(w.bob), new URLSearchParams('unseen=1'))).body as {
			items: { reportId: string; kind: string }[];
		};
		expect(listed.items.some((i) => i.reportId === late.id && i.kind === 'overdue')).toBe(true);
	});

	it('assignment only to entitled members, notes from grantees, and everything is audited', async () => {
		const r = await storeReport(db, { recipients: [w.alice, w.hank], forcedWraps: [w.bob] });
		expect((await assign(ctx(w.hank), r.id, { staffId: w.bob.id })).status).toBe(400); // conflicted
		expect((await assign(ctx(w.hank), r.id, { staffId: w.alice.id })).status).toBe(200);
		expect((await db.select().from(report).where(eq(report.id, r.id)))[0]!.handlerId).toBe(w.alice.id);
		expect((await addNote(ctx(w.alice), r.id, { body: note(r.reportKey) })).status).toBe(201);
		const { rowsOf } = await import('$lib/server/org/sql');
		const { sql } = await import('drizzle-orm');
		const actions = rowsOf<{ action: string }>(
			await db.execute(sql`select action from audit_log where report_id = ${r.id} order by seq`)
		).map((x) => x.action);
		expect(actions).toEqual(['report.assign', 'report.note']);
		expect((await verifyAuditLog(db)).ok).toBe(true);
	});
});
