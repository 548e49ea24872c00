import { openCase, transferTargets } from '$lib/server/backoffice/case-view';
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
	return { ...base, view, targets: await transferTargets(ctx.db, view.report.organ.id) };
};
