/**
 * Who may see a report (architecture invariant 4; docs/backoffice.md). One function, `visibleReport`, is
 * used by every report endpoint: a staff member sees report R iff they hold a report_key_wrap row for R
 * AND (they are inspector or head of R's holding organ, or their wrap was granted) AND they declared no
 * conflict for R's unit. Everything else is "not found" (404), so existence is not revealed.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { organStaff, report, reportKeyWrap, staffConflict } from '$lib/server/db/schema';
import { inList } from '$lib/server/db/schema/checks';
import { isUuid } from '$lib/shared/encoding';
import { HANDLER_ROLES, type HandlerRole } from '$lib/shared/vocabulary/org';

export type Report = typeof report.$inferSelect;

export interface Visible {
	report: Report;
	/** The caller's own wrap of the report key. */
	sealed: Uint8Array;
	entryId: Uint8Array;
	/** A transfer's wrap: the sender's proof (format T) and the organ it came from; null otherwise. */
	proof: Uint8Array | null;
	proofOrgan: string | null;
	/** Granted by someone (null: a recipient of the holding organ). */
	grantedBy: string | null;
	/** The caller's role in the holding organ (inspector/head), or null when they see it by a grant only. */
	role: HandlerRole | null;
}

/** The SQL condition "staff `staffId` may see the report row `r`" (for lists; `r` = the report table). */
export function visibleCondition(staffId: string) {
	return sql`exists (select 1 from ${reportKeyWrap} w where w.report_id = ${report.id} and w.staff_id = ${staffId}
		and (w.granted_by is not null or exists (select 1 from ${organStaff} m where m.staff_id = ${staffId} and m.organ_id = ${report.organId} and m.role in ${inList(HANDLER_ROLES)})))
		and not exists (select 1 from ${staffConflict} c where c.staff_id = ${staffId} and c.unit_id = ${report.unitId})`;
}

/** The report if `staffId` may see it, else null (unknown id, malformed id, no wrap, not entitled, conflicted). */
export async function visibleReport(db: Db, staffId: string, reportId: unknown): Promise<Visible | null> {
	if (!isUuid(reportId) || !isUuid(staffId)) return null;
	const [row] = await db
		.select({
			report,
			sealed: reportKeyWrap.sealed,
			entryId: reportKeyWrap.entryId,
			grantedBy: reportKeyWrap.grantedBy,
			proof: reportKeyWrap.proof,
			proofOrgan: reportKeyWrap.proofOrgan
		})
		.from(report)
		.innerJoin(reportKeyWrap, and(eq(reportKeyWrap.reportId, report.id), eq(reportKeyWrap.staffId, staffId)))
		.where(eq(report.id, reportId));
	if (!row) return null;
	const [member, conflict] = await Promise.all([
		db
			.select({ role: organStaff.role })
			.from(organStaff)
			.where(
				and(
					eq(organStaff.staffId, staffId),
					eq(organStaff.organId, row.report.organId),
					inArray(organStaff.role, HANDLER_ROLES)
				)
			),
		db
			.select({ id: staffConflict.id })
			.from(staffConflict)
			.where(and(eq(staffConflict.staffId, staffId), eq(staffConflict.unitId, row.report.unitId)))
	]);
	if (conflict.length > 0) return null;
	const role = (member[0]?.role as HandlerRole | undefined) ?? null;
	if (!role && row.grantedBy === null) return null;
	return {
		report: row.report,
		sealed: row.sealed,
		entryId: row.entryId,
		grantedBy: row.grantedBy,
		proof: row.proof,
		proofOrgan: row.proofOrgan,
		role
	};
}

/** Organs where `staffId` is inspector or head (the inbox's scope), and those they head. */
export async function membershipsOf(db: Db, staffId: string): Promise<{ organId: string; role: string }[]> {
	return db
		.select({ organId: organStaff.organId, role: organStaff.role })
		.from(organStaff)
		.where(eq(organStaff.staffId, staffId));
}
