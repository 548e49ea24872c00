import { withView } from '$lib/server/backoffice/case-page';
import { recordStudy } from '$lib/server/departments/study';
import { BIG_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/**
 * A collective study (集体排查) of the lead: date, participants, conclusion, minutes encrypted in the browser;
 * answered with the case after it (`{ id, view }`).
 */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, BIG_BODY, async (ctx, body) =>
		withView(ctx, event.params.id, await recordStudy(ctx, event.params.id, body))
	);
