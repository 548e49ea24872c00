import { handDown } from '$lib/server/leads/handdown';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Hands the lead down to a lower organ (交办, docs/backoffice.md "Hand-down and follow-up"). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, (ctx, body) => handDown(ctx, event.params.id, body));
