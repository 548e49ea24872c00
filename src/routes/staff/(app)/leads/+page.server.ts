import { and, eq, inArray } from 'drizzle-orm';
import { disciplineOrgan, organStaff } from '$lib/server/db/schema';
import { visibleReport } from '$lib/server/backoffice/access';
import { organTimeZone } from '$lib/server/backoffice/organ-time-zone';
import { staffCtx } from '$lib/server/http/staff';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import { staffCryptoData } from '../reports/shared.server';
import type { PageServerLoad } from './$types';

/**
 * The lead register (issue 17): the organs the member handles leads in, the chosen one (?organ=), and the
 * report to register leads from (?report=, when it is visible to the member). Lead data is fetched and
 * decrypted by the page (src/lib/client/staff/leads-session.ts).
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	const organs = await ctx.db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(organStaff)
		.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, organStaff.organId))
		.where(and(eq(organStaff.staffId, ctx.user.id), inArray(organStaff.role, [...HANDLER_ROLES])))
		.orderBy(disciplineOrgan.id);
	const vis = url.searchParams.has('report')
		? await visibleReport(ctx.db, ctx.user.id, url.searchParams.get('report'))
		: null;
	// The report's organ when it is one of the member's (the report page links without naming the organ).
	const wanted = url.searchParams.get('organ') ?? vis?.report.organId ?? null;
	const organ = organs.find((o) => o.id === wanted) ?? organs[0] ?? null;
	return {
		bundle: base.bundle,
		organs,
		organ,
		// Times on the page and the printed reply in the chosen organ's zone (issue 18).
		timeZone: await organTimeZone(ctx.db, organ?.id),
		fromReport: vis && vis.role ? { id: vis.report.id, locator: vis.report.locator } : null
	};
};
