import { partApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** Uploads one part of one file of an intake (docs/reporting.md §2). Idempotent. */
export const PUT: RequestHandler = async (event) => respond(await partApi(context(event), source(event), event.params));
