import { statsPageData, statsRequest } from '$lib/server/backoffice/stats-request';
import { ok } from '$lib/server/http/result';
import { staffRoute } from '$lib/server/http/staff';
import type { StatsAnswer } from '$lib/shared/wire/staff';
import type { RequestHandler } from './$types';

/**
 * GET /staff/api/stats?organ=&from=&to=: the statistics as JSON (docs/backoffice.md "Statistics").
 * 401 signed out, 403 without statistics access or outside the jurisdiction, 400 for bad dates.
 */
export const GET: RequestHandler = (event) =>
	staffRoute(event, async (ctx) => {
		const req = await statsRequest(ctx.db, ctx.user, event.url.searchParams);
		if (!req.ok) return req;
		const data = await statsPageData(ctx.db, req.value);
		const answer: StatsAnswer = { organ: data.organ, children: data.children, scope: data.access.kind, ...data.stats };
		return ok(answer);
	});
