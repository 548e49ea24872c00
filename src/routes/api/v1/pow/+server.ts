import { powApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** A proof-of-work challenge (docs/reporting.md §1). */
export const POST: RequestHandler = async (event) => respond(await powApi(context(event), source(event)));
