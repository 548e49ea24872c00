import { receiptReportApi, context } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** The report as its reporter sees it (Bearer token; docs/reporting.md §4). */
export const GET: RequestHandler = async (event) => respond(await receiptReportApi(context(event), event.request));
