import { SMALL_BODY, withBody } from '$lib/server/http/staff';
import { markSeen } from '$lib/server/backoffice/notices';
import type { RequestHandler } from './$types';

/** Marks the caller's notices seen. */
export const POST: RequestHandler = (event) => withBody(event, SMALL_BODY, (ctx, body) => markSeen(ctx, body));
