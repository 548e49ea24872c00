import { grant } from '$lib/server/backoffice/case-grants';
import { created, SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Grants a colleague access: the report key re-sealed in the caller's browser. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, async (ctx, body) => created(await grant(ctx, event.params.id, body)));
