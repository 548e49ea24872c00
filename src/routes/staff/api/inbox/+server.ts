import { staffJsonRoute, staffRoute, SMALL_BODY } from '$lib/server/http/staff';
import { inbox } from '$lib/server/backoffice/inbox';
import { refuse } from '$lib/server/http/result';
import type { RequestHandler } from './$types';

/** The caller's inbox: URL filters, keyset pagination, counts (docs/backoffice.md). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => inbox(ctx, event.url.searchParams));

/** The same with the search fields (a 查询码) in the body, so that they never sit in a URL or a log. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, async (ctx, body) => {
		if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('invalid_json');
		const params = new URLSearchParams();
		for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
			if (typeof v !== 'string') return refuse('invalid_field', { field: k });
			params.set(k, v);
		}
		return inbox(ctx, params, true);
	});
