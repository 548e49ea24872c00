import { applyAction } from '$lib/server/backoffice/case-actions';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** A workflow transition (docs/backoffice.md, docs/workflow.md). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, (ctx, body) => applyAction(ctx, event.params.id, body));
