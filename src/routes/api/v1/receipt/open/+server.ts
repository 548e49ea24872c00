import { receiptOpenApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** Opens a report with its locator and receipt auth key (docs/reporting.md §4). */
export const POST: RequestHandler = async (event) => respond(await receiptOpenApi(context(event), source(event)));
