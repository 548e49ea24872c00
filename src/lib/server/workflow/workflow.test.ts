import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calendarFrom, SHIPPED_CALENDAR_ROWS } from '../calendar/index';
import type { StaffRole } from '../org/types';
import {
	ACTION_CODES,
	ACTION_LABELS,
	allowedTransitions,
	applyTransition,
	checkOutcome,
	DEADLINE_CODES,
	DEADLINE_INFO,
	EDGES,
	newCase,
	PUBLIC_STATUS_LABELS,
	publicRank,
	REASON_LABELS,
	STATE_INFO,
	TRANSITIONS,
	WORKFLOW_STATES,
	type ActionCode,
	type CaseState,
	type DeadlineCode,
	type Outcome,
	type TransitionContext,
	type WorkflowState
} from './index';

// ───────────────────────── The expectation, written by hand (not derived from the table) ─────────────────────────

/** Every allowed (from, action) with its target state; 'return' = back to where the request was made. */
const EXPECTED_EDGES: readonly string[] = [
	'received register registered',
	'registered accept accepted',
	'registered request_report_up up_requested',
	'registered request_transfer_down down_requested',
	'registered request_transfer_out out_requested',
	'registered mark_duplicate duplicate',
	'registered return_no_substance no_substance',
	'up_requested approve reported_up',
	'down_requested approve transferred_down',
	'out_requested approve transferred_out',
	'close_requested approve concluded',
	'up_requested reject registered',
	'down_requested reject registered',
	'out_requested reject registered',
	'close_requested reject return',
	'up_requested withdraw registered',
	'down_requested withdraw registered',
	'out_requested withdraw registered',
	'close_requested withdraw return',
	'reported_up register_transfer registered',
	'transferred_down register_transfer registered',
	'accepted dispatch dispatched',
	'dispatched start_inquiry inquiry',
	'inquiry_replied start_inquiry inquiry',
	'inquiry record_inquiry_reply inquiry_replied',
	'dispatched start_verification verification',
	'inquiry_replied start_verification verification',
	'verification report_verification verification_reported',
	'dispatched hold hold_pending',
	'verification_reported hold hold_pending',
	'hold_pending resume dispatched',
	'dispatched request_close close_requested',
	'inquiry_replied request_close close_requested',
	'verification_reported request_close close_requested',
	'hold_pending request_close close_requested',
	'dispatched file_case investigation',
	'verification_reported file_case investigation',
	'inquiry_replied apply_first_form concluded',
	'verification_reported apply_first_form concluded',
	'investigation send_to_review review',
	'review return_to_investigation investigation',
	'review conclude concluded',
	'accepted notify_acceptance accepted',
	'dispatched notify_acceptance dispatched',
	'inquiry notify_acceptance inquiry',
	'inquiry_replied notify_acceptance inquiry_replied',
	'verification notify_acceptance verification',
	'verification_reported notify_acceptance verification_reported',
	'hold_pending notify_acceptance hold_pending',
	'close_requested notify_acceptance close_requested',
	'investigation notify_acceptance investigation',
	'review notify_acceptance review',
	'concluded notify_acceptance concluded',
	'objection_pending notify_acceptance objection_pending',
	'no_substance notify_acceptance no_substance',
	'concluded give_feedback concluded',
	'objection_pending give_feedback objection_pending',
	'concluded record_objection objection_pending',
	'objection_pending answer_objection concluded',
	'concluded clear_name concluded',
	'concluded refer_false_accusation concluded'
];

const HEAD_ONLY: readonly ActionCode[] = ['approve', 'reject', 'refer_false_accusation'];
const rolesExpected = (a: ActionCode): StaffRole[] => (HEAD_ONLY.includes(a) ? ['head'] : ['inspector', 'head']);

/** Deadlines each edge starts (hand-written). Keys: 'from action' or 'action' for every source state. */
const EXPECTED_STARTS: Readonly<Record<string, readonly DeadlineCode[]>> = {
	register: ['acceptance_notice'],
	register_transfer: ['acceptance_notice'],
	request_report_up: ['forward_up'],
	'down_requested approve': ['intake_after_transfer'],
	'close_requested approve': ['result_feedback'],
	start_inquiry: ['inquiry_reply'],
	start_verification: ['verification'],
	apply_first_form: ['result_feedback'],
	conclude: ['result_feedback'],
	record_objection: ['objection_answer']
};

/** Deadlines each edge ends, when they are running (hand-written). */
const EXPECTED_ENDS: Readonly<Record<string, readonly DeadlineCode[]>> = {
	accept: ['intake_after_transfer'],
	mark_duplicate: ['intake_after_transfer', 'acceptance_notice'],
	return_no_substance: ['intake_after_transfer'],
	'up_requested approve': ['forward_up', 'intake_after_transfer', 'acceptance_notice'],
	'down_requested approve': ['intake_after_transfer', 'acceptance_notice'],
	'out_requested approve': ['intake_after_transfer', 'acceptance_notice'],
	'up_requested reject': ['forward_up'],
	'up_requested withdraw': ['forward_up'],
	record_inquiry_reply: ['inquiry_reply'],
	report_verification: ['verification'],
	notify_acceptance: ['acceptance_notice'],
	give_feedback: ['result_feedback'],
	answer_objection: ['objection_answer']
};

const pick = <T>(table: Readonly<Record<string, T>>, from: string, action: string, dflt: T): T =>
	table[`${from} ${action}`] ?? table[action] ?? dflt;

// ───────────────────────── Fixtures ─────────────────────────

const RECEIVED = '2026-02-13'; // the Friday before 春节 2026 (holidays 15–23 Feb, make-up workdays Sat 14 and Sat 28 Feb)
const TODAY = '2026-02-26'; // a Thursday: the next working days are Fri 27 and the make-up Saturday 28 Feb

/** Due dates written out by hand from the 2026 holiday notice. */
const DUE: Readonly<Record<DeadlineCode, string>> = {
	forward_up: '2026-02-27', // 5 working days after 13 Feb: 14 (Sat, make-up), 24, 25, 26, 27
	acceptance_notice: '2026-03-12', // 15 after 13 Feb: 14, 24–27, 28 (make-up), 2–6 Mar, 9–12 Mar
	intake_after_transfer: '2026-03-04', // 5 after 26 Feb: 27, 28 (make-up), 2, 3, 4 Mar
	inquiry_reply: '2026-03-18', // 15 after 26 Feb: 27, 28, 2–6, 9–13, 16–18 Mar
	verification: '2026-03-18',
	result_feedback: '2026-03-18',
	objection_answer: '2026-03-18'
};

const OUTCOME_FOR: Readonly<Record<string, Outcome>> = {
	request_close: { kind: 'closed' },
	apply_first_form: { kind: 'handled', form: 'form1', measure: 'reminder_talk' },
	conclude: { kind: 'handled', form: 'form2', party: 'serious_warning' }
};

const REQUESTER = 'insp-requester';

function stepCtx(action: ActionCode, today = RECEIVED): TransitionContext {
	const head = HEAD_ONLY.includes(action);
	return {
		actor: { id: head ? 'head-approver' : REQUESTER, role: head ? 'head' : 'inspector' },
		today,
		noteId: 'note-1',
		target: 'organ-B',
		outcome: OUTCOME_FOR[action]
	};
}

/** A real path from a new case to each state (hand-written), all steps on RECEIVED. */
const PATHS: Readonly<Record<WorkflowState, readonly ActionCode[]>> = {
	received: [],
	registered: ['register'],
	up_requested: ['register', 'request_report_up'],
	down_requested: ['register', 'request_transfer_down'],
	out_requested: ['register', 'request_transfer_out'],
	reported_up: ['register', 'request_report_up', 'approve'],
	transferred_down: ['register', 'request_transfer_down', 'approve'],
	transferred_out: ['register', 'request_transfer_out', 'approve'],
	duplicate: ['register', 'mark_duplicate'],
	no_substance: ['register', 'return_no_substance'],
	accepted: ['register', 'accept'],
	dispatched: ['register', 'accept', 'dispatch'],
	inquiry: ['register', 'accept', 'dispatch', 'start_inquiry'],
	inquiry_replied: ['register', 'accept', 'dispatch', 'start_inquiry', 'record_inquiry_reply'],
	verification: ['register', 'accept', 'dispatch', 'start_verification'],
	verification_reported: ['register', 'accept', 'dispatch', 'start_verification', 'report_verification'],
	hold_pending: ['register', 'accept', 'dispatch', 'hold'],
	close_requested: ['register', 'accept', 'dispatch', 'request_close'],
	investigation: ['register', 'accept', 'dispatch', 'file_case'],
	review: ['register', 'accept', 'dispatch', 'file_case', 'send_to_review'],
	concluded: ['register', 'accept', 'dispatch', 'file_case', 'send_to_review', 'conclude'],
	objection_pending: ['register', 'accept', 'dispatch', 'file_case', 'send_to_review', 'conclude', 'record_objection']
};

function run(cs: CaseState, actions: readonly ActionCode[], today = RECEIVED): CaseState {
	for (const a of actions) {
		const r = applyTransition(cs, a, stepCtx(a, today));
		if (!r.ok) throw new Error(`path step ${a} from ${cs.state} refused: ${r.reason}`);
		cs = r.next;
	}
	return cs;
}

const fresh = (realName = true) => newCase({ organId: 'organ-A', realName, receivedOn: RECEIVED });
const caseIn = (state: WorkflowState, realName = true): CaseState => run(fresh(realName), PATHS[state]);

function fullCtx(action: ActionCode, role: StaffRole): TransitionContext {
	return {
		actor: { id: action === 'withdraw' ? REQUESTER : 'member-x', role },
		today: TODAY,
		noteId: 'note-7',
		target: 'organ-Z',
		outcome: OUTCOME_FOR[action]
	};
}

// ───────────────────────── Tests ─────────────────────────

describe('the declaration', () => {
	it('declares exactly the hand-written edges', () => {
		const declared = EDGES.map((e) => `${e.from} ${e.action} ${e.row.to === 'same' ? e.from : e.row.to}`).sort();
		expect(declared).toEqual([...EXPECTED_EDGES].sort());
		expect(EDGES.length).toBe(61);
		expect(WORKFLOW_STATES.length).toBe(22);
	});

	it('has a real path to every state, and every state but the three closed ones can move on', () => {
		for (const s of WORKFLOW_STATES) expect(caseIn(s).state).toBe(s);
		const withExit = new Set(EDGES.filter((e) => e.row.to !== 'same').map((e) => e.from));
		expect(WORKFLOW_STATES.filter((s) => !withExit.has(s)).sort()).toEqual([
			'duplicate',
			'no_substance',
			'transferred_out'
		]);
	});

	it('labels every state, action, deadline, reason and public status in Chinese and English', () => {
		const tables = [STATE_INFO, ACTION_LABELS, DEADLINE_INFO, REASON_LABELS, PUBLIC_STATUS_LABELS] as const;
		for (const t of tables) {
			for (const [code, label] of Object.entries(t) as [string, { zh: string; en: string }][]) {
				expect(label.zh, code).toMatch(/[\u4e00-\u9fff]/);
				expect(label.en, code).toMatch(/^[A-Z]/);
			}
		}
		expect(Object.keys(ACTION_LABELS).length).toBe(ACTION_CODES.length);
	});
});

describe('docs/workflow.md', () => {
	it('prints every row of the declaration, with its target state and roles', () => {
		const doc = readFileSync(new URL('../../../../docs/workflow.md', import.meta.url), 'utf8');
		const lines = doc.split('\n').filter((l) => /^\| `[a-z_]+`(, `[a-z_]+`)* \| `[a-z_]+` /.test(l));
		expect(lines.length).toBe(TRANSITIONS.length);
		for (const row of TRANSITIONS) {
			const head = `| ${row.from.map((s) => `\`${s}\``).join(', ')} | \`${row.action}\` `;
			const line = lines.find((l) => l.startsWith(head));
			expect(line, head).toBeDefined();
			const to =
				row.to === 'same' ? '(same)' : row.to === 'return' ? '(back to where the request was made)' : `\`${row.to}\``;
			expect(line?.split(' | ')[2], head).toBe(to);
			expect(line?.split(' | ')[3], head).toBe(row.roles.join(', '));
		}
	});
});

describe('the full matrix: every state × action × role', () => {
	const roles: StaffRole[] = ['inspector', 'head', 'admin'];
	const expected = new Map(
		EXPECTED_EDGES.map((line) => {
			const [from, action, to] = line.split(' ');
			return [`${from} ${action}`, to as string];
		})
	);

	for (const state of WORKFLOW_STATES) {
		it(`from ${state}`, () => {
			const base = caseIn(state);
			let allowedCount = 0;
			for (const action of ACTION_CODES) {
				for (const role of roles) {
					const r = applyTransition(base, action, fullCtx(action, role));
					const want = expected.get(`${state} ${action}`);
					const label = `${state} ${action} ${role}`;
					if (!rolesExpected(action).includes(role)) {
						expect(r, label).toEqual({ ok: false, reason: 'forbidden_role' });
					} else if (want === undefined) {
						expect(r, label).toEqual({ ok: false, reason: 'not_from_this_state' });
					} else {
						allowedCount++;
						expect(r.ok, `${label}: ${r.ok ? '' : r.reason}`).toBe(true);
						if (!r.ok) continue;
						const to = want === 'return' ? base.pending?.returnTo : want;
						expect(r.next.state, label).toBe(to);
						expect(r.publicStatus, label).toBe(STATE_INFO[r.next.state].public);
						// deadlines started, with their due dates
						const starts = pick(EXPECTED_STARTS, state, action, []).filter(
							(c) => !DEADLINE_INFO[c].realNameOnly || base.realName
						);
						expect(r.deadlinesStarted.map((d) => d.code).sort(), label).toEqual([...starts].sort());
						for (const d of r.deadlinesStarted) expect(d.due, `${label} ${d.code}`).toBe(DUE[d.code]);
						// deadlines ended: the listed ones that were running, plus any restarted
						const ends = pick(EXPECTED_ENDS, state, action, []);
						const running = base.deadlines.map((d) => d.code);
						const endedWant = running.filter((c) => ends.includes(c) || starts.includes(c));
						expect(r.deadlinesEnded.map((d) => d.code).sort(), label).toEqual([...endedWant].sort());
						expect(r.next.deadlines.map((d) => d.code).sort(), label).toEqual(
							[...running.filter((c) => !endedWant.includes(c)), ...starts].sort()
						);
					}
				}
			}
			// each allowed edge succeeded for every role that may take it (heads: all; inspectors: all but head-only)
			const here = EXPECTED_EDGES.filter((l) => l.startsWith(`${state} `)).map((l) => l.split(' ')[1] as ActionCode);
			expect(allowedCount).toBe(here.length + here.filter((a) => !HEAD_ONLY.includes(a)).length);
		});
	}

	it('allowedTransitions lists exactly the allowed actions for each state and role', () => {
		for (const state of WORKFLOW_STATES) {
			for (const role of roles) {
				const want = EXPECTED_EDGES.filter((l) => l.startsWith(`${state} `))
					.map((l) => l.split(' ')[1] as ActionCode)
					.filter((a) => rolesExpected(a).includes(role))
					.sort();
				const got = allowedTransitions(state, { actor: { id: 'x', role } })
					.map((t) => t.action)
					.sort();
				expect(got, `${state} ${role}`).toEqual(want);
			}
		}
	});

	it('allowedTransitions on a case applies its conditions and resolves returns', () => {
		const cr = caseIn('close_requested');
		const asRequester = allowedTransitions(cr, { actor: { id: REQUESTER, role: 'head' } }).map((t) => t.action);
		expect(asRequester.sort()).toEqual(['notify_acceptance', 'withdraw']);
		const other = allowedTransitions(cr, { actor: { id: 'head-2', role: 'head' } });
		expect(other.map((t) => t.action).sort()).toEqual(['approve', 'notify_acceptance', 'reject']);
		expect(other.find((t) => t.action === 'reject')?.to).toBe('dispatched');
		const anon = allowedTransitions(caseIn('accepted', false), { actor: { id: 'i', role: 'inspector' } }).map(
			(t) => t.action
		);
		expect(anon).toEqual(['dispatch']);
		const reg = allowedTransitions('registered', { actor: { id: 'i', role: 'inspector' } });
		expect(reg.find((t) => t.action === 'request_report_up')).toMatchObject({
			inputs: ['note', 'target'],
			needsApproval: true
		});
		expect(allowedTransitions('dispatched', { actor: { id: 'a', role: 'admin' } })).toEqual([]);
	});
});

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
		expect(ok.ok && ok.publicStatus).toBe('transferred');
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

describe('after conclusion', () => {
	const insp = { actor: { id: 'i', role: 'inspector' as const }, today: TODAY, noteId: 'n' };
	it('objections are recorded and answered; the reporter keeps seeing "concluded"', () => {
		const r = applyTransition(caseIn('concluded', false), 'record_objection', insp);
		expect(r.ok && r.publicStatus).toBe('concluded');
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

describe('random walks (fast-check)', () => {
	const badOutcomes: unknown[] = [undefined, { kind: 'bogus' }, { kind: 'handled', form: 'form2' }, { kind: 'closed' }];
	const goodOutcomes: Readonly<Record<string, readonly Outcome[]>> = {
		close: [{ kind: 'closed' }, { kind: 'cleared' }],
		first_form: [
			{ kind: 'handled', form: 'form1' },
			{ kind: 'handled', form: 'form1', measure: 'criticism' }
		],
		final: [
			{ kind: 'cleared', falseAccusationReferral: true },
			{ kind: 'handled', form: 'form3', party: 'probation' },
			{ kind: 'handled', form: 'form4', procuratorate: true }
		]
	};
	const step = fc.record({
		/** 0–6: an allowed action with fitting inputs; 7: an allowed action with random inputs; 8–9: anything */
		mode: fc.integer({ min: 0, max: 9 }),
		index: fc.nat(),
		action: fc.constantFrom(...ACTION_CODES),
		role: fc.constantFrom<StaffRole>('inspector', 'head', 'head', 'head', 'admin'),
		actor: fc.constantFrom('a', 'b', 'c', REQUESTER),
		note: fc.constantFrom<string | null>(null, 'note'),
		target: fc.constantFrom<string | null>(null, 'organ-A', 'organ-B', 'organ-C'),
		outcome: fc.constantFrom(...badOutcomes),
		days: fc.integer({ min: 0, max: 9 })
	});
	const REQUEST_STATES = new Set<WorkflowState>(['up_requested', 'down_requested', 'out_requested', 'close_requested']);
	const addDays = (d: string, n: number) =>
		new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
	const visited = new Set<WorkflowState>();
	const taken = new Set<string>();

	it('never reach an undeclared state; the public status never goes back (transferred aside); the case stays consistent', () => {
		fc.assert(
			fc.property(
				fc.boolean(),
				fc.constantFrom(...WORKFLOW_STATES),
				fc.array(step, { maxLength: 40 }),
				(realName, start, steps) => {
					// start from a new case or from any state reached by its real path
					let cs =
						start === 'received'
							? newCase({ organId: 'organ-A', realName, receivedOn: RECEIVED })
							: caseIn(start, realName);
					let today = RECEIVED;
					let lastRank = publicRank(STATE_INFO[cs.state].public) ?? 0;
					for (const s of steps) {
						today = addDays(today, s.days);
						const actor = { id: s.actor, role: s.role };
						const allowed = allowedTransitions(cs, { actor });
						const chosen = s.mode <= 7 && allowed.length > 0 ? allowed[s.index % allowed.length] : undefined;
						const action = chosen ? chosen.action : s.action;
						const ctx: TransitionContext =
							chosen && s.mode <= 6
								? {
										actor,
										today,
										noteId: 'note',
										target: cs.organId === 'organ-B' ? 'organ-C' : 'organ-B',
										outcome: chosen.outcome ? goodOutcomes[chosen.outcome]?.[s.index % 2] : undefined
									}
								: { actor, today, noteId: s.note, target: s.target, outcome: s.outcome };
						const r = applyTransition(cs, action, ctx);
						// allowedTransitions never offers what applyTransition refuses, except for bad inputs
						if (chosen && !r.ok) {
							expect(s.mode).toBe(7);
							expect(['needs_note', 'needs_target', 'bad_target', 'needs_outcome', 'bad_outcome']).toContain(r.reason);
						}
						if (!r.ok) continue;
						taken.add(`${cs.state} ${action}`);
						cs = r.next;
						visited.add(cs.state);
						expect(WORKFLOW_STATES).toContain(cs.state);
						expect(r.publicStatus).toBe(STATE_INFO[cs.state].public);
						const rank = publicRank(r.publicStatus);
						if (rank !== null) {
							expect(rank).toBeGreaterThanOrEqual(lastRank);
							lastRank = rank;
						}
						expect(cs.pending !== null).toBe(REQUEST_STATES.has(cs.state));
						if (cs.state === 'concluded' || cs.state === 'objection_pending') expect(cs.outcome).not.toBeNull();
						const codes = cs.deadlines.map((d) => d.code);
						expect(new Set(codes).size).toBe(codes.length);
						for (const d of cs.deadlines) {
							expect(DEADLINE_CODES).toContain(d.code);
							expect(d.due > d.startedOn || DEADLINE_INFO[d.code].base === 'organ_received').toBe(true);
						}
						if (!realName) expect(codes.filter((c) => DEADLINE_INFO[c].realNameOnly)).toEqual([]);
						if (['concluded', 'objection_pending', 'duplicate', 'no_substance', 'transferred_out'].includes(cs.state)) {
							expect(
								codes.filter(
									(c) =>
										c === 'inquiry_reply' || c === 'verification' || c === 'forward_up' || c === 'intake_after_transfer'
								)
							).toEqual([]);
						}
					}
				}
			),
			{ numRuns: 1500 }
		);
		// the walks went everywhere: every state (but the initial one) was entered and nearly every edge taken
		// (all 61 in practice; the margin keeps a rare unlucky run from failing, the matrix covers each edge anyway)
		expect([...visited].sort()).toEqual(WORKFLOW_STATES.filter((s) => s !== 'received').sort());
		expect(EDGES.filter((e) => taken.has(`${e.from} ${e.action}`)).length).toBeGreaterThanOrEqual(EDGES.length - 6);
	});
});
