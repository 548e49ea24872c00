import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { posterItem, posterNotFound, posterSite, posterSize } from '$lib/server/org/poster-page';
import { posterUnit } from '$lib/server/org/posters';
import { isId } from '$lib/shared/encoding';
import type { PageServerLoad } from './$types';

/**
 * One unit's poster or sticker, for printing (issue 22). Instance admins print for every unit, an organ's
 * admins for their jurisdiction; anyone else, and an unknown unit, get the same 404.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireRole(locals, 'staff');
	const size = posterSize(url);
	const unit = isId(params.id) ? await posterUnit(db(), user, params.id) : null;
	if (!unit) posterNotFound();
	const site = posterSite(url);
	return {
		size,
		site: site.site,
		operator: site.operator,
		fingerprint: site.fingerprint,
		items: [posterItem(site, unit)]
	};
};
