/**
 * Workflow deadlines counted in working days (with the holiday calendar), and what is left after conclusion.
 */
import { describe, expect, it } from 'vitest';
import { calendarFrom, SHIPPED_CALENDAR_ROWS } from '../calendar/index';
import { applyTransition } from './index';
import { TODAY, stepCtx, run, fresh, caseIn } from '$support/workflow-fixtures';

describe('deadlines in working days', () => {
	it('a real-name tip received on the Friday before Spring Festival 2026 and sent up', () => {
		let cs = fresh(true);
		let r = applyTransition(cs, 'register', stepCtx('register', '2026-02-13'));
		expect(r.ok && r.deadlinesStarted).toEqual([
			{ code: 'acceptance_notice', startedOn: '2026-02-13', due: '2026-03-12' }
		]);
		cs = r.ok ? r.next : cs;
		r = applyTransition(cs, 'request_report_up', { ...stepCtx('request_report_up', '2026-02-14'), target: 'organ-UP' });
		// counted from receipt (Art. 15), not from the request: 5 working days after 13 Feb is 27 Feb, not 20 Feb
		expect(r.ok && r.deadlinesStarted).toEqual([{ code: 'forward_up', startedOn: '2026-02-14', due: '2026-02-27' }]);
		cs = r.ok ? r.next : cs;
		expect(r.ok && r.publicStatus).toBe('received');
		r = applyTransition(cs, 'approve', { actor: { id: 'head-1', role: 'head' }, today: '2026-02-24' });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.publicStatus).toBe('transferred');
		expect(r.deadlinesEnded.map((d) => d.code).sort()).toEqual(['acceptance_notice', 'forward_up']);
		expect(r.next).toMatchObject({
			state: 'reported_up',
			organId: 'organ-UP',
			organReceivedOn: '2026-02-24',
			pending: null,
			deadlines: []
		});
		expect(r.event).toMatchObject({
			action: 'approve',
			from: 'up_requested',
			to: 'reported_up',
			target: 'organ-UP',
			actorId: 'head-1'
		});
		// the higher organ registers it; its acceptance notice counts from its own receipt (24 Feb)
		const r2 = applyTransition(r.next, 'register_transfer', {
			actor: { id: 'up-insp', role: 'inspector' },
			today: '2026-02-25'
		});
		expect(r2.ok && r2.deadlinesStarted).toEqual([
			{ code: 'acceptance_notice', startedOn: '2026-02-25', due: '2026-03-16' }
		]);
		expect(r2.ok && r2.publicStatus).toBe('received');
	});

	it('a transfer down crossing the make-up workday Sat 28 Feb 2026, and the same without it', () => {
		const cs = run(fresh(false), ['register', 'request_transfer_down']);
		const approve = { actor: { id: 'head-1', role: 'head' as const }, today: '2026-02-26' };
		const r = applyTransition(cs, 'approve', approve);
		expect(r.ok && r.deadlinesStarted).toEqual([
			{ code: 'intake_after_transfer', startedOn: '2026-02-26', due: '2026-03-04' }
		]);
		const noMakeUp = calendarFrom(SHIPPED_CALENDAR_ROWS.filter((row) => row.date !== '2026-02-28'));
		const r2 = applyTransition(cs, 'approve', { ...approve, calendar: noMakeUp });
		expect(r2.ok && r2.deadlinesStarted[0]?.due).toBe('2026-03-05');
		// the lower organ accepts within the limit: the deadline ends
		if (!r.ok) return;
		const reg = run(r.next, ['register_transfer'], '2026-02-27');
		const acc = applyTransition(reg, 'accept', { actor: { id: 'low', role: 'inspector' }, today: '2026-02-28' });
		expect(acc.ok && acc.deadlinesEnded).toEqual([
			{ code: 'intake_after_transfer', startedOn: '2026-02-26', due: '2026-03-04' }
		]);
		expect(acc.ok && acc.next.deadlines).toEqual([]);
	});

	it('an inquiry started on 26 Feb 2026 is due 18 Mar; lengths are configurable or can be switched off', () => {
		const cs = caseIn('dispatched', false);
		const ctx = { ...stepCtx('start_inquiry', '2026-02-26') };
		const r = applyTransition(cs, 'start_inquiry', ctx);
		expect(r.ok && r.deadlinesStarted).toEqual([{ code: 'inquiry_reply', startedOn: '2026-02-26', due: '2026-03-18' }]);
		const r10 = applyTransition(cs, 'start_inquiry', { ...ctx, deadlineDays: { inquiry_reply: 10 } });
		expect(r10.ok && r10.deadlinesStarted[0]?.due).toBe('2026-03-11');
		const off = applyTransition(cs, 'start_inquiry', { ...ctx, deadlineDays: { inquiry_reply: null } });
		expect(off.ok && off.deadlinesStarted).toEqual([]);
		expect(off.ok && off.next.state).toBe('inquiry');
		expect(() => applyTransition(cs, 'start_inquiry', { ...ctx, deadlineDays: { inquiry_reply: 0 } })).toThrow(
			RangeError
		);
		expect(() => applyTransition(cs, 'start_inquiry', { ...ctx, deadlineDays: { verification: 2.5 } })).toThrow(
			RangeError
		);
	});

	it('real-name deadlines start only for real-name reports; feedback ends the result deadline', () => {
		expect(caseIn('registered', false).deadlines).toEqual([]);
		const anonConcluded = caseIn('concluded', false);
		expect(anonConcluded.deadlines).toEqual([]);
		const named = caseIn('concluded', true);
		expect(named.deadlines.map((d) => d.code).sort()).toEqual(['acceptance_notice', 'result_feedback']);
		const fb = applyTransition(named, 'give_feedback', {
			actor: { id: 'i', role: 'inspector' },
			today: '2026-03-02',
			noteId: 'msg-1'
		});
		expect(fb.ok && fb.deadlinesEnded.map((d) => d.code)).toEqual(['result_feedback']);
		expect(fb.ok && fb.next.flags.feedbackGiven).toBe(true);
		if (!fb.ok) return;
		expect(
			applyTransition(fb.next, 'give_feedback', {
				actor: { id: 'i', role: 'inspector' },
				today: '2026-03-02',
				noteId: 'm'
			})
		).toEqual({ ok: false, reason: 'already_done' });
		const dup = run(fresh(true), ['register', 'mark_duplicate']);
		expect(dup.deadlines).toEqual([]); // duplicates are not notified (重复件不再告知)
	});
});

describe('after conclusion', () => {
	const insp = { actor: { id: 'i', role: 'inspector' as const }, today: TODAY, noteId: 'n' };
	it('objections are recorded and answered; the reporter sees the objection being answered, then "concluded"', () => {
		const r = applyTransition(caseIn('concluded', false), 'record_objection', insp);
		expect(r.ok && r.publicStatus).toBe('objection');
		expect(r.ok && r.deadlinesStarted).toEqual([{ code: 'objection_answer', startedOn: TODAY, due: '2026-03-18' }]);
		if (!r.ok) return;
		const a = applyTransition(r.next, 'answer_objection', insp);
		expect(a.ok && a.next.state).toBe('concluded');
		expect(a.ok && a.next.deadlines).toEqual([]);
	});

	it('clearing a name is done once; only a head refers a knowingly false accusation', () => {
		const c = caseIn('concluded');
		const cl = applyTransition(c, 'clear_name', insp);
		expect(cl.ok && cl.next.flags.nameCleared).toBe(true);
		if (cl.ok) expect(applyTransition(cl.next, 'clear_name', insp)).toEqual({ ok: false, reason: 'already_done' });
		expect(applyTransition(c, 'refer_false_accusation', insp)).toEqual({ ok: false, reason: 'forbidden_role' });
		expect(
			applyTransition(c, 'refer_false_accusation', { ...insp, actor: { id: 'h', role: 'head' }, noteId: null })
		).toEqual({ ok: false, reason: 'needs_note' });
		const ref = applyTransition(c, 'refer_false_accusation', { ...insp, actor: { id: 'h', role: 'head' } });
		expect(ref.ok && ref.next.flags.falseAccusationReferred).toBe(true);
	});
});
