/**
 * What the workflow tests share: the expected machine written by hand (not derived from the table), dates around 春节 2026, and paths that bring a case to each state. Test-only; nothing of the app imports it.
 */
import type { StaffRole } from '../../src/lib/server/org/types';
import {
	applyTransition,
	newCase,
	type ActionCode,
	type CaseState,
	type DeadlineCode,
	type Outcome,
	type TransitionContext,
	type WorkflowState
} from '../../src/lib/server/workflow/index';

// ───────────────────────── The expectation, written by hand (not derived from the table) ─────────────────────────

/** Every allowed (from, action) with its target state; 'return' = back to where the request was made. */
export const EXPECTED_EDGES: readonly string[] = [
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

export const HEAD_ONLY: readonly ActionCode[] = ['approve', 'reject', 'refer_false_accusation'];
export const rolesExpected = (a: ActionCode): StaffRole[] => (HEAD_ONLY.includes(a) ? ['head'] : ['inspector', 'head']);

/** Deadlines each edge starts (hand-written). Keys: 'from action' or 'action' for every source state. */
export const EXPECTED_STARTS: Readonly<Record<string, readonly DeadlineCode[]>> = {
	register: ['acceptance_notice'],
	register_transfer: ['acceptance_notice'],
	request_report_up: ['forward_up'],
	'down_requested approve': ['intake_after_transfer'],
	'close_requested approve': ['result_feedback'],
	dispatch: ['disposition_proposal'],
	'hold_pending resume': ['disposition_proposal'],
	hold: ['hold_review'],
	start_inquiry: ['inquiry_reply'],
	start_verification: ['verification'],
	apply_first_form: ['result_feedback'],
	conclude: ['result_feedback'],
	record_objection: ['objection_answer']
};

/** Deadlines each edge ends, when they are running (hand-written). */
export const EXPECTED_ENDS: Readonly<Record<string, readonly DeadlineCode[]>> = {
	accept: ['intake_after_transfer'],
	mark_duplicate: ['intake_after_transfer', 'acceptance_notice'],
	return_no_substance: ['intake_after_transfer'],
	'up_requested approve': ['forward_up', 'intake_after_transfer', 'acceptance_notice'],
	'down_requested approve': ['intake_after_transfer', 'acceptance_notice'],
	'out_requested approve': ['intake_after_transfer', 'acceptance_notice'],
	'up_requested reject': ['forward_up'],
	'up_requested withdraw': ['forward_up'],
	start_inquiry: ['disposition_proposal'],
	start_verification: ['disposition_proposal'],
	hold: ['disposition_proposal'],
	request_close: ['disposition_proposal', 'hold_review'],
	file_case: ['disposition_proposal'],
	resume: ['hold_review'],
	record_inquiry_reply: ['inquiry_reply'],
	report_verification: ['verification'],
	notify_acceptance: ['acceptance_notice'],
	give_feedback: ['result_feedback'],
	answer_objection: ['objection_answer']
};

export const pick = <T>(table: Readonly<Record<string, T>>, from: string, action: string, dflt: T): T =>
	table[`${from} ${action}`] ?? table[action] ?? dflt;

// ───────────────────────── Fixtures ─────────────────────────

export const RECEIVED = '2026-02-13'; // the Friday before 春节 2026 (holidays 15–23 Feb, make-up workdays Sat 14 and Sat 28 Feb)
export const TODAY = '2026-02-26'; // a Thursday: the next working days are Fri 27 and the make-up Saturday 28 Feb

/** Due dates written out by hand from the 2026 holiday notice. */
export const DUE: Readonly<Record<DeadlineCode, string>> = {
	forward_up: '2026-02-27', // 5 working days after 13 Feb: 14 (Sat, make-up), 24, 25, 26, 27
	acceptance_notice: '2026-03-12', // 15 after 13 Feb: 14, 24–27, 28 (make-up), 2–6 Mar, 9–12 Mar
	intake_after_transfer: '2026-03-04', // 5 after 26 Feb: 27, 28 (make-up), 2, 3, 4 Mar
	inquiry_reply: '2026-03-18', // 15 after 26 Feb: 27, 28, 2–6, 9–13, 16–18 Mar
	verification: '2026-03-18',
	result_feedback: '2026-03-18',
	objection_answer: '2026-03-18',
	disposition_proposal: '2026-03-27', // 22 after 26 Feb: 27, 28 (make-up), 2–6, 9–13, 16–20, 23–27 Mar
	hold_review: '2026-06-01' // 65 after 26 Feb by the shipped 2026 calendar (清明, 劳动节, 端午 off; make-up days worked)
};

export const OUTCOME_FOR: Readonly<Record<string, Outcome>> = {
	request_close: { kind: 'closed' },
	apply_first_form: { kind: 'handled', form: 'form1', measure: 'reminder_talk' },
	conclude: { kind: 'handled', form: 'form2', party: 'serious_warning' }
};

export const REQUESTER = 'insp-requester';

export function stepCtx(action: ActionCode, today = RECEIVED): TransitionContext {
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
export const PATHS: Readonly<Record<WorkflowState, readonly ActionCode[]>> = {
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

export function run(cs: CaseState, actions: readonly ActionCode[], today = RECEIVED): CaseState {
	for (const a of actions) {
		const r = applyTransition(cs, a, stepCtx(a, today));
		if (!r.ok) throw new Error(`path step ${a} from ${cs.state} refused: ${r.reason}`);
		cs = r.next;
	}
	return cs;
}

export const fresh = (realName = true) => newCase({ organId: 'organ-A', realName, receivedOn: RECEIVED });
export const caseIn = (state: WorkflowState, realName = true): CaseState => run(fresh(realName), PATHS[state]);

export function fullCtx(action: ActionCode, role: StaffRole): TransitionContext {
	return {
		actor: { id: action === 'withdraw' ? REQUESTER : 'member-x', role },
		today: TODAY,
		noteId: 'note-7',
		target: 'organ-Z',
		outcome: OUTCOME_FOR[action]
	};
}

// ───────────────────────── Tests ─────────────────────────
