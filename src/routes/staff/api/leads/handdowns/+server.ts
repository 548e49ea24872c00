import { listHanddowns } from '$lib/server/leads/handdown-read';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The organ's hand-downs, both ways (docs/backoffice.md "Hand-down and follow-up"). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => listHanddowns(ctx, event.url.searchParams));
