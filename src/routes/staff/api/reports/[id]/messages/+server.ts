import { reply } from '$lib/server/backoffice/case';
import { BIG_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** A reply to the reporter (encrypted in the browser; the reporter reads it in /follow-up). */
export const POST: RequestHandler = (event) =>
	withBody(event, BIG_BODY, (ctx, body) => reply(ctx, event.params.id, body));
