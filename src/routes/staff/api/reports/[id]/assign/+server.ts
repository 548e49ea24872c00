import { assign } from '$lib/server/backoffice/case';
import { SMALL_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Assigns the report to a handler (or none). */
export const POST: RequestHandler = (event) =>
	withBody(event, SMALL_BODY, (ctx, body) => assign(ctx, event.params.id, body));
