import { escrowState, storeEscrow } from '$lib/server/leads/escrow';
import { SMALL_BODY, staffJsonRoute, staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The ancestor organs' members who lack an escrow of this organ's blind-index key. */
export const GET: RequestHandler = (event) =>
	staffRoute(event, (ctx) => escrowState(ctx, event.url.searchParams.get('organ')));
/** The organ's blind-index key sealed to members of one ancestor organ (issue 17). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, 4 * SMALL_BODY, (ctx, body) => storeEscrow(ctx, body));
