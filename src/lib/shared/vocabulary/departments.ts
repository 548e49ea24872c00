/**
 * The departments of a discipline organ and the duty roles of its staff (issue 18; supervision.md
 * "Departments and who decides"). Codes only; labels are paraglide messages (messages/departments). Which
 * department and role may take which workflow action is src/lib/server/departments/rules.ts.
 */

/**
 * letters: 信访室 (receives, registers, passes on); case_management: 案管室 (manages leads, watches time
 * limits, dispatches); supervision: 监督检查室 (one or more; proposes and carries out dispositions);
 * investigation: 审查调查室 (investigates filed cases); review: 审理室 (reviews concluded investigations).
 */
export const DEPARTMENT_KINDS = ['letters', 'case_management', 'supervision', 'investigation', 'review'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** Roles within a department. */
export const DEPARTMENT_ROLES = ['member', 'dept_head'] as const;
export type DepartmentRole = (typeof DEPARTMENT_ROLES)[number];

/** Roles of the organ's leadership (no department): 分管领导 (organ_leader) and 主要负责人 (main_leader). */
export const LEADER_ROLES = ['organ_leader', 'main_leader'] as const;
export type LeaderRole = (typeof LEADER_ROLES)[number];

export const DUTY_ROLES = [...DEPARTMENT_ROLES, ...LEADER_ROLES] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

export function isLeaderRole(role: string): role is LeaderRole {
	return (LEADER_ROLES as readonly string[]).includes(role);
}

/** The departments every organ gets when it is created (the names may be changed per organ). */
export const DEFAULT_DEPARTMENTS: readonly { kind: DepartmentKind; name: string }[] = [
	{ kind: 'letters', name: '信访室' },
	{ kind: 'case_management', name: '案件监督管理室' },
	{ kind: 'supervision', name: '第一监督检查室' },
	{ kind: 'investigation', name: '第一审查调查室' },
	{ kind: 'review', name: '案件审理室' }
];

/** One duty of a staff member in an organ: a role in a department, or a leader's role (department null). */
export interface Duty {
	readonly departmentKind: DepartmentKind | null;
	readonly role: DutyRole;
}
