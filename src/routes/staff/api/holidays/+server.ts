import { SMALL_BODY, staffEndpoint, withBody } from '$lib/server/http/staff';
import { listHolidays, putHoliday } from '$lib/server/backoffice/holidays';
import type { RequestHandler } from './$types';

/** The working-day calendar (every staff member reads it; admins edit it). */
export const GET: RequestHandler = (event) => staffEndpoint(event, (ctx) => listHolidays(ctx, event.url.searchParams));
export const POST: RequestHandler = (event) => withBody(event, SMALL_BODY, (ctx, body) => putHoliday(ctx, body));
