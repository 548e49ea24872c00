import { addLink } from '$lib/server/backoffice/case-conversation';
import { created, SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Links a duplicate or related report (by locator). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, async (ctx, body) => created(await addLink(ctx, event.params.id, body)));
