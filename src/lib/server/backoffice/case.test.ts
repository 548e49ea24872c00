/**
 * Cases through the back office's server core: transitions persisted with their deadlines, events and the
 * reporter-visible status; approvals by a second person; a transfer up with the key re-sealed for the
 * higher organ's recipients; replies reaching the reporter's view. (The inbox, the reminder job and
 * assignment: ./case-inbox.test.ts.)
 */
import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { openSealedKey, sealKey } from '$lib/crypto';
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
import { describeDb } from '$support/db';
import { reportView } from '$lib/server/reports/followup';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { verifyAuditLog } from '$lib/server/audit/log';
import { visibleReport } from './access';
import { applyAction, grant, note, openCase, reply } from '$support/case-fixtures';
import type { StaffCtx } from './context';
import { buildBackofficeWorld, NOW, storeReport, transferWrap, type BoWorld, type Member } from '$support/backoffice';

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
			// One month (22 working days) to propose a disposition from the dispatch: met by the inquiry.
			['disposition_proposal', '2026-12-29', '2026-11-30'],
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

		const wrapFor = (m: Member) => transferWrap(r.id, r.reportKey, w.alice, m);
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
		// A wrap without its sender's proof (issue 16) is refused.
		const { proof: _, ...noProof } = wrapFor(w.carol);
		expect(await up({ targetOrgan: 'o-prov', wraps: [wrapFor(w.gina), noProof] })).toMatchObject({
			status: 400,
			body: { error: { code: 'bad_wraps' } }
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
		const wrap = transferWrap(r.id, r.reportKey, w.alice, w.gina);
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
});
