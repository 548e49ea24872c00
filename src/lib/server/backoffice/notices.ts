/**
 * In-app notices for staff (docs/backoffice.md) and the deadline reminder job: every hour, reports whose
 * earliest open deadline is due within 2 working days (due_soon) or has passed (overdue) raise a notice for
 * their handler, or, while unassigned, for every inspector and head of the holding organ who can see them;
 * once per staff × report × kind × day (a unique index makes re-runs harmless).
 */
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { addWorkingDays } from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import { report, staffNotice } from '$lib/server/db/schema';
import { inList } from '$lib/server/db/schema/checks';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import { rowsOf } from '$lib/server/org/sql';
import { visibleCondition } from './access';
import { loadCalendar, todayOf } from './case-state';
import { validate } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { NoticeItem, NoticeList } from '$lib/shared/wire/staff';
import type { StaffCtx } from './context';

/** Raises due_soon / overdue notices for `now`'s day; answers how many were new. */
export async function raiseDeadlineNotices(
	db: Db,
	now: Date
): Promise<{ raised: number; today: string; soon: string }> {
	const calendar = await loadCalendar(db);
	const today = todayOf(now);
	const soon = addWorkingDays(today, 2, calendar);
	const result = await db.execute(sql`
		insert into staff_notice (staff_id, report_id, kind, created_on, details)
		select w.staff_id, r.id,
			case when r.next_due_on < ${today}::date then 'overdue' else 'due_soon' end,
			${today}::date,
			jsonb_build_object('code', r.next_due_code, 'due', r.next_due_on)
		from report r
		join report_key_wrap w on w.report_id = r.id
		where r.next_due_on is not null and r.next_due_on <= ${soon}::date
			and (r.handler_id = w.staff_id or (r.handler_id is null and exists (
				select 1 from organ_staff m where m.staff_id = w.staff_id and m.organ_id = r.organ_id and m.role in ${inList(HANDLER_ROLES)})))
			and (w.granted_by is not null or exists (
				select 1 from organ_staff m where m.staff_id = w.staff_id and m.organ_id = r.organ_id and m.role in ${inList(HANDLER_ROLES)}))
			and not exists (select 1 from staff_conflict c where c.staff_id = w.staff_id and c.unit_id = r.unit_id)
		on conflict do nothing
		returning id`);
	return { raised: rowsOf(result).length, today, soon };
}

/** GET /staff/api/notices[?unseen=1]: the caller's newest 100 notices on reports they can still see. */
export async function listNotices(
	ctx: StaffCtx,
	params: URLSearchParams
): Promise<Result<NoticeList, 'invalid_field'>> {
	const unseenOnly = params.get('unseen');
	if (unseenOnly !== null && unseenOnly !== '1' && unseenOnly !== '0')
		return refuse('invalid_field', { field: 'unseen' });
	const me = ctx.user.id;
	const cond = and(
		eq(staffNotice.staffId, me),
		or(isNull(staffNotice.reportId), visibleCondition(me)),
		unseenOnly === '1' ? eq(staffNotice.seen, false) : undefined
	);
	const [rows, [count]] = await Promise.all([
		ctx.db
			.select({
				id: staffNotice.id,
				kind: staffNotice.kind,
				reportId: staffNotice.reportId,
				locator: report.locator,
				createdOn: staffNotice.createdOn,
				seen: staffNotice.seen,
				details: staffNotice.details
			})
			.from(staffNotice)
			.leftJoin(report, eq(report.id, staffNotice.reportId))
			.where(cond)
			// Unseen protection notices (申请保护, issue 19) first, then the newest.
			.orderBy(
				desc(sql`(not ${staffNotice.seen} and ${staffNotice.kind} in ('protection_requested', 'protection_overdue'))`),
				desc(staffNotice.id)
			)
			.limit(100),
		ctx.db
			.select({ n: sql<number>`count(*)`.mapWith(Number) })
			.from(staffNotice)
			.leftJoin(report, eq(report.id, staffNotice.reportId))
			.where(
				and(
					eq(staffNotice.staffId, me),
					eq(staffNotice.seen, false),
					or(isNull(staffNotice.reportId), visibleCondition(me))
				)
			)
	]);
	// The kind column holds codes of the shared vocabulary (its CHECK: src/lib/server/db/schema).
	return ok({ items: rows as NoticeItem[], unseen: count?.n ?? 0 });
}

/** POST /staff/api/notices/seen `{ ids }` or `{ all: true }`: only the caller's own notices change. */
export async function markSeen(ctx: StaffCtx, input: unknown): Promise<Result<null, 'invalid_field'>> {
	const parsed = validate(STAFF_BODIES.SeenBody, input);
	if (!parsed.ok) return parsed;
	const body = parsed.value;
	const where =
		'all' in body
			? eq(staffNotice.staffId, ctx.user.id)
			: body.ids.length
				? and(eq(staffNotice.staffId, ctx.user.id), inArray(staffNotice.id, body.ids))
				: null;
	if (where) await ctx.db.update(staffNotice).set({ seen: true }).where(where);
	return ok(null);
}
