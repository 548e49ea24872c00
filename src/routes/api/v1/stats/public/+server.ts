import { statsApi, context } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** Public figures per month and category; small counts hidden (docs/reporting.md §5). */
export const GET: RequestHandler = async (event) => respond(await statsApi(context(event)));
