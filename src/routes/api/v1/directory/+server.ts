import { db } from '$lib/server/db';
import { respond } from '$lib/server/http/respond';
import { directoryApi } from '$lib/server/keys/api';
import { gone, readQueryBody } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/**
 * Public signed key directory of an organ (docs/api.md): POST { organ, unit? }, so the organ and the unit
 * a reporter is about to report never sit in a URL. No cookies, nothing about the caller stored.
 */
export const POST: RequestHandler = async ({ request }) => {
	const params = await readQueryBody(request);
	return respond(params instanceof URLSearchParams ? await directoryApi(db(), params) : params);
};

/** The GET form is gone (410). */
export const GET: RequestHandler = () => respond(gone('POST /api/v1/directory'));
