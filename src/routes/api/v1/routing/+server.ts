import { db } from '$lib/server/db';
import { toResponse } from '$lib/server/http/respond';
import { previewRouting } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/** Public routing preview: where a report would go, and why (docs/api.md). Never names staff. */
export const GET: RequestHandler = async ({ url }) =>
	toResponse(await previewRouting(db(), url.searchParams), 'public');
