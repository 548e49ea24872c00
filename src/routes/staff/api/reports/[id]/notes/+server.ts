import { addNote } from '$lib/server/backoffice/case';
import { BIG_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** An internal note (encrypted in the browser, staff only). */
export const POST: RequestHandler = (event) =>
	withBody(event, BIG_BODY, (ctx, body) => addNote(ctx, event.params.id, body));
