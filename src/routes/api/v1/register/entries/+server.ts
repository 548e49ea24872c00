import { context, source } from '$lib/server/http/reporter';
import { registerEntryApi } from '$lib/server/http/register';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** A record of an approach, or a 零报告, from the holder of a register key. */
export const POST: RequestHandler = async (event) => respond(await registerEntryApi(context(event), source(event)));
