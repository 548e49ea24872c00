import { powApi } from '$lib/server/reports/api';
import { context, respond, source } from '$lib/server/reports/endpoint';
import type { RequestHandler } from './$types';

/** A proof-of-work challenge (docs/reporting.md §1). */
export const POST: RequestHandler = async (event) => respond(await powApi(context(event), source(event)));
