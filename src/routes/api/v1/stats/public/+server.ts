import { statsApi } from '$lib/server/reports/api';
import { context, respond } from '$lib/server/reports/endpoint';
import type { RequestHandler } from './$types';

/** Public figures per month and category; small counts hidden (docs/reporting.md §5). */
export const GET: RequestHandler = async (event) => respond(await statsApi(context(event)));
