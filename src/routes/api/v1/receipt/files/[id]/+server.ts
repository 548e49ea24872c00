import { receiptFileApi, context } from '$lib/server/http/reporter';
import { download, respond } from '$lib/server/http/respond';
import type { RequestHandler } from './$types';

/** One stored (encrypted) file of the report (Bearer token; docs/reporting.md §4). */
export const GET: RequestHandler = async (event) => {
	const r = await receiptFileApi(context(event), event.request, event.params.id);
	return 'stream' in r ? download(r) : respond(r);
};
