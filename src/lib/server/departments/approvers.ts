/**
 * Who is told that a request awaits approval (issue 18; docs/backoffice.md "Departments and duties"): a
 * request to close, to send up, down or out (the workflow rows with `needsApproval`) raises
 * `approval_requested` for the staff who may approve it. With the organ's division of duties in force
 * (`organ_duty_rule`), those are the holders of the approving duty (./rules.ts `ACTION_DUTIES.approve`)
 * whose organ role may take the approval (the workflow's own check, which still applies on top); with the
 * rules off, the organ's heads, as before. Never the requester; only those who see the case.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { organDepartment, organStaff, staffDuty } from '$lib/server/db/schema';
import { raiseNotices, seersAmong } from '$lib/server/backoffice/case-state';
import { rolesFor } from '$lib/server/workflow/transitions';
import type { DepartmentKind, Duty, DutyRole } from '$lib/shared/vocabulary/departments';
import { dutyAllows } from './rules';
import { dutiesIn } from './store';

/** The staff (not `except`) who may approve a request on report `r` and see it. */
export async function approversOf(
	db: Db,
	r: { id: string; organId: string; unitId: string },
	except: string
): Promise<Set<string>> {
	const roles = [...rolesFor('approve')];
	const [{ enforced }, members] = await Promise.all([
		dutiesIn(db, except, r.organId),
		db
			.select({ staffId: organStaff.staffId })
			.from(organStaff)
			.where(and(eq(organStaff.organId, r.organId), inArray(organStaff.role, roles), ne(organStaff.staffId, except)))
	]);
	let candidates = members.map((m) => m.staffId);
	if (enforced && candidates.length) {
		const rows = await db
			.select({ staffId: staffDuty.staffId, role: staffDuty.role, kind: organDepartment.kind })
			.from(staffDuty)
			.leftJoin(organDepartment, eq(organDepartment.id, staffDuty.departmentId))
			.where(and(eq(staffDuty.organId, r.organId), inArray(staffDuty.staffId, candidates)));
		const duties = new Map<string, Duty[]>();
		for (const d of rows)
			duties.set(d.staffId, [
				...(duties.get(d.staffId) ?? []),
				{ departmentKind: (d.kind as DepartmentKind | null) ?? null, role: d.role as DutyRole }
			]);
		candidates = candidates.filter((s) => dutyAllows(duties.get(s) ?? [], 'approve'));
	}
	return seersAmong(db, r, candidates);
}

/** Raises `approval_requested` for a request just made (`action`) on report `r` by `requester`. */
export async function notifyApprovers(
	db: Db,
	r: { id: string; organId: string; unitId: string },
	requester: string,
	today: string,
	action: string
): Promise<number> {
	return raiseNotices(db, [...(await approversOf(db, r, requester))], r.id, 'approval_requested', today, { action });
}
