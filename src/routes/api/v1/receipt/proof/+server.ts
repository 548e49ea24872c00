import { receiptProofApi, context } from '$lib/server/http/reporter';
import { respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** The proof of having reported (Bearer token; issue 19, docs/reporting.md "Proof of having reported"). */
export const GET: RequestHandler = async (event) => respond(await receiptProofApi(context(event), event.request));
