import { recordStudy } from '$lib/server/departments/study';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** A collective study (集体排查) of the lead: date, participants, conclusion, minutes encrypted in the browser. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, (ctx, body) => recordStudy(ctx, event.params.id, body));
