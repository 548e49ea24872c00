import { openCase, transferTargets } from '$lib/server/backoffice/case-view';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { staffCryptoData } from '../shared.server';
import type { PageServerLoad } from './$types';

/** The case (opening it is audited as report.open; 404 unless the caller may see it) and where it can go. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	const view = pageValue(await openCase(ctx, params.id));
	return { ...base, view, targets: await transferTargets(ctx.db, view.report.organ.id) };
};
