/**
 * The division of duties of issue 18 written out as a specification, for the tests of
 * src/lib/server/departments (the pure table and the same through the server).
 */
import type { ActionCode } from '$lib/shared/vocabulary/workflow';
import { DEPARTMENT_KINDS, DEPARTMENT_ROLES, LEADER_ROLES, type Duty } from '$lib/shared/vocabulary/departments';

/**
 * The specification (supervision.md "Departments and who decides"), written out cell by cell: what each
 * duty may do. Anything not listed is refused.
 */
const LETTERS_WORK: ActionCode[] = [
	'register',
	'accept',
	'register_transfer',
	'mark_duplicate',
	'return_no_substance',
	'notify_acceptance',
	'give_feedback',
	'record_objection',
	'answer_objection'
];
const LETTERS_REQUESTS: ActionCode[] = [
	'request_report_up',
	'request_transfer_down',
	'request_transfer_out',
	'withdraw'
];
const SUPERVISION_WORK: ActionCode[] = [
	'start_inquiry',
	'record_inquiry_reply',
	'start_verification',
	'report_verification',
	'hold',
	'resume',
	'apply_first_form',
	'clear_name',
	'refer_false_accusation'
];
export const SPEC: Record<string, ActionCode[]> = {
	'letters:member': LETTERS_WORK,
	'letters:dept_head': [...LETTERS_WORK, ...LETTERS_REQUESTS],
	'case_management:member': ['dispatch'],
	'case_management:dept_head': ['dispatch'],
	'supervision:member': SUPERVISION_WORK,
	'supervision:dept_head': [...SUPERVISION_WORK, 'request_close', 'withdraw'],
	'investigation:member': ['send_to_review', 'clear_name', 'refer_false_accusation'],
	'investigation:dept_head': ['send_to_review', 'clear_name', 'refer_false_accusation'],
	'review:member': ['return_to_investigation', 'conclude'],
	'review:dept_head': ['return_to_investigation', 'conclude'],
	'-:organ_leader': ['approve', 'reject'],
	'-:main_leader': ['approve', 'reject', 'file_case']
};

export const CELLS: { key: string; duty: Duty }[] = [
	...DEPARTMENT_KINDS.flatMap((k) =>
		DEPARTMENT_ROLES.map((role) => ({ key: `${k}:${role}`, duty: { departmentKind: k, role } as Duty }))
	),
	...LEADER_ROLES.map((role) => ({ key: `-:${role}`, duty: { departmentKind: null, role } as Duty }))
];
