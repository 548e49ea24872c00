/**
 * Workflow requests that need a second person, and refusals for missing or bad input.
 */
import { describe, expect, it } from 'vitest';
import { applyTransition, checkOutcome, type ActionCode, type CaseState, type WorkflowState } from './index';
import { TODAY, REQUESTER, stepCtx, run, fresh, caseIn } from '$support/workflow-fixtures';

describe('second-person approval', () => {
	const head = (id: string) => ({ actor: { id, role: 'head' as const }, today: TODAY, noteId: 'n' });

	it('a head cannot approve or reject a request they made; another head can', () => {
		const byHead = run(caseIn('dispatched'), []);
		const req = applyTransition(byHead, 'request_close', { ...head('head-1'), outcome: { kind: 'cleared' } });
		expect(req.ok).toBe(true);
		if (!req.ok) return;
		expect(req.next.pending).toMatchObject({
			requestedBy: 'head-1',
			returnTo: 'dispatched',
			outcome: { kind: 'cleared' }
		});
		expect(applyTransition(req.next, 'approve', head('head-1'))).toEqual({ ok: false, reason: 'self_approval' });
		expect(applyTransition(req.next, 'reject', head('head-1'))).toEqual({ ok: false, reason: 'self_approval' });
		expect(applyTransition(req.next, 'approve', { actor: { id: 'insp-2', role: 'inspector' }, today: TODAY })).toEqual({
			ok: false,
			reason: 'forbidden_role'
		});
		const ok = applyTransition(req.next, 'approve', head('head-2'));
		expect(ok.ok && ok.next).toMatchObject({ state: 'concluded', outcome: { kind: 'cleared' }, pending: null });
		expect(ok.ok && ok.publicStatus).toBe('concluded');
	});

	it('rejecting or withdrawing a close request returns to the state it came from', () => {
		for (const origin of ['dispatched', 'inquiry_replied', 'verification_reported', 'hold_pending'] as const) {
			const req = applyTransition(caseIn(origin), 'request_close', { ...stepCtx('request_close', TODAY) });
			expect(req.ok, origin).toBe(true);
			if (!req.ok) continue;
			const rej = applyTransition(req.next, 'reject', head('head-9'));
			expect(rej.ok && rej.next.state, origin).toBe(origin);
			expect(rej.ok && rej.next.pending, origin).toBeNull();
			expect(applyTransition(req.next, 'reject', { ...head('head-9'), noteId: null })).toEqual({
				ok: false,
				reason: 'needs_note'
			});
			const wd = applyTransition(req.next, 'withdraw', { actor: { id: REQUESTER, role: 'inspector' }, today: TODAY });
			expect(wd.ok && wd.next.state, origin).toBe(origin);
			expect(
				applyTransition(req.next, 'withdraw', { actor: { id: 'someone-else', role: 'head' }, today: TODAY })
			).toEqual({ ok: false, reason: 'not_requester' });
		}
	});

	it('a referral out is recorded with its agency; the organ keeps the file', () => {
		const cs = run(fresh(), ['register']);
		const req = applyTransition(cs, 'request_transfer_out', {
			...stepCtx('request_transfer_out'),
			target: 'agency:public-security'
		});
		if (!req.ok) throw new Error(req.reason);
		const ok = applyTransition(req.next, 'approve', head('head-3'));
		expect(ok.ok && ok.next).toMatchObject({
			state: 'transferred_out',
			organId: 'organ-A',
			referredTo: 'agency:public-security'
		});
		// A referral to another agency is a refusal: it reads "not accepted", not "transferred" (issue 19).
		expect(ok.ok && ok.publicStatus).toBe('not_accepted');
	});

	it('a pending state without its request is reported, not guessed', () => {
		const broken: CaseState = { ...caseIn('close_requested'), pending: null };
		expect(applyTransition(broken, 'approve', head('h'))).toEqual({ ok: false, reason: 'bad_case_state' });
		expect(applyTransition(broken, 'withdraw', head('h'))).toEqual({ ok: false, reason: 'bad_case_state' });
	});
});

describe('refusals for missing or bad input', () => {
	const insp = { id: 'i', role: 'inspector' as const };
	it('names what is missing', () => {
		const reg = caseIn('registered');
		expect(applyTransition(reg, 'request_report_up', { actor: insp, today: TODAY, target: 'organ-B' })).toEqual({
			ok: false,
			reason: 'needs_note'
		});
		expect(
			applyTransition(reg, 'request_report_up', { actor: insp, today: TODAY, target: 'organ-B', noteId: '  ' })
		).toEqual({ ok: false, reason: 'needs_note' });
		expect(applyTransition(reg, 'request_report_up', { actor: insp, today: TODAY, noteId: 'n' })).toEqual({
			ok: false,
			reason: 'needs_target'
		});
		expect(
			applyTransition(reg, 'request_report_up', { actor: insp, today: TODAY, noteId: 'n', target: 'organ-A' })
		).toEqual({ ok: false, reason: 'bad_target' });
		expect(applyTransition(reg, 'accept', { actor: insp, today: '2026-02-30' })).toEqual({
			ok: false,
			reason: 'bad_date'
		});
		expect(applyTransition(reg, 'fly', { actor: insp, today: TODAY })).toEqual({ ok: false, reason: 'unknown_action' });
		expect(
			applyTransition({ ...reg, state: 'limbo' as WorkflowState }, 'accept', { actor: insp, today: TODAY })
		).toEqual({ ok: false, reason: 'unknown_state' });
		const anonAccepted = caseIn('accepted', false);
		expect(applyTransition(anonAccepted, 'notify_acceptance', { actor: insp, today: TODAY })).toEqual({
			ok: false,
			reason: 'not_real_name'
		});
	});

	it('checks the outcome against the action', () => {
		const d = caseIn('dispatched');
		const vr = caseIn('verification_reported');
		const rv = caseIn('review');
		const c = (cs: CaseState, a: ActionCode, outcome: unknown) =>
			applyTransition(cs, a, { actor: insp, today: TODAY, noteId: 'n', outcome });
		expect(c(d, 'request_close', undefined)).toEqual({ ok: false, reason: 'needs_outcome' });
		expect(c(d, 'request_close', { kind: 'handled', form: 'form2', party: 'warning' })).toEqual({
			ok: false,
			reason: 'bad_outcome'
		});
		expect(c(vr, 'apply_first_form', { kind: 'handled', form: 'form2', party: 'warning' })).toEqual({
			ok: false,
			reason: 'bad_outcome'
		});
		expect(c(vr, 'apply_first_form', { kind: 'handled', form: 'form1', party: 'warning' })).toEqual({
			ok: false,
			reason: 'bad_outcome'
		});
		expect(c(rv, 'conclude', { kind: 'closed' })).toEqual({ ok: false, reason: 'bad_outcome' });
		expect(c(rv, 'conclude', { kind: 'handled', form: 'form3', party: 'expel' })).toEqual({
			ok: false,
			reason: 'bad_outcome'
		});
		const ok = c(rv, 'conclude', {
			kind: 'handled',
			form: 'form4',
			party: 'expulsion',
			government: 'expulsion',
			procuratorate: true
		});
		expect(ok.ok && ok.next.outcome).toEqual({
			kind: 'handled',
			form: 'form4',
			party: 'expulsion',
			government: 'expulsion',
			procuratorate: true
		});
		const cleared = c(rv, 'conclude', { kind: 'cleared', falseAccusationReferral: true });
		expect(cleared.ok && cleared.publicStatus).toBe('concluded');
	});

	it('outcome checks, case by case', () => {
		const cases: [unknown, 'close' | 'first_form' | 'final', ReturnType<typeof checkOutcome>][] = [
			[null, 'final', 'needs_outcome'],
			['closed', 'close', 'bad_outcome'],
			[[], 'close', 'bad_outcome'],
			[{ kind: 'closed' }, 'close', null],
			[{ kind: 'closed', extra: 1 }, 'close', 'bad_outcome'],
			[{ kind: 'cleared' }, 'close', null],
			[{ kind: 'cleared', falseAccusationReferral: 'yes' }, 'final', 'bad_outcome'],
			[{ kind: 'handled', form: 'form1' }, 'first_form', null],
			[{ kind: 'handled', form: 'form1', measure: 'admonishment' }, 'first_form', null],
			[{ kind: 'handled', form: 'form1', measure: 'flogging' }, 'first_form', 'bad_outcome'],
			[{ kind: 'handled', form: 'form2' }, 'final', 'bad_outcome'], // forms 2–4 carry a sanction
			[{ kind: 'handled', form: 'form2', measure: 'criticism', party: 'warning' }, 'final', 'bad_outcome'],
			[{ kind: 'handled', form: 'form2', organizational: ['job_adjustment'] }, 'final', null],
			[{ kind: 'handled', form: 'form2', organizational: [] }, 'final', 'bad_outcome'],
			[
				{ kind: 'handled', form: 'form2', organizational: ['job_adjustment', 'job_adjustment'] },
				'final',
				'bad_outcome'
			],
			[
				{ kind: 'handled', form: 'form3', government: 'dismissal', organizational: ['removal_from_office'] },
				'final',
				null
			],
			[{ kind: 'handled', form: 'form5', party: 'warning' }, 'final', 'bad_outcome'],
			[{ kind: 'handled', form: 'form4', procuratorate: true }, 'final', null],
			[{ kind: 'handled', form: 'form4', procuratorate: 'true' }, 'final', 'bad_outcome']
		];
		for (const [o, rule, want] of cases) expect(checkOutcome(o, rule), JSON.stringify(o)).toBe(want);
	});
});
