import { staffRoute } from '$lib/server/http/staff';
import { inbox } from '$lib/server/backoffice/inbox';
import type { RequestHandler } from './$types';

/** The caller's inbox: filters, keyset pagination, counts (docs/backoffice.md). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => inbox(ctx, event.url.searchParams));
