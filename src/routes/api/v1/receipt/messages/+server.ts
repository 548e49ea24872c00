import { receiptMessagesApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** The reporter adds a message, with the files of an intake (Bearer token; docs/reporting.md §4). */
export const POST: RequestHandler = async (event) => respond(await receiptMessagesApi(context(event), source(event)));
