import { db } from '$lib/server/db';
import { toResponse } from '$lib/server/http/respond';
import { readDirectory } from '$lib/server/keys/api';
import type { RequestHandler } from './$types';

/** Public signed key directory of an organ (docs/api.md). No cookies, nothing about the caller stored. */
export const GET: RequestHandler = async ({ url }) => toResponse(await readDirectory(db(), url.searchParams), 'public');
