import { context, source } from '$lib/server/http/reporter';
import { registerStatusApi } from '$lib/server/http/register';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** What the holder of a register key filed, and which periods still lack an entry. */
export const POST: RequestHandler = async (event) => respond(await registerStatusApi(context(event), source(event)));
