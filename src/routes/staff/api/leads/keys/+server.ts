import { organKeyState, storeOrganKey } from '$lib/server/leads/organ-key';
import { SMALL_BODY, staffJsonRoute, staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The caller's organ-key wraps and the members lacking versions. */
export const GET: RequestHandler = (event) =>
	staffRoute(event, (ctx) => organKeyState(ctx, event.url.searchParams.get('organ')));
/** A new organ-key version, or wraps of an existing one for new members. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, 4 * SMALL_BODY, (ctx, body) => storeOrganKey(ctx, body));
