import { reportsApi } from '$lib/server/reports/api';
import { context, respond, source } from '$lib/server/reports/endpoint';
import type { RequestHandler } from './$types';

/** Commits a report, all files included, in one transaction (docs/reporting.md §3). */
export const POST: RequestHandler = async (event) => respond(await reportsApi(context(event), source(event)));
