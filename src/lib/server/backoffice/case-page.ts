/**
 * The case page's data and the answers that re-render it (issue 18, "An inspector's day, fast"): the page's
 * load in one round (the case opened and audited, the transfer targets and the organ's zone side by side),
 * and `withView`, which gives a change to a case (a note, a reply, a link, a grant, a study) the case view
 * after it, so the page applies one answer instead of reloading its data.
 */
import { eq, inArray, or } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { disciplineOrgan } from '$lib/server/db/schema';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { ErrorCode } from '$lib/shared/errors';
import { isTimeZone, ORGAN_TIME_ZONE } from '$lib/shared/time-zone';
import type { CaseView, TransferTargets } from '$lib/shared/wire/staff';
import { visibleReport } from './access';
import { auditOpen, caseView } from './case-view';
import type { StaffCtx } from './context';

/**
 * The case page's own data (src/routes/staff/(app)/reports/[id]): the case opened (audited), where it can be
 * sent, and the holding organ's time zone, read together with the transfer targets.
 */
export async function casePage(
	ctx: StaffCtx,
	reportId: string
): Promise<Result<{ view: CaseView; targets: TransferTargets; timeZone: string }, 'not_found'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const [, view, around] = await Promise.all([
		auditOpen(ctx, vis),
		caseView(ctx.db, vis, ctx.user.id),
		organsAround(ctx.db, vis.report.organId)
	]);
	return ok({ view, targets: around.targets, timeZone: around.timeZone });
}

/**
 * What answers a change to a case that does not move it (a note, a reply, a link, a grant, a study): the
 * value with the case view after it, so the page re-renders from the one answer (issue 18: no second request).
 */
export async function withView<T extends object, C extends ErrorCode>(
	ctx: StaffCtx,
	reportId: string,
	result: Result<T, C>
): Promise<Result<T & { view: CaseView }, C | 'not_found'>> {
	if (!result.ok) return result;
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const view = await caseView(ctx.db, vis, ctx.user.id);
	return { ...result, value: { ...result.value, view } };
}

/** The organs a report can be sent to from `organId` (its ancestors nearest first, its children), and its zone. */
async function organsAround(db: Db, organId: string): Promise<{ targets: TransferTargets; timeZone: string }> {
	const [self] = await db
		.select({ ancestorIds: disciplineOrgan.ancestorIds, timeZone: disciplineOrgan.timeZone })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, organId));
	if (!self) return { targets: { up: [], down: [] }, timeZone: ORGAN_TIME_ZONE };
	const upIds = [...self.ancestorIds].reverse();
	const near = await db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name, parent: disciplineOrgan.parentOrganId })
		.from(disciplineOrgan)
		.where(
			upIds.length
				? or(inArray(disciplineOrgan.id, upIds), eq(disciplineOrgan.parentOrganId, organId))
				: eq(disciplineOrgan.parentOrganId, organId)
		)
		.orderBy(disciplineOrgan.id);
	const byId = new Map(near.map((o) => [o.id, { id: o.id, name: o.name }]));
	return {
		targets: {
			up: upIds.map((id) => byId.get(id)).filter((o): o is { id: string; name: string } => !!o),
			down: near.filter((o) => o.parent === organId).map((o) => ({ id: o.id, name: o.name }))
		},
		timeZone: isTimeZone(self.timeZone) ? self.timeZone : ORGAN_TIME_ZONE
	};
}

/** The organs a report can be sent to from `organId`: its ancestors (nearest first) and its children. */
export async function transferTargets(db: Db, organId: string): Promise<TransferTargets> {
	return (await organsAround(db, organId)).targets;
}
