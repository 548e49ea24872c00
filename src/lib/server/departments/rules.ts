/**
 * THE table "which department and role may take which workflow action" (issue 18; supervision.md
 * "Departments and who decides"; docs/backoffice.md "Departments and duties"). Pure data and one pure
 * check; the server asks it for every workflow action (backoffice/case-actions.ts) and the case view
 * uses it to show the actions the caller's duties do not allow, disabled, with the reason.
 *
 * Reading a row: `departments` may take the action, every role of the department unless `headOnly`
 * (then only the department head: a request that goes to a leader for approval is signed off by the
 * head of the department first); `leaders` may take it as the organ's leadership. The workflow's own
 * checks (state, organ role inspector/head, second person, requester) still apply on top.
 *
 * The rules hold in an organ once any of its staff has a duty (staff_duty rows): an organ that has not
 * yet assigned duties works as before (any inspector, heads approve). See docs/backoffice.md.
 */
import type { ActionCode } from '../../shared/vocabulary/workflow';
import type { DepartmentKind, Duty, LeaderRole } from '../../shared/vocabulary/departments';

export interface DutyRule {
	readonly departments: readonly DepartmentKind[];
	readonly headOnly?: boolean;
	readonly leaders: readonly LeaderRole[];
}

const LETTERS: DutyRule = { departments: ['letters'], leaders: [] };
const LETTERS_HEAD: DutyRule = { departments: ['letters'], headOnly: true, leaders: [] };
const SUPERVISION: DutyRule = { departments: ['supervision'], leaders: [] };
const LEADERS: DutyRule = { departments: [], leaders: ['organ_leader', 'main_leader'] };

export const ACTION_DUTIES = {
	// 信访室: receives, registers and passes on.
	register: LETTERS,
	accept: LETTERS,
	register_transfer: LETTERS,
	mark_duplicate: LETTERS,
	return_no_substance: LETTERS,
	request_report_up: LETTERS_HEAD,
	request_transfer_down: LETTERS_HEAD,
	request_transfer_out: LETTERS_HEAD,
	notify_acceptance: LETTERS,
	give_feedback: LETTERS,
	record_objection: LETTERS,
	answer_objection: LETTERS,
	// 案管室: manages leads, passes them to the department that handles them.
	dispatch: { departments: ['case_management'], leaders: [] },
	// 监督检查室: proposes and carries out dispositions.
	start_inquiry: SUPERVISION,
	record_inquiry_reply: SUPERVISION,
	start_verification: SUPERVISION,
	report_verification: SUPERVISION,
	hold: SUPERVISION,
	resume: SUPERVISION,
	apply_first_form: SUPERVISION,
	request_close: { departments: ['supervision'], headOnly: true, leaders: [] },
	// Filing a case (立案) is the main leader's decision.
	file_case: { departments: [], leaders: ['main_leader'] },
	// 审查调查室 investigates and sends to review; 审理室 reviews (never by an investigator of the case).
	send_to_review: { departments: ['investigation'], leaders: [] },
	return_to_investigation: { departments: ['review'], leaders: [] },
	conclude: { departments: ['review'], leaders: [] },
	// After the outcome: clearing a name, referring a false accusation.
	clear_name: { departments: ['supervision', 'investigation'], leaders: [] },
	refer_false_accusation: { departments: ['supervision', 'investigation'], leaders: [] },
	// Requests are decided by the organ's leaders; withdrawn by those who may make them.
	approve: LEADERS,
	reject: LEADERS,
	withdraw: { departments: ['letters', 'supervision'], headOnly: true, leaders: [] }
} as const satisfies Record<ActionCode, DutyRule>;

/** True when one of `duties` fits the action's rule. */
export function dutyAllows(duties: readonly Duty[], action: ActionCode): boolean {
	const rule: DutyRule | undefined = (ACTION_DUTIES as Record<string, DutyRule>)[action];
	if (!rule) return false;
	return duties.some((d) =>
		d.departmentKind === null
			? (rule.leaders as readonly string[]).includes(d.role)
			: rule.departments.includes(d.departmentKind) && (!rule.headOnly || d.role === 'dept_head')
	);
}

/** The review actions: an investigator of the case may never take them (查审分离). */
export const REVIEW_ACTIONS: ReadonlySet<ActionCode> = new Set<ActionCode>(['return_to_investigation', 'conclude']);
