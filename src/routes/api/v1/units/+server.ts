import { db } from '$lib/server/db';
import { respond } from '$lib/server/http/respond';
import { gone, unitsPost } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/** Public unit search (docs/api.md): the query in a POST body, never in the URL. No cookies, no personal data. */
export const POST: RequestHandler = async ({ request }) => respond(await unitsPost(db(), request));

/** The GET form of issue 4 is gone (410), so that no search ever sits in a URL or a proxy log. */
export const GET: RequestHandler = () => respond(gone('POST /api/v1/units'));
