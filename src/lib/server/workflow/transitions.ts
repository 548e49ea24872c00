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
import type { HandlerRole } from '../../shared/vocabulary/org';
import { ACTION_CODES, type ActionCode, type Disposition } from '../../shared/vocabulary/workflow';
import type { TransitionRow } from './rows';
import { HANDLING_ROWS } from './rows-handling';
import { INTAKE_ROWS } from './rows-intake';
import { REPORTER_ROWS } from './rows-reporter';
import type { Label, WorkflowState } from './vocabulary';

export { ACTION_CODES };
export type { ActionCode, HandlerRole };
export type { Effect, OnceFlag, Requirement, TransitionRow } from './rows';

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

/** The whole table, in declaration order: intake, handling, then what real-name reporters are owed. */
export const TRANSITIONS: readonly TransitionRow[] = [...INTAKE_ROWS, ...HANDLING_ROWS, ...REPORTER_ROWS];

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
