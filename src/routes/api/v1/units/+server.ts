import { json } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { unitsApi } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/** Public unit search (docs/api.md). No cookies, no personal data. */
export const GET: RequestHandler = async ({ url }) => {
	const r = await unitsApi(db(), url.searchParams);
	return json(r.body, { status: r.status });
};
