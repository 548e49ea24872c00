import { receiptSpecApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** The receipt KDF spec of a locator (a stable fake one for unknown locators; docs/reporting.md §4). */
export const POST: RequestHandler = async (event) => respond(await receiptSpecApi(context(event), source(event)));
