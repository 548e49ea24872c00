import { openLeadDocument } from '$lib/server/leads/documents';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** A document's encrypted stream (audited as lead.document_open). */
export const GET: RequestHandler = (event) =>
	staffRoute(event, (ctx) => openLeadDocument(ctx, event.params.id, event.params.docId));
