import { unitCounts } from '$lib/server/backoffice/stats';
import { statsCsv } from '$lib/server/backoffice/stats-csv';
import { dimensionLabel } from '$lib/server/backoffice/stats-labels';
import { statsPageData, statsRequest } from '$lib/server/backoffice/stats-request';
import { Download, ok } from '$lib/server/http/result';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/**
 * GET /staff/api/stats.csv?organ=&from=&to=: the statistics of /staff/stats as CSV (same numbers, every
 * unit listed), for organ heads within their jurisdiction and instance admins; 401 signed out, 403 others,
 * 400 for bad dates (the staff API's JSON errors).
 */
export const GET: RequestHandler = (event) =>
	staffRoute(event, async (ctx) => {
		const req = await statsRequest(ctx.db, ctx.user, event.url.searchParams);
		if (!req.ok) return req;
		const [data, units] = await Promise.all([statsPageData(ctx.db, req.value), unitCounts(ctx.db, req.value.query)]);
		const body = statsCsv(data.stats, units, { organ: data.organ.name, labels: dimensionLabel });
		const { organ, query } = req.value;
		const filename = `qingfeng-stats-${organ.id}-${query.from}-${query.to}.csv`;
		return ok(new Download(body, { type: 'text/csv; charset=utf-8', filename }));
	});
