/**
 * Reading and writing departments and duties (issue 18): the caller's duties in an organ (for the
 * workflow's check, backoffice/case-actions.ts), the investigators of a case (查审分离), and the
 * administrator's assignment of staff to departments and leader roles (audited `admin.duty_*`).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { auditAdmin } from '$lib/server/audit/log';
import type { Db } from '$lib/server/db';
import { organDepartment, organDutyRule, organStaff, reportEvent, staffDuty, staffUser } from '$lib/server/db/schema';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isUuid } from '$lib/shared/encoding';
import { ACTION_CODES, type ActionCode } from '$lib/shared/vocabulary/workflow';
import { dutyAllows } from './rules';
import {
	DUTY_ROLES,
	isLeaderRole,
	type DepartmentKind,
	type Duty,
	type DutyRole
} from '$lib/shared/vocabulary/departments';

/**
 * The duties of `staffId` in `organId`, and whether the organ works by its division of duties (the admin's
 * explicit setting, `organ_duty_rule`; docs/backoffice.md "Departments and duties").
 */
export async function dutiesIn(
	db: Db,
	staffId: string,
	organId: string
): Promise<{ enforced: boolean; duties: Duty[] }> {
	const [rows, rule] = await Promise.all([
		db
			.select({ role: staffDuty.role, kind: organDepartment.kind })
			.from(staffDuty)
			.leftJoin(organDepartment, eq(organDepartment.id, staffDuty.departmentId))
			.where(and(eq(staffDuty.organId, organId), eq(staffDuty.staffId, staffId))),
		db.select({ enforced: organDutyRule.enforced }).from(organDutyRule).where(eq(organDutyRule.organId, organId))
	]);
	return {
		enforced: rule[0]?.enforced === true,
		duties: rows.map((r) => ({ departmentKind: (r.kind as DepartmentKind | null) ?? null, role: r.role as DutyRole }))
	};
}

/** Switches the organ's division of duties on or off (the admin; audited `admin.duties_enforce`). */
export async function setDutiesEnforced(db: Db, actorId: string, organId: string, enforced: boolean): Promise<void> {
	await db
		.insert(organDutyRule)
		.values({ organId, enforced, changedBy: actorId, changedAt: new Date() })
		.onConflictDoUpdate({
			target: organDutyRule.organId,
			set: { enforced, changedBy: actorId, changedAt: new Date() }
		});
	await auditAdmin(db, actorId, 'duties_enforce', { organId, enforced });
}

/** Staff who acted on the report while it was under investigation (its investigators). */
export async function investigatorsOf(db: Db, reportId: string): Promise<Set<string>> {
	const rows = await db
		.selectDistinct({ actorId: reportEvent.actorId })
		.from(reportEvent)
		.where(and(eq(reportEvent.reportId, reportId), eq(reportEvent.fromState, 'investigation')));
	return new Set(rows.map((r) => r.actorId).filter((a): a is string => a !== null));
}

export interface OrganDuties {
	/** The organ works by its division of duties (the admin's setting). */
	enforced: boolean;
	/** Workflow actions no assigned duty covers: with the rules in force nobody could take them. */
	gaps: ActionCode[];
	departments: { id: number; kind: DepartmentKind; name: string }[];
	staff: { id: string; displayName: string; organRole: string }[];
	duties: { id: number; staffId: string; departmentId: number | null; role: DutyRole }[];
}

/** An organ's departments, its inspectors and heads, and their duties (the admin page). */
export async function organDuties(db: Db, organId: string): Promise<OrganDuties> {
	const [departments, staff, duties, rule] = await Promise.all([
		db
			.select({ id: organDepartment.id, kind: organDepartment.kind, name: organDepartment.name })
			.from(organDepartment)
			.where(eq(organDepartment.organId, organId))
			.orderBy(asc(organDepartment.position), asc(organDepartment.id)),
		db
			.select({ id: staffUser.id, displayName: staffUser.displayName, organRole: organStaff.role })
			.from(organStaff)
			.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
			.where(and(eq(organStaff.organId, organId), sql`${organStaff.role} <> 'admin'`))
			.orderBy(asc(staffUser.displayName)),
		db
			.select({
				id: staffDuty.id,
				staffId: staffDuty.staffId,
				departmentId: staffDuty.departmentId,
				role: staffDuty.role
			})
			.from(staffDuty)
			.where(eq(staffDuty.organId, organId))
			.orderBy(asc(staffDuty.id)),
		db.select({ enforced: organDutyRule.enforced }).from(organDutyRule).where(eq(organDutyRule.organId, organId))
	]);
	const kindOf = new Map(departments.map((d) => [d.id, d.kind as DepartmentKind]));
	const assigned: Duty[] = duties.map((d) => ({
		departmentKind: d.departmentId === null ? null : (kindOf.get(d.departmentId) ?? null),
		role: d.role as DutyRole
	}));
	return {
		enforced: rule[0]?.enforced === true,
		gaps: ACTION_CODES.filter((a) => !dutyAllows(assigned, a)),
		departments: departments.map((d) => ({ ...d, kind: d.kind as DepartmentKind })),
		staff,
		duties: duties.map((d) => ({ ...d, role: d.role as DutyRole }))
	};
}

export type DutyRefusal = 'invalid_field' | 'not_found';

/** Gives `staffId` a duty in `organId` (a department role, or a leader role with no department). */
export async function addDuty(
	db: Db,
	actorId: string,
	input: { organId: string; staffId: unknown; departmentId: unknown; role: unknown }
): Promise<Result<{ id: number }, DutyRefusal>> {
	const { organId } = input;
	const role = input.role;
	if (typeof role !== 'string' || !(DUTY_ROLES as readonly string[]).includes(role))
		return refuse('invalid_field', { field: 'role' });
	if (!isUuid(input.staffId)) return refuse('invalid_field', { field: 'staffId' });
	const staffId = input.staffId;
	const [member] = await db
		.select({ role: organStaff.role })
		.from(organStaff)
		.where(and(eq(organStaff.organId, organId), eq(organStaff.staffId, staffId)));
	if (!member || member.role === 'admin') return refuse('invalid_field', { field: 'staffId' });
	let departmentId: number | null = null;
	if (!isLeaderRole(role)) {
		const id = typeof input.departmentId === 'string' ? Number(input.departmentId) : input.departmentId;
		if (typeof id !== 'number' || !Number.isSafeInteger(id)) return refuse('invalid_field', { field: 'departmentId' });
		const [dep] = await db
			.select({ id: organDepartment.id })
			.from(organDepartment)
			.where(and(eq(organDepartment.id, id), eq(organDepartment.organId, organId)));
		if (!dep) return refuse('invalid_field', { field: 'departmentId' });
		departmentId = dep.id;
	}
	const rows = await db
		.insert(staffDuty)
		.values({ organId, staffId, departmentId, role })
		.onConflictDoNothing()
		.returning({ id: staffDuty.id });
	if (rows.length === 0) return refuse('invalid_field', { field: 'role' });
	await auditAdmin(db, actorId, 'duty_add', { organId, staffId, departmentId, role });
	return ok({ id: rows[0]!.id });
}

/** Removes a duty of `organId`. */
export async function removeDuty(
	db: Db,
	actorId: string,
	organId: string,
	dutyId: unknown
): Promise<Result<{ id: number }, DutyRefusal>> {
	const id = typeof dutyId === 'string' ? Number(dutyId) : dutyId;
	if (typeof id !== 'number' || !Number.isSafeInteger(id)) return refuse('invalid_field', { field: 'dutyId' });
	const rows = await db
		.delete(staffDuty)
		.where(and(eq(staffDuty.id, id), eq(staffDuty.organId, organId)))
		.returning({ staffId: staffDuty.staffId, role: staffDuty.role, departmentId: staffDuty.departmentId });
	if (rows.length === 0) return refuse('not_found');
	await auditAdmin(db, actorId, 'duty_remove', { organId, ...rows[0] });
	return ok({ id });
}
