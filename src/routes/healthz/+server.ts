import { database } from '$lib/server/db';
import type { RequestHandler } from './$types';

/** For load balancers: 200 when the database answers, 503 otherwise. */
export const GET: RequestHandler = async () => {
	const ok = await database().ping();
	return new Response(ok ? 'ok\n' : 'database unavailable\n', {
		status: ok ? 200 : 503,
		headers: { 'content-type': 'text/plain; charset=utf-8', ...(ok ? {} : { 'retry-after': '5' }) }
	});
};
