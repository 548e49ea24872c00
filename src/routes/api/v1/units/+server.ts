import { db } from '$lib/server/db';
import { toResponse } from '$lib/server/http/respond';
import { findUnits } from '$lib/server/org/api';
import type { RequestHandler } from './$types';

/** Public unit search (docs/api.md). No cookies, no personal data. */
export const GET: RequestHandler = async ({ url }) => toResponse(await findUnits(db(), url.searchParams), 'public');
