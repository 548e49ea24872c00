import { integrityOpinion } from '$lib/server/leads/opinion';
import { SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** An integrity-opinion query (audited `lead.opinion` with purpose and requester). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, (ctx, body) => integrityOpinion(ctx, body));
