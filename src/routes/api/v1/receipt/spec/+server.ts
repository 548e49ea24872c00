import { receiptSpecApi } from '$lib/server/reports/api';
import { context, respond, source } from '$lib/server/reports/endpoint';
import type { RequestHandler } from './$types';

/** The receipt KDF spec of a locator (a stable fake one for unknown locators; docs/reporting.md §4). */
export const POST: RequestHandler = async (event) => respond(await receiptSpecApi(context(event), source(event)));
