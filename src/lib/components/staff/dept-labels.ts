import { m } from '$lib/paraglide/messages';

/** Labels of department kinds and duty roles (vocabulary/departments.ts), in the current locale. */
const LABELS: Record<string, () => string> = {
	letters: () => m.dept_kind_letters(),
	case_management: () => m.dept_kind_case_management(),
	supervision: () => m.dept_kind_supervision(),
	investigation: () => m.dept_kind_investigation(),
	review: () => m.dept_kind_review(),
	member: () => m.dept_role_member(),
	dept_head: () => m.dept_role_dept_head(),
	organ_leader: () => m.dept_role_organ_leader(),
	main_leader: () => m.dept_role_main_leader()
};

export function dutyLabel(code: string): string {
	return LABELS[code]?.() ?? code;
}
