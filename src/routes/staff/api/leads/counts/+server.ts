import { leadCounts } from '$lib/server/leads/counts';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Counts per person (人次) of the organ's register. */
export const GET: RequestHandler = (event) =>
	staffRoute(event, (ctx) => leadCounts(ctx, event.url.searchParams.get('organ')));
