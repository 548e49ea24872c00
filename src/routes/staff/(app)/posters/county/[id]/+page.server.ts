import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { posterItem, posterNotFound, posterSite, posterSize } from '$lib/server/org/poster-page';
import { countyPosterUnits, POSTER_BATCH_MAX } from '$lib/server/org/posters';
import { isId } from '$lib/shared/encoding';
import type { PageServerLoad } from './$types';

/** Every unit of a county as posters or stickers, one print view (print it to PDF or paper). */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const user = requireRole(locals, 'staff');
	const size = posterSize(url);
	const found = isId(params.id) ? await countyPosterUnits(db(), user, params.id) : null;
	if (!found) posterNotFound();
	const site = posterSite(url);
	return {
		size,
		county: found.county,
		truncated: found.truncated ? POSTER_BATCH_MAX : null,
		site: site.site,
		operator: site.operator,
		fingerprint: site.fingerprint,
		items: found.units.map((u) => posterItem(site, u))
	};
};
