import { reportHanddownResult } from '$lib/server/leads/handdown';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The lower organ's result report, which closes the follow-up (督办). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, (ctx, body) => reportHanddownResult(ctx, event.params.hid, body));
