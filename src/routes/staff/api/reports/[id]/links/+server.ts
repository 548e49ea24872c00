import { addLink } from '$lib/server/backoffice/case';
import { SMALL_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Links a duplicate or related report (by locator). */
export const POST: RequestHandler = (event) =>
	withBody(event, SMALL_BODY, (ctx, body) => addLink(ctx, event.params.id, body));
