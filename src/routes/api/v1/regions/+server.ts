import { db } from '$lib/server/db';
import { respond } from '$lib/server/http/respond';
import { gone } from '$lib/server/org/api';
import { regionsPost } from '$lib/server/org/regions';
import type { RequestHandler } from './$types';

/** The region picker (docs/api.md): the regions below one region, the parent in a POST body, never in a URL. */
export const POST: RequestHandler = async ({ request }) => respond(await regionsPost(db(), request));

/** No GET form: a region must never sit in a URL or a proxy log. */
export const GET: RequestHandler = () => respond(gone('POST /api/v1/regions'));
