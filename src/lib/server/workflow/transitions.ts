/**
 * THE declaration of the report workflow: one row per action and group of source states.
 *
 * Reading a row: from any state in `from`, a member whose role (in the organ that holds the report) is in
 * `roles` may take `action`, which moves the report to `to` ('same': it stays; 'return': back to the state
 * the pending request was made from), provided everything in `requires` is there; it starts the deadlines
 * in `starts` (lengths in working days: vocabulary.ts DEADLINE_INFO, configurable) and ends those in `ends`.
 * The reporter then sees STATE_INFO[to].public.
 *
 * Who: any inspector of the organ holding the report may act on it (not only the assigned handler: see
 * docs/workflow.md), an organ head may do all an inspector may plus decide requests; admins handle no
 * reports. Whether the member may see this report at all (organ, declared conflicts) is checked by the
 * server before this module is asked.
 */
import { HANDLER_ROLES, type HandlerRole } from '../../shared/vocabulary/org';
import { ACTION_CODES, type ActionCode, type Disposition } from '../../shared/vocabulary/workflow';
import type { OutcomeRule } from './outcomes';
import type { DeadlineCode, Label, WorkflowState } from './vocabulary';

export { ACTION_CODES };
export type { ActionCode, HandlerRole };

export type Requirement =
	/** an encrypted rationale note (ctx.noteId: the id of a note stored encrypted elsewhere) */
	| 'note'
	/** an outcome that fits `outcome` (ctx.outcome) */
	| 'outcome'
	/** the receiving organ or agency (ctx.target), not the current organ */
	| 'target'
	/** the decider is not the member who made the pending request */
	| 'second_person'
	/** only the member who made the pending request */
	| 'requester'
	/** a real-name report */
	| 'real_name';

/** A flag on the case that an action sets once. */
export type OnceFlag = 'acceptanceNotified' | 'feedbackGiven' | 'nameCleared' | 'falseAccusationReferred';

/** What an action does to the case beyond changing the state and the deadlines. */
export type Effect =
	| 'open_request'
	| 'approve_move_organ'
	| 'approve_refer_out'
	| 'approve_close'
	| 'drop_request'
	| 'set_outcome'
	| 'set_flag';

export interface TransitionRow {
	readonly from: readonly WorkflowState[];
	readonly action: ActionCode;
	readonly to: WorkflowState | 'same' | 'return';
	readonly roles: readonly HandlerRole[];
	readonly requires: readonly Requirement[];
	readonly outcome?: OutcomeRule;
	readonly once?: OnceFlag;
	readonly effect?: Effect;
	/** The action only asks: an organ head other than the requester must approve (予以了结 and sending elsewhere). */
	readonly needsApproval?: true;
	readonly starts: readonly DeadlineCode[];
	readonly ends: readonly DeadlineCode[];
}

export const ACTION_LABELS = {
	register: { zh: '登记', en: 'Register' },
	accept: { zh: '受理', en: 'Accept' },
	request_report_up: { zh: '申请上报上级机关', en: 'Ask to send to the higher organ' },
	request_transfer_down: { zh: '申请转下级机关办理', en: 'Ask to transfer to a lower organ' },
	request_transfer_out: { zh: '申请不予受理并转有关部门', en: 'Ask to refer outside (not accepted)' },
	mark_duplicate: { zh: '重复件留存备查', en: 'Keep on file as a duplicate' },
	return_no_substance: { zh: '无实质内容退回', en: 'Return: no substance' },
	approve: { zh: '批准', en: 'Approve' },
	reject: { zh: '不予批准', en: 'Reject' },
	withdraw: { zh: '撤回申请', en: 'Withdraw the request' },
	register_transfer: { zh: '登记转来件', en: 'Register the transferred report' },
	dispatch: { zh: '分办', en: 'Dispatch' },
	start_inquiry: { zh: '谈话函询', en: 'Talk or written inquiry' },
	record_inquiry_reply: { zh: '登记函询回复', en: 'Record the inquiry reply' },
	start_verification: { zh: '初步核实', en: 'Preliminary verification' },
	report_verification: { zh: '提交初核报告', en: 'Report the verification' },
	hold: { zh: '暂存待查', en: 'Hold pending' },
	resume: { zh: '重新研判', en: 'Take up again' },
	request_close: { zh: '申请予以了结', en: 'Ask to close' },
	file_case: { zh: '立案审查调查', en: 'File a case (review and investigation)' },
	apply_first_form: {
		zh: '第一种形态处理（提醒、批评、诫勉）',
		en: 'First-form measure (remind, criticise, admonish)'
	},
	send_to_review: { zh: '移送审理', en: 'Send to case hearing' },
	return_to_investigation: { zh: '退回补充调查', en: 'Return for further investigation' },
	conclude: { zh: '审结', en: 'Conclude with an outcome' },
	notify_acceptance: { zh: '告知受理情况', en: 'Tell the reporter whether it was accepted' },
	give_feedback: { zh: '反馈处理结果', en: 'Feed the result back' },
	record_objection: { zh: '登记异议', en: 'Record an objection' },
	answer_objection: { zh: '答复异议', en: 'Answer the objection' },
	clear_name: { zh: '澄清正名', en: "Clear the accused's name" },
	refer_false_accusation: { zh: '诬告陷害线索移送', en: 'Refer a knowingly false accusation' }
} as const satisfies Record<ActionCode, Label>;

/** The disposition codes of taxonomy.json (Art. 17) and the action that takes each. */
export const DISPOSITION_ACTIONS = {
	talk_inquiry: 'start_inquiry',
	preliminary_verification: 'start_verification',
	hold_pending: 'hold',
	close: 'request_close',
	to_investigation: 'file_case'
} as const satisfies Record<Disposition, ActionCode>;

const H: readonly HandlerRole[] = HANDLER_ROLES;
const HEAD: readonly HandlerRole[] = ['head'];

/** States in which the decision on acceptance has been made and a real-name reporter can be told it. */
const AFTER_ACCEPTANCE_DECISION: readonly WorkflowState[] = [
	'accepted',
	'dispatched',
	'inquiry',
	'inquiry_replied',
	'verification',
	'verification_reported',
	'hold_pending',
	'close_requested',
	'investigation',
	'review',
	'concluded',
	'objection_pending',
	'no_substance'
];

export const TRANSITIONS: readonly TransitionRow[] = [
	// ── Intake (信访举报部门): registration and the intake outcomes (Art. 14–16) ──
	{
		from: ['received'],
		action: 'register',
		to: 'registered',
		roles: H,
		requires: [],
		starts: ['acceptance_notice'],
		ends: []
	},
	{
		from: ['registered'],
		action: 'accept',
		to: 'accepted',
		roles: H,
		requires: [],
		starts: [],
		ends: ['intake_after_transfer']
	},
	{
		from: ['registered'],
		action: 'request_report_up',
		to: 'up_requested',
		roles: H,
		requires: ['note', 'target'],
		effect: 'open_request',
		needsApproval: true,
		starts: ['forward_up'],
		ends: []
	},
	{
		from: ['registered'],
		action: 'request_transfer_down',
		to: 'down_requested',
		roles: H,
		requires: ['note', 'target'],
		effect: 'open_request',
		needsApproval: true,
		starts: [],
		ends: []
	},
	{
		from: ['registered'],
		action: 'request_transfer_out',
		to: 'out_requested',
		roles: H,
		requires: ['note', 'target'],
		effect: 'open_request',
		needsApproval: true,
		starts: [],
		ends: []
	},
	{
		from: ['registered'],
		action: 'mark_duplicate',
		to: 'duplicate',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['registered'],
		action: 'return_no_substance',
		to: 'no_substance',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['intake_after_transfer']
	},

	// ── Second-person approval of sending elsewhere (organ head, not the requester) ──
	{
		from: ['up_requested'],
		action: 'approve',
		to: 'reported_up',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_move_organ',
		starts: [],
		ends: ['forward_up', 'intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['down_requested'],
		action: 'approve',
		to: 'transferred_down',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_move_organ',
		starts: ['intake_after_transfer'],
		ends: ['intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['out_requested'],
		action: 'approve',
		to: 'transferred_out',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_refer_out',
		starts: [],
		ends: ['intake_after_transfer', 'acceptance_notice']
	},
	{
		from: ['up_requested'],
		action: 'reject',
		to: 'registered',
		roles: HEAD,
		requires: ['second_person', 'note'],
		effect: 'drop_request',
		starts: [],
		ends: ['forward_up']
	},
	{
		from: ['down_requested', 'out_requested'],
		action: 'reject',
		to: 'registered',
		roles: HEAD,
		requires: ['second_person', 'note'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},
	{
		from: ['up_requested'],
		action: 'withdraw',
		to: 'registered',
		roles: H,
		requires: ['requester'],
		effect: 'drop_request',
		starts: [],
		ends: ['forward_up']
	},
	{
		from: ['down_requested', 'out_requested'],
		action: 'withdraw',
		to: 'registered',
		roles: H,
		requires: ['requester'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},

	// ── The receiving organ registers a report sent up or down (Art. 16: accept or pass on within 5 working days) ──
	{
		from: ['reported_up', 'transferred_down'],
		action: 'register_transfer',
		to: 'registered',
		roles: H,
		requires: [],
		starts: ['acceptance_notice'],
		ends: []
	},

	// ── Dispatch and the four dispositions (Art. 17), or investigation ──
	{ from: ['accepted'], action: 'dispatch', to: 'dispatched', roles: H, requires: [], starts: [], ends: [] },
	{
		from: ['dispatched', 'inquiry_replied'],
		action: 'start_inquiry',
		to: 'inquiry',
		roles: H,
		requires: ['note'],
		starts: ['inquiry_reply'],
		ends: []
	},
	{
		from: ['inquiry'],
		action: 'record_inquiry_reply',
		to: 'inquiry_replied',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['inquiry_reply']
	},
	{
		from: ['dispatched', 'inquiry_replied'],
		action: 'start_verification',
		to: 'verification',
		roles: H,
		requires: ['note'],
		starts: ['verification'],
		ends: []
	},
	{
		from: ['verification'],
		action: 'report_verification',
		to: 'verification_reported',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['verification']
	},
	{
		from: ['dispatched', 'verification_reported'],
		action: 'hold',
		to: 'hold_pending',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: []
	},
	{ from: ['hold_pending'], action: 'resume', to: 'dispatched', roles: H, requires: ['note'], starts: [], ends: [] },
	{
		from: ['dispatched', 'inquiry_replied', 'verification_reported', 'hold_pending'],
		action: 'request_close',
		to: 'close_requested',
		roles: H,
		requires: ['note', 'outcome'],
		outcome: 'close',
		effect: 'open_request',
		needsApproval: true,
		starts: [],
		ends: []
	},
	{
		from: ['dispatched', 'verification_reported'],
		action: 'file_case',
		to: 'investigation',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: []
	},
	{
		from: ['inquiry_replied', 'verification_reported'],
		action: 'apply_first_form',
		to: 'concluded',
		roles: H,
		requires: ['note', 'outcome'],
		outcome: 'first_form',
		effect: 'set_outcome',
		starts: ['result_feedback'],
		ends: []
	},

	// ── Second-person approval of closing (予以了结 / 了结澄清) ──
	{
		from: ['close_requested'],
		action: 'approve',
		to: 'concluded',
		roles: HEAD,
		requires: ['second_person'],
		effect: 'approve_close',
		starts: ['result_feedback'],
		ends: []
	},
	{
		from: ['close_requested'],
		action: 'reject',
		to: 'return',
		roles: HEAD,
		requires: ['second_person', 'note'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},
	{
		from: ['close_requested'],
		action: 'withdraw',
		to: 'return',
		roles: H,
		requires: ['requester'],
		effect: 'drop_request',
		starts: [],
		ends: []
	},

	// ── Investigation, case hearing, conclusion ──
	{
		from: ['investigation'],
		action: 'send_to_review',
		to: 'review',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: []
	},
	{
		from: ['review'],
		action: 'return_to_investigation',
		to: 'investigation',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: []
	},
	{
		from: ['review'],
		action: 'conclude',
		to: 'concluded',
		roles: H,
		requires: ['note', 'outcome'],
		outcome: 'final',
		effect: 'set_outcome',
		starts: ['result_feedback'],
		ends: []
	},

	// ── Real-name reporters, objections, clearing names, false accusations ──
	{
		from: AFTER_ACCEPTANCE_DECISION,
		action: 'notify_acceptance',
		to: 'same',
		roles: H,
		requires: ['real_name'],
		once: 'acceptanceNotified',
		effect: 'set_flag',
		starts: [],
		ends: ['acceptance_notice']
	},
	{
		from: ['concluded', 'objection_pending'],
		action: 'give_feedback',
		to: 'same',
		roles: H,
		requires: ['note'],
		once: 'feedbackGiven',
		effect: 'set_flag',
		starts: [],
		ends: ['result_feedback']
	},
	{
		from: ['concluded'],
		action: 'record_objection',
		to: 'objection_pending',
		roles: H,
		requires: ['note'],
		starts: ['objection_answer'],
		ends: []
	},
	{
		from: ['objection_pending'],
		action: 'answer_objection',
		to: 'concluded',
		roles: H,
		requires: ['note'],
		starts: [],
		ends: ['objection_answer']
	},
	{
		from: ['concluded'],
		action: 'clear_name',
		to: 'same',
		roles: H,
		requires: ['note'],
		once: 'nameCleared',
		effect: 'set_flag',
		starts: [],
		ends: []
	},
	{
		from: ['concluded'],
		action: 'refer_false_accusation',
		to: 'same',
		roles: HEAD,
		requires: ['note'],
		once: 'falseAccusationReferred',
		effect: 'set_flag',
		starts: [],
		ends: []
	}
];

/** One edge of the machine: a row expanded to a single source state. */
export interface Edge {
	readonly from: WorkflowState;
	readonly action: ActionCode;
	readonly row: TransitionRow;
}

/** All edges, in declaration order. Each (from, action) pair appears at most once (checked at load). */
export const EDGES: readonly Edge[] = TRANSITIONS.flatMap((row) =>
	row.from.map((from) => ({ from, action: row.action, row }))
);

const EDGE_INDEX = new Map<string, Edge>();
for (const e of EDGES) {
	const key = `${e.from} ${e.action}`;
	if (EDGE_INDEX.has(key)) throw new Error(`workflow: (${e.from}, ${e.action}) declared twice`);
	EDGE_INDEX.set(key, e);
}

export function edgeFor(from: WorkflowState, action: ActionCode): Edge | undefined {
	return EDGE_INDEX.get(`${from} ${action}`);
}

/** The roles that may take `action` from some state (the same for every row of an action). */
export function rolesFor(action: ActionCode): readonly HandlerRole[] {
	const roles = new Set<HandlerRole>();
	for (const row of TRANSITIONS) if (row.action === action) for (const r of row.roles) roles.add(r);
	return [...roles];
}
