import { assign } from '$lib/server/backoffice/case-grants';
import { SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Assigns the report to a handler (or none). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, (ctx, body) => assign(ctx, event.params.id, body));
