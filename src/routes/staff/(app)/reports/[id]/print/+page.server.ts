import { openCase } from '$lib/server/backoffice/case-view';
import { organTimeZone } from '$lib/server/backoffice/organ-time-zone';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { staffCryptoData } from '../../shared.server';
import type { PageServerLoad } from './$types';

/** The case for printing (audited as report.open; 404 unless the caller may see it). */
export const load: PageServerLoad = async ({ locals, params }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	const view = pageValue(await openCase(ctx, params.id));
	return { ...base, view, timeZone: await organTimeZone(ctx.db, view.report.organ.id) };
};
