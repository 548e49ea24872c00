import { readAudit } from '$lib/server/backoffice/audit';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The audit log: admins all entries, organ heads their organs' entries. */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => readAudit(ctx, event.url.searchParams));
