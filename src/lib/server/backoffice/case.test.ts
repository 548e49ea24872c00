/**
 * Cases through the back office's server core: transitions persisted with their deadlines, events and the
 * reporter-visible status; approvals by a second person; a transfer up with the key re-sealed for the
 * higher organ's recipients; replies reaching the reporter's view; the inbox's filters and pagination;
 * the deadline reminder job.
 */
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { encryptContent, openSealedKey, sealKey, utf8 } from '$lib/crypto';
import type { StaffUser } from '$lib/server/auth/session';
import type { Db } from '$lib/server/db';
import {
	report,
	reportDeadline,
	reportEvent,
	reportKeyWrap,
	reportPending,
	staffNotice,
	staffUser
} from '$lib/server/db/schema';
import { describeDb } from '$lib/server/db/testing';
import { registeredJobs } from '$lib/server/jobs/registry';
import { reportView } from '$lib/server/reports/followup';
import { visibleReport } from './access';
import * as actions from './case-actions';
import * as conversation from './case-conversation';
import * as grants from './case-grants';
import * as view from './case-view';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { answerOf } from '$lib/server/http/answer';
import type { Result } from '$lib/server/http/result';
import { created } from '$lib/server/http/staff';
import type { StaffCtx } from './context';
import * as inboxes from './inbox';
import * as notices from './notices';
import { DEADLINE_REMINDERS_JOB } from './reminders';
import { buildBackofficeWorld, NOW, storeReport, type BoWorld, type Member } from './testing';
import { verifyAuditLog } from '$lib/server/audit/log';

/** The operations as the staff API answers them (status and body), which is what these tests state. */
const answering =
	<A extends unknown[]>(fn: (...a: A) => Promise<Result<unknown>>, shape = (r: Result<unknown>) => r) =>
	async (...a: A) =>
		answerOf(shape(await fn(...a)));
const applyAction = answering(actions.applyAction);
const addNote = answering(conversation.addNote, created);
const reply = answering(conversation.reply, created);
const assign = answering(grants.assign);
const grant = answering(grants.grant, created);
const openCase = answering(view.openCase);
const inbox = answering(inboxes.inbox);
const listNotices = answering(notices.listNotices);
const { raiseDeadlineNotices } = notices;

const note = (key: Uint8Array, text = 'rationale') => b64(encryptContent(key, utf8(JSON.stringify({ text }))));

describeDb('back-office cases', (get) => {
	let w: BoWorld;
	let db: Db;
	const users = new Map<string, StaffUser>();
	const ctx = (m: Member, now = NOW): StaffCtx => ({ db, user: users.get(m.id)!, now });

	beforeAll(async () => {
		db = get().db;
		w = await buildBackofficeWorld(db);
		for (const u of await db.select().from(staffUser)) users.set(u.id, u);
	});

	it('persists transitions with their deadlines, events, status and disposition; closing needs a second person', async () => {
		const r = await storeReport(db, { recipients: [w.alice, w.hank], realName: true, receivedOn: '2026-11-27' });
		const act = (m: Member, body: Record<string, unknown>, now = NOW) => applyAction(ctx(m, now), r.id, body);

		let a = await act(w.alice, { action: 'register' });
		expect(a.status).toBe(200);
		let [row] = await db.select().from(report).where(eq(report.id, r.id));
		expect(row!.state).toBe('registered');
		// acceptance_notice: 15 working days from the organ's receipt (Friday 27 Nov 2026) → Friday 18 Dec.
		expect(row!.nextDueOn).toBe('2026-12-18');
		expect(row!.nextDueCode).toBe('acceptance_notice');
		expect(row!.publicStatus).toBe('received');

		expect((await act(w.alice, { action: 'accept' })).status).toBe(200);
		expect((await act(w.alice, { action: 'dispatch' })).status).toBe(200);
		// A disposition needs an encrypted rationale.
		expect(await act(w.alice, { action: 'start_inquiry' })).toMatchObject({
			status: 400,
			body: { error: { code: 'needs_note' } }
		});
		// Monday 30 Nov: inquiry_reply runs 15 working days → Monday 21 Dec.
		const monday = new Date('2026-11-30T02:00:00Z');
		a = await act(w.alice, { action: 'start_inquiry', note: note(r.reportKey) }, monday);
		expect(a.status).toBe(200);
		[row] = await db.select().from(report).where(eq(report.id, r.id));
		expect(row!.state).toBe('inquiry');
		expect(row!.disposition).toBe('talk_inquiry');
		expect(row!.publicStatus).toBe('handling');
		expect(row!.nextDueOn).toBe('2026-12-18'); // the acceptance notice is still the earliest
		const deadlines = await db
			.select()
			.from(reportDeadline)
			.where(eq(reportDeadline.reportId, r.id))
			.orderBy(asc(reportDeadline.code));
		expect(deadlines.map((d) => [d.code, d.dueOn, d.metOn])).toEqual([
			['acceptance_notice', '2026-12-18', null],
			['inquiry_reply', '2026-12-21', null]
		]);

		expect((await act(w.alice, { action: 'notify_acceptance' })).status).toBe(200);
		expect((await act(w.alice, { action: 'notify_acceptance' })).status).toBe(409); // already_done
		[row] = await db.select().from(report).where(eq(report.id, r.id));
		expect(row!.nextDueOn).toBe('2026-12-21');
		expect(
			(
				await db
					.select()
					.from(reportDeadline)
					.where(and(eq(reportDeadline.reportId, r.id), eq(reportDeadline.code, 'acceptance_notice')))
			)[0]!.metOn
		).toBe('2026-11-27');

		expect((await act(w.alice, { action: 'record_inquiry_reply', note: note(r.reportKey) })).status).toBe(200);
		// Closing is a request; the requester cannot approve it, an inspector cannot either; the head can.
		expect(
			await act(w.alice, {
				action: 'request_close',
				note: note(r.reportKey),
				outcome: { kind: 'handled', form: 'form2', party: 'warning' }
			})
		).toMatchObject({ status: 400, body: { error: { code: 'bad_outcome' } } });
		expect(
			(await act(w.alice, { action: 'request_close', note: note(r.reportKey), outcome: { kind: 'closed' } })).status
		).toBe(200);
		expect(await db.select().from(reportPending).where(eq(reportPending.reportId, r.id))).toHaveLength(1);
		expect(await act(w.alice, { action: 'approve' })).toMatchObject({
			status: 403,
			body: { error: { code: 'forbidden_role' } }
		});
		// The head got an approval notice.
		const notices = await db
			.select()
			.from(staffNotice)
			.where(and(eq(staffNotice.staffId, w.hank.id), eq(staffNotice.reportId, r.id)));
		expect(notices.map((n) => n.kind)).toEqual(['approval_requested']);
		const approved = await act(w.hank, { action: 'approve' }, new Date('2026-12-01T02:00:00Z'));
		expect(approved.status).toBe(200);
		[row] = await db.select().from(report).where(eq(report.id, r.id));
		expect(row).toMatchObject({
			state: 'concluded',
			publicStatus: 'concluded',
			concludedOn: '2026-12-01',
			outcome: 'closed',
			disposition: 'close',
			nextDueCode: 'result_feedback',
			nextDueOn: '2026-12-22'
		});
		expect(await db.select().from(reportPending).where(eq(reportPending.reportId, r.id))).toHaveLength(0);
		const events = await db
			.select()
			.from(reportEvent)
			.where(eq(reportEvent.reportId, r.id))
			.orderBy(asc(reportEvent.id));
		expect(events.map((e) => `${e.action}:${e.fromState}>${e.toState}`)).toEqual([
			'register:received>registered',
			'accept:registered>accepted',
			'dispatch:accepted>dispatched',
			'start_inquiry:dispatched>inquiry',
			'notify_acceptance:inquiry>inquiry',
			'record_inquiry_reply:inquiry>inquiry_replied',
			'request_close:inquiry_replied>close_requested',
			'approve:close_requested>concluded'
		]);
		expect(events[3]!.note).not.toBeNull();
		expect(events[7]!.outcome).toEqual({ kind: 'closed' });
		// The view lists what the head may do now, and the reporter sees "concluded".
		const view = (await openCase(ctx(w.hank), r.id)).body as {
			allowedActions: { action: string }[];
			events: unknown[];
		};
		expect(view.allowedActions.map((x) => x.action).sort()).toEqual([
			'clear_name',
			'give_feedback',
			'record_objection',
			'refer_false_accusation'
		]);
		expect((await reportView(db, r.id))!.status).toBe('concluded');
		expect((await verifyAuditLog(db)).ok).toBe(true);
	});

	it('transfers up with the key sealed to the higher organ: the old organ loses it, a grant survives, the reporter sees "transferred"', async () => {
		const r = await storeReport(db, { recipients: [w.alice, w.hank], realName: false });
		expect((await applyAction(ctx(w.alice), r.id, { action: 'register' })).status).toBe(200);
		// A colleague of another organ is granted access before the transfer.
		expect(
			(
				await grant(ctx(w.alice), r.id, {
					staffId: w.olga.id,
					entryId: b64(w.olga.entryId!),
					sealed: b64(sealKey(r.reportKey, w.olga.keyPair!.publicKey))
				})
			).status
		).toBe(201);

		const wrapFor = (m: Member) => ({
			entryId: b64(m.entryId!),
			sealed: b64(sealKey(r.reportKey, m.keyPair!.publicKey))
		});
		const up = (body: Record<string, unknown>) =>
			applyAction(ctx(w.alice), r.id, { action: 'request_report_up', note: note(r.reportKey), ...body });
		expect(await up({ targetOrgan: 'o-k1', wraps: [wrapFor(w.olga)] })).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_target_organ' } }
		});
		expect(await up({ targetOrgan: 'o-prov' })).toMatchObject({
			status: 400,
			body: { error: { code: 'needs_wraps' } }
		});
		// A wrap for someone who is not a recipient of the higher organ is refused.
		expect(await up({ targetOrgan: 'o-prov', wraps: [wrapFor(w.gina), wrapFor(w.alice)] })).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_wraps' } }
		});
		expect((await up({ targetOrgan: 'o-prov', wraps: [wrapFor(w.gina), wrapFor(w.carol)] })).status).toBe(200);
		expect((await db.select().from(report).where(eq(report.id, r.id)))[0]!.state).toBe('up_requested');

		// The head of the holding organ approves: the report moves to o-prov.
		const approved = await applyAction(ctx(w.hank), r.id, { action: 'approve' });
		expect(approved.status).toBe(200);
		const [row] = await db.select().from(report).where(eq(report.id, r.id));
		expect(row).toMatchObject({
			organId: 'o-prov',
			state: 'reported_up',
			publicStatus: 'transferred',
			handlerId: null
		});
		const wraps = await db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, r.id));
		expect(wraps.map((x) => x.staffId).sort()).toEqual([w.gina.id, w.carol.id, w.olga.id].sort());
		const ginaWrap = wraps.find((x) => x.staffId === w.gina.id)!;
		expect(openSealedKey(ginaWrap.sealed, w.gina.keyPair!)).toEqual(r.reportKey);

		expect(await visibleReport(db, w.alice.id, r.id)).toBeNull();
		expect(await visibleReport(db, w.hank.id, r.id)).toBeNull();
		expect((await openCase(ctx(w.alice), r.id)).status).toBe(404);
		expect((await openCase(ctx(w.gina), r.id)).status).toBe(200);
		expect((await visibleReport(db, w.olga.id, r.id))?.grantedBy).toBe(w.alice.id);
		expect((await reportView(db, r.id))!.status).toBe('transferred');

		// The higher organ registers it, and answers the reporter; the reporter's view has the reply.
		expect((await applyAction(ctx(w.carol), r.id, { action: 'register_transfer' })).status).toBe(200);
		expect((await db.select().from(report).where(eq(report.id, r.id)))[0]!.publicStatus).toBe('received');
		const sent = await reply(ctx(w.gina), r.id, { body: note(r.reportKey, 'thank you') });
		expect(sent.status).toBe(201);
		const seen = await reportView(db, r.id);
		expect(seen!.messages.map((m) => m.author)).toEqual(['staff']);
		// The new holders got a notice.
		expect(
			(
				await db
					.select()
					.from(staffNotice)
					.where(and(eq(staffNotice.staffId, w.gina.id), eq(staffNotice.kind, 'transferred_in')))
			).length
		).toBe(1);
		expect((await verifyAuditLog(db)).ok).toBe(true);
	});

	it('refuses to apply a transfer whose recipients are gone (wraps_stale) and changes nothing', async () => {
		const r = await storeReport(db, { recipients: [w.alice, w.hank], realName: false });
		await applyAction(ctx(w.alice), r.id, { action: 'register' });
		const wrap = { entryId: b64(w.gina.entryId!), sealed: b64(sealKey(r.reportKey, w.gina.keyPair!.publicKey)) };
		expect(
			(
				await applyAction(ctx(w.alice), r.id, {
					action: 'request_report_up',
					note: note(r.reportKey),
					targetOrgan: 'o-prov',
					wraps: [wrap]
				})
			).status
		).toBe(200);
		// gina's account is disabled after the request: her entry is no longer a valid recipient.
		await db.update(staffUser).set({ disabledAt: NOW }).where(eq(staffUser.id, w.gina.id));
		try {
			expect(await applyAction(ctx(w.hank), r.id, { action: 'approve' })).toMatchObject({
				status: 409,
				body: { error: { code: 'wraps_stale' } }
			});
			expect((await db.select().from(report).where(eq(report.id, r.id)))[0]).toMatchObject({
				organId: 'o-city',
				state: 'up_requested'
			});
			// The requester withdraws.
			expect((await applyAction(ctx(w.alice), r.id, { action: 'withdraw' })).status).toBe(200);
			expect((await db.select().from(report).where(eq(report.id, r.id)))[0]!.state).toBe('registered');
		} finally {
			await db.update(staffUser).set({ disabledAt: null }).where(eq(staffUser.id, w.gina.id));
		}
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
