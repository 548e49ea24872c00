import { applyAction } from '$lib/server/backoffice/case';
import { BIG_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** A workflow transition (docs/backoffice.md, docs/workflow.md). */
export const POST: RequestHandler = (event) =>
	withBody(event, BIG_BODY, (ctx, body) => applyAction(ctx, event.params.id, body));
