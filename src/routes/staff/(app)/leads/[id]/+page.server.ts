import { openLead } from '$lib/server/leads/read';
import { organTimeZone } from '$lib/server/backoffice/organ-time-zone';
import { pageValue, staffCtx } from '$lib/server/http/staff';
import { getLocale } from '$lib/paraglide/runtime';
import { staffCryptoData } from '../../reports/shared.server';
import type { PageServerLoad } from './$types';

/** One lead (opening it is audited as lead.open; 404 unless the caller is a member of its organ). */
export const load: PageServerLoad = async ({ locals, params }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	const view = pageValue(await openLead(ctx, params.id), getLocale());
	// The lead's events in its organ's zone (issue 18), as on the case page.
	return { bundle: base.bundle, view, timeZone: await organTimeZone(ctx.db, view.organId) };
};
