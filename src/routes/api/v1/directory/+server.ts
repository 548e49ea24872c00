import { json } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { directoryApi } from '$lib/server/keys/api';
import type { RequestHandler } from './$types';

/** Public signed key directory of an organ (docs/api.md). No cookies, nothing about the caller stored. */
export const GET: RequestHandler = async ({ url }) => {
	const r = await directoryApi(db(), url.searchParams);
	return json(r.body, { status: r.status });
};
