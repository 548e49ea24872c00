import { recordExport } from '$lib/server/backoffice/case';
import { SMALL_BODY, withBody } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Records a print or export of the case in the audit log. */
export const POST: RequestHandler = (event) =>
	withBody(event, SMALL_BODY, (ctx, body) => recordExport(ctx, event.params.id, body), true);
