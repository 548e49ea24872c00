import { json } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { routingApi } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/** Public routing preview: where a report would go, and why (docs/api.md). Never names staff. */
export const GET: RequestHandler = async ({ url }) => {
	const r = await routingApi(db(), url.searchParams);
	return json(r.body, { status: r.status });
};
