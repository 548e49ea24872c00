import { SMALL_BODY, staffJsonRoute, staffRoute } from '$lib/server/http/staff';
import { listHolidays, putHoliday } from '$lib/server/backoffice/holidays';
import type { RequestHandler } from './$types';

/** The working-day calendar (every staff member reads it; admins edit it). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => listHolidays(ctx, event.url.searchParams));
export const POST: RequestHandler = (event) => staffJsonRoute(event, SMALL_BODY, (ctx, body) => putHoliday(ctx, body));
