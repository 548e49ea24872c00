import { deleteFilter } from '$lib/server/backoffice/inbox-saved';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Deletes one of the caller's saved filters (404 otherwise). */
export const DELETE: RequestHandler = (event) => staffRoute(event, (ctx) => deleteFilter(ctx, event.params.id));
