import { withView } from '$lib/server/backoffice/case-page';
import { approveStudy } from '$lib/server/departments/study';
import { SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/**
 * The organ leader's (or main leader's) approval of the disposition a collective study proposes; answered
 * with the case after it (`{ id, view }`).
 */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(
		event,
		SMALL_BODY,
		async (ctx) => withView(ctx, event.params.id, await approveStudy(ctx, event.params.id, event.params.sid)),
		true
	);
