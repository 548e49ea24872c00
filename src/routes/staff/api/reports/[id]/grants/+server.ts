import { grant } from '$lib/server/backoffice/case';
import { SMALL_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Grants a colleague access: the report key re-sealed in the caller's browser. */
export const POST: RequestHandler = (event) =>
	withBody(event, SMALL_BODY, (ctx, body) => grant(ctx, event.params.id, body));
