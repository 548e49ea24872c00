import { recordExport } from '$lib/server/backoffice/case-conversation';
import { noContent, SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Records a print or export of the case in the audit log. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(
		event,
		SMALL_BODY,
		async (ctx, body) => noContent(await recordExport(ctx, event.params.id, body)),
		true
	);
