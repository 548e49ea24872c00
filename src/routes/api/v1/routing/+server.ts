import { db } from '$lib/server/db';
import { respond } from '$lib/server/http/respond';
import { gone, routingPost } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/** Public routing preview: where a report would go, and why (docs/api.md). POST body; never names staff. */
export const POST: RequestHandler = async ({ request }) => respond(await routingPost(db(), request));

/** The GET form is gone (410): "unit X, top leader" must never sit in a URL or a proxy log. */
export const GET: RequestHandler = () => respond(gone('POST /api/v1/routing'));
