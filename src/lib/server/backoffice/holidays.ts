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
import { validate } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { HolidayKind } from '$lib/shared/vocabulary/workflow';
import type { HolidayDay, HolidayList } from '$lib/shared/wire/staff';
import type { StaffCtx } from './context';

/** GET /staff/api/holidays?year=YYYY (default: all years). */
export async function listHolidays(
	ctx: StaffCtx,
	params: URLSearchParams
): Promise<Result<HolidayList, 'invalid_field'>> {
	const year = params.get('year');
	if (year !== null && !/^(19|20|21)\d\d$/.test(year)) return refuse('invalid_field', { field: 'year' });
	const rows = await ctx.db
		.select()
		.from(holiday)
		.where(year ? and(gte(holiday.day, `${year}-01-01`), lte(holiday.day, `${year}-12-31`)) : undefined)
		.orderBy(asc(holiday.day));
	return ok({
		items: rows.map((r) => ({ day: r.day, kind: r.kind as HolidayKind, name: r.name, provisional: r.provisional }))
	});
}

/** POST /staff/api/holidays `{ day, kind, name, provisional? }`: adds or replaces a day (admins). */
export async function putHoliday(
	ctx: StaffCtx,
	input: unknown
): Promise<Result<HolidayDay, 'forbidden' | 'invalid_field'>> {
	if (!ctx.user.isAdmin) return refuse('forbidden');
	const parsed = validate(STAFF_BODIES.HolidayBody, input);
	if (!parsed.ok) return parsed;
	const b = parsed.value;
	const problem = checkCalendarRow({ date: b.day, kind: b.kind });
	if (problem) return refuse('invalid_field', { field: problem === 'bad_kind' ? 'kind' : 'day' });
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
	return ok({ day: b.day, kind: b.kind, name: b.name, provisional: b.provisional ?? false });
}

/** DELETE /staff/api/holidays/{day}: the day becomes an ordinary weekday/weekend again (admins). */
export async function deleteHoliday(ctx: StaffCtx, day: string): Promise<Result<null, 'forbidden' | 'not_found'>> {
	if (!ctx.user.isAdmin) return refuse('forbidden');
	if (checkCalendarRow({ date: day, kind: 'holiday' })) return refuse('not_found');
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
	return deleted ? ok(null) : refuse('not_found');
}
