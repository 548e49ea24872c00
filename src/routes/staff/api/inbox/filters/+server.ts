import { listSavedFilters, saveFilter } from '$lib/server/backoffice/inbox-saved';
import { SMALL_BODY, staffJsonRoute, staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The caller's saved inbox filters (docs/backoffice.md "The inbox"). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => listSavedFilters(ctx));

/** Saves `{ name, query }` (URL filters only), replacing one of the same name. */
export const POST: RequestHandler = (event) => staffJsonRoute(event, SMALL_BODY, (ctx, body) => saveFilter(ctx, body));
