import { setOrganTimeZone } from '$lib/server/backoffice/organ-time-zone';
import { SMALL_BODY, staffJsonRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Sets the organ's time zone `{ timeZone }` (its admin members or an instance admin; audited). */
export const POST: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, (ctx, body) => setOrganTimeZone(ctx, event.params.id, body));
