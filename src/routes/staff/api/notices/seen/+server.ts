import { noContent, SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import { markSeen } from '$lib/server/backoffice/notices';
import type { RequestHandler } from './$types';

/** Marks the caller's notices seen. */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, async (ctx, body) => noContent(await markSeen(ctx, body)));
