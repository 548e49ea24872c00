/**
 * The admin-edited working-day calendar (the `holiday` table, seeded by migration 0005 from
 * src/lib/server/calendar/holidays.ts): every signed-in staff member may read it (deadlines are shown
 * with it); only admins change it, and every change is an `admin.calendar.*` audit entry. Deadlines
 * already running keep their due day; new ones are counted with the edited calendar.
 */
import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { appendAudit } from '$lib/server/audit/log';
import { checkCalendarRow } from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import { holiday } from '$lib/server/db/schema';
import { fail, forbidden, notFound, type Answer } from '$lib/server/http/answer';
import { check } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import type { StaffCtx } from '$lib/server/http/staff';

/** GET /staff/api/holidays?year=YYYY (default: all years). */
export async function listHolidays(ctx: StaffCtx, params: URLSearchParams): Promise<Answer> {
	const year = params.get('year');
	if (year !== null && !/^(19|20|21)\d\d$/.test(year)) return fail(400, 'invalid_field', 'year');
	const rows = await ctx.db
		.select()
		.from(holiday)
		.where(year ? and(gte(holiday.day, `${year}-01-01`), lte(holiday.day, `${year}-12-31`)) : undefined)
		.orderBy(asc(holiday.day));
	return {
		status: 200,
		body: { items: rows.map((r) => ({ day: r.day, kind: r.kind, name: r.name, provisional: r.provisional })) }
	};
}

/** POST /staff/api/holidays `{ day, kind, name, provisional? }`: adds or replaces a day (admins). */
export async function putHoliday(ctx: StaffCtx, input: unknown): Promise<Answer> {
	if (!ctx.user.isAdmin) return forbidden();
	const parsed = check(STAFF_BODIES.HolidayBody, input);
	if (!parsed.ok) return parsed.result;
	const b = parsed.value;
	const problem = checkCalendarRow({ date: b.day, kind: b.kind });
	if (problem) return fail(400, 'invalid_field', problem === 'bad_kind' ? 'kind' : 'day');
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx
			.insert(holiday)
			.values({ day: b.day, kind: b.kind, name: b.name, provisional: b.provisional ?? false })
			.onConflictDoUpdate({
				target: holiday.day,
				set: { kind: b.kind, name: b.name, provisional: b.provisional ?? false }
			});
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'admin.calendar.put',
			reportId: null,
			organId: null,
			details: { day: b.day, kind: b.kind }
		});
	});
	return { status: 200, body: { day: b.day, kind: b.kind, name: b.name, provisional: b.provisional ?? false } };
}

/** DELETE /staff/api/holidays/{day}: the day becomes an ordinary weekday/weekend again (admins). */
export async function deleteHoliday(ctx: StaffCtx, day: string): Promise<Answer> {
	if (!ctx.user.isAdmin) return forbidden();
	if (checkCalendarRow({ date: day, kind: 'holiday' })) return notFound();
	const deleted = await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const rows = await tx.delete(holiday).where(eq(holiday.day, day)).returning({ day: holiday.day });
		if (rows.length)
			await appendAudit(tx, {
				at: ctx.now,
				actor: ctx.user.id,
				action: 'admin.calendar.delete',
				reportId: null,
				organId: null,
				details: { day }
			});
		return rows.length;
	});
	return deleted ? { status: 204, body: null } : notFound();
}
