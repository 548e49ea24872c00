/**
 * Protection requests (申请保护, issue 19; docs/reporting.md "Protection request"). A reporter asks from
 * /follow-up: a reporter message sent with `purpose: 'protection'` (its text encrypted like any message).
 * In the same transaction this module records the request with its own deadline (PROTECTION_ANSWER_WORKING_DAYS
 * working days, counted like every deadline: src/lib/server/calendar) and raises a priority notice
 * (`protection_requested`) for the staff who act on the report: its handler, or while unassigned every
 * inspector and head of the holding organ who holds its key. The notice list shows unseen protection
 * notices first. The hourly reminder job raises `protection_overdue` once a day for requests past due; the
 * first reply to the reporter after the request meets it.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { addWorkingDays } from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import { reportProtection } from '$lib/server/db/schema';
import { inList } from '$lib/server/db/schema/checks';
import { rowsOf } from '$lib/server/org/sql';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import { loadCalendar, todayOf } from './case-state';

/** Working days the organ has to answer a protection request (a reply to the reporter). */
export const PROTECTION_ANSWER_WORKING_DAYS = 3;

/** Staff who act on a report: its handler, or while unassigned the organ's inspectors and heads with its key. */
function actorsSql(reportId: string | null) {
	return sql`
		from report r
		join report_key_wrap w on w.report_id = r.id
		where ${reportId === null ? sql`true` : sql`r.id = ${reportId}::uuid`}
			and (r.handler_id = w.staff_id or (r.handler_id is null and exists (
				select 1 from organ_staff m where m.staff_id = w.staff_id and m.organ_id = r.organ_id and m.role in ${inList(HANDLER_ROLES)})))
			and not exists (select 1 from staff_conflict c where c.staff_id = w.staff_id and c.unit_id = r.unit_id)`;
}

/**
 * Records a protection request for `messageId` (in the caller's transaction) and raises its notice.
 * Answers the due date.
 */
export async function recordProtectionRequest(
	tx: Db,
	reportId: string,
	messageId: string,
	requestedOn: string
): Promise<{ dueOn: string; notified: number }> {
	const calendar = await loadCalendar(tx);
	const dueOn = addWorkingDays(requestedOn, PROTECTION_ANSWER_WORKING_DAYS, calendar);
	await tx.insert(reportProtection).values({ reportId, messageId, requestedOn, dueOn, metOn: null });
	const raised = await tx.execute(sql`
		insert into staff_notice (staff_id, report_id, kind, created_on, details)
		select w.staff_id, r.id, 'protection_requested', ${requestedOn}::date,
			jsonb_build_object('code', 'protection', 'due', ${dueOn}::text)
		${actorsSql(reportId)}
		on conflict do nothing
		returning id`);
	return { dueOn, notified: rowsOf(raised).length };
}

/** The first staff reply after a request meets every open request of the report (caller's transaction). */
export async function meetProtectionRequests(tx: Db, reportId: string, today: string): Promise<void> {
	await tx
		.update(reportProtection)
		.set({ metOn: today })
		.where(and(eq(reportProtection.reportId, reportId), isNull(reportProtection.metOn)));
}

/** Raises `protection_overdue` (once per staff × report × day) for open requests past due on `now`'s day. */
export async function raiseProtectionNotices(db: Db, now: Date): Promise<{ raised: number }> {
	const today = todayOf(now);
	const open = await db
		.select({ reportId: reportProtection.reportId, dueOn: reportProtection.dueOn })
		.from(reportProtection)
		.where(and(isNull(reportProtection.metOn), lt(reportProtection.dueOn, today)));
	let raised = 0;
	for (const p of open) {
		const r = await db.execute(sql`
			insert into staff_notice (staff_id, report_id, kind, created_on, details)
			select w.staff_id, r.id, 'protection_overdue', ${today}::date,
				jsonb_build_object('code', 'protection', 'due', ${p.dueOn}::text)
			${actorsSql(p.reportId)}
			on conflict do nothing
			returning id`);
		raised += rowsOf(r).length;
	}
	return { raised };
}

/** The protection requests of a report, oldest first (the case view shows them at the top). */
export async function protectionRequestsOf(
	db: Db,
	reportId: string
): Promise<{ messageId: string; requestedOn: string; dueOn: string; metOn: string | null }[]> {
	return db
		.select({
			messageId: reportProtection.messageId,
			requestedOn: reportProtection.requestedOn,
			dueOn: reportProtection.dueOn,
			metOn: reportProtection.metOn
		})
		.from(reportProtection)
		.where(eq(reportProtection.reportId, reportId))
		.orderBy(reportProtection.id);
}
