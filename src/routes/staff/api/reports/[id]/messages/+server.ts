import { reply } from '$lib/server/backoffice/case-conversation';
import { BIG_BODY, created, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** A reply to the reporter (encrypted in the browser; the reporter reads it in /follow-up). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, async (ctx, body) => created(await reply(ctx, event.params.id, body)));
