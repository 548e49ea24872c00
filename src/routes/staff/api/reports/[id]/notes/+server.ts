import { addNote } from '$lib/server/backoffice/case-conversation';
import { BIG_BODY, created, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** An internal note (encrypted in the browser, staff only). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, async (ctx, body) => created(await addNote(ctx, event.params.id, body)));
