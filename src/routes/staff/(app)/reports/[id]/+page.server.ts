import { openCase, transferTargets } from '$lib/server/backoffice/case-view';
import { organTimeZone } from '$lib/server/backoffice/organ-time-zone';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { staffCryptoData } from '../shared.server';
import type { PageServerLoad } from './$types';

/**
 * The case (opening it is audited as report.open; 404 unless the caller may see it) and where it can go. The
 * member's key bundle and the case are read side by side (issue 18: opening a report within 300 ms).
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	const ctx = staffCtx(locals);
	const [base, opened] = await Promise.all([staffCryptoData(locals), openCase(ctx, params.id)]);
	const view = pageValue(opened);
	const [targets, timeZone] = await Promise.all([
		transferTargets(ctx.db, view.report.organ.id),
		organTimeZone(ctx.db, view.report.organ.id)
	]);
	return { ...base, view, targets, timeZone };
};
