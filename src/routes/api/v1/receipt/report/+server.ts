import { receiptReportApi } from '$lib/server/reports/api';
import { context, respond } from '$lib/server/reports/endpoint';
import type { RequestHandler } from './$types';

/** The report as its reporter sees it (Bearer token; docs/reporting.md §4). */
export const GET: RequestHandler = async (event) => respond(await receiptReportApi(context(event), event.request));
