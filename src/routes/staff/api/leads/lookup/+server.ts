import { lookupLeads } from '$lib/server/leads/read';
import { SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Duplicate finding: leads with the same blind name (POST, so the blind values stay out of URLs). */
export const POST: RequestHandler = (event) => staffJsonRoute(event, SMALL_BODY, (ctx, body) => lookupLeads(ctx, body));
