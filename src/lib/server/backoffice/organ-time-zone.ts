/**
 * The organ's time zone (issue 18 item 3): staff screens and printouts show times in the zone of the organ
 * holding the report (discipline_organ.time_zone, Asia/Shanghai by default). An organ's `admin` member or an
 * instance admin sets it; the name must be an IANA zone that Intl knows. Audited `admin.organ_time_zone`.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { disciplineOrgan, organStaff } from '$lib/server/db/schema';
import { auditAdmin } from './audit';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isTimeZone, ORGAN_TIME_ZONE } from '$lib/shared/time-zone';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { InboxOrgan } from '$lib/shared/wire/inbox';
import type { StaffCtx } from './context';

type Db = StaffCtx['db'];

/** The zone of one organ (the default for an unknown id). */
export async function organTimeZone(db: Db, organId: string | null | undefined): Promise<string> {
	if (!organId) return ORGAN_TIME_ZONE;
	const [row] = await db
		.select({ tz: disciplineOrgan.timeZone })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, organId));
	return row && isTimeZone(row.tz) ? row.tz : ORGAN_TIME_ZONE;
}

/** The organs where the caller handles reports (inspector or head), with their zones, by name. */
export async function handlerOrgans(db: Db, staffId: string): Promise<InboxOrgan[]> {
	const rows = await db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name, timeZone: disciplineOrgan.timeZone })
		.from(organStaff)
		.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, organStaff.organId))
		.where(and(eq(organStaff.staffId, staffId), inArray(organStaff.role, HANDLER_ROLES)))
		.orderBy(disciplineOrgan.name);
	return rows;
}

/** The organs the caller administers (organ_staff role admin), with their zones, by name. */
export async function administeredOrgans(db: Db, staffId: string): Promise<InboxOrgan[]> {
	return db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name, timeZone: disciplineOrgan.timeZone })
		.from(organStaff)
		.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, organStaff.organId))
		.where(and(eq(organStaff.staffId, staffId), eq(organStaff.role, 'admin')))
		.orderBy(disciplineOrgan.name);
}

/** An organ by id or exact name (the first of that name), or null. */
export async function organByIdOrName(db: Db, text: string): Promise<InboxOrgan | null> {
	const [row] = await db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name, timeZone: disciplineOrgan.timeZone })
		.from(disciplineOrgan)
		.where(or(eq(disciplineOrgan.id, text), eq(disciplineOrgan.name, text)))
		.orderBy(sql`${disciplineOrgan.id} = ${text} desc`, disciplineOrgan.id)
		.limit(1);
	return row ?? null;
}

/** May the caller set this organ's zone: an instance admin, or an admin member of the organ. */
async function mayConfigure(ctx: StaffCtx, organId: string): Promise<boolean> {
	if (ctx.user.isAdmin) return true;
	const [row] = await ctx.db
		.select({ role: organStaff.role })
		.from(organStaff)
		.where(and(eq(organStaff.staffId, ctx.user.id), eq(organStaff.organId, organId), eq(organStaff.role, 'admin')));
	return row !== undefined;
}

/** POST /staff/api/organs/{id}/time-zone `{ timeZone }`. */
export async function setOrganTimeZone(
	ctx: StaffCtx,
	organId: string,
	body: unknown
): Promise<Result<{ id: string; timeZone: string }, 'invalid_field' | 'forbidden' | 'not_found'>> {
	const [organ] = await ctx.db
		.select({ id: disciplineOrgan.id, tz: disciplineOrgan.timeZone })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, organId));
	if (!organ) return refuse('not_found');
	if (!(await mayConfigure(ctx, organId))) return refuse('forbidden');
	const tz = (body as { timeZone?: unknown } | null)?.timeZone;
	if (typeof tz !== 'string' || tz.length > 64 || !isTimeZone(tz))
		return refuse('invalid_field', { field: 'timeZone' });
	await ctx.db.update(disciplineOrgan).set({ timeZone: tz }).where(eq(disciplineOrgan.id, organId));
	await auditAdmin(ctx.db, ctx.user, 'admin.organ_time_zone', { organ: organId, from: organ.tz, to: tz });
	return ok({ id: organId, timeZone: tz });
}
