import { acceptHanddown } from '$lib/server/leads/handdown';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The lower organ takes a handed-down lead into its register. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, (ctx, body) => acceptHanddown(ctx, event.params.hid, body));
