import { noContent, staffRoute } from '$lib/server/http/staff';
import { deleteHoliday } from '$lib/server/backoffice/holidays';
import type { RequestHandler } from './$types';

/** Removes a day from the calendar (admins). */
export const DELETE: RequestHandler = (event) =>
	staffRoute(event, async (ctx) => noContent(await deleteHoliday(ctx, event.params.day)));
