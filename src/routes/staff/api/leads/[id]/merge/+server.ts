import { mergeLead } from '$lib/server/leads/register';
import { SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, (ctx, body) => mergeLead(ctx, event.params.id, body));
