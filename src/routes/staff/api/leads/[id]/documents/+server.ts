import { addLeadDocument } from '$lib/server/leads/documents';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Attaches a document encrypted in the browser (docs/backoffice.md "Lead documents"). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, (ctx, body) => addLeadDocument(ctx, event.params.id, body));
