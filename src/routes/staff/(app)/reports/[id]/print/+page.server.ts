import { openCase } from '$lib/server/backoffice/case-view';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { staffCryptoData } from '../../shared.server';
import type { PageServerLoad } from './$types';

/** The case for printing (audited as report.open; 404 unless the caller may see it). */
export const load: PageServerLoad = async ({ locals, params }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	return { ...base, view: pageValue(await openCase(ctx, params.id)) };
};
