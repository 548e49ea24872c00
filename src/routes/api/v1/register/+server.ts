import { context, source } from '$lib/server/http/reporter';
import { registerEnrolApi } from '$lib/server/http/register';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** Enrols an official in the interference register of the organ supervising their unit. */
export const POST: RequestHandler = async (event) => respond(await registerEnrolApi(context(event), source(event)));
