import { reportsApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** Commits a report, all files included, in one transaction (docs/reporting.md §3). */
export const POST: RequestHandler = async (event) => respond(await reportsApi(context(event), source(event)));
