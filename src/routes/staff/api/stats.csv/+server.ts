import { error } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { unitCounts } from '$lib/server/backoffice/stats';
import { statsCsv } from '$lib/server/backoffice/stats-csv';
import { dimensionLabel } from '$lib/server/backoffice/stats-labels';
import { statsPageData, statsRequest } from '$lib/server/backoffice/stats-request';
import type { RequestHandler } from './$types';

/**
 * GET /staff/api/stats.csv?organ=&from=&to=: the statistics of /staff/stats as CSV (same numbers, every
 * unit listed), for organ heads within their jurisdiction and instance admins; 401 signed out, 403 others.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user || !locals.session?.twoFactorVerified || locals.user.disabledAt) error(401, 'Sign in first');
	const req = await statsRequest(db(), locals.user, url.searchParams);
	if (!req.ok)
		error(
			req.status,
			req.code === 'forbidden' ? 'Statistics are for organ heads, within their jurisdiction' : `Invalid ${req.field}`
		);
	const [data, units] = await Promise.all([statsPageData(db(), req), unitCounts(db(), req.query)]);
	const body = statsCsv(data.stats, units, { organ: data.organ.name, labels: dimensionLabel });
	const file = `qingfeng-stats-${req.organ.id}-${req.query.from}-${req.query.to}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${file}"`,
			'cache-control': 'no-store'
		}
	});
};
