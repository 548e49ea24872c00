import { staffRoute } from '$lib/server/http/staff';
import { listNotices } from '$lib/server/backoffice/notices';
import type { RequestHandler } from './$types';

/** The caller's notices (deadline reminders, approval requests, assignments). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => listNotices(ctx, event.url.searchParams));
