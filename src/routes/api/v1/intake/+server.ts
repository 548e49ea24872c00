import { intakeApi, context, source } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** Opens an intake for encrypted files (docs/reporting.md §2). */
export const POST: RequestHandler = async (event) => respond(await intakeApi(context(event), source(event)));
