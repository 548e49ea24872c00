import { revoke } from '$lib/server/backoffice/case-grants';
import { noContent, staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Revokes a grant (deletes the wrap). */
export const DELETE: RequestHandler = (event) =>
	staffRoute(event, async (ctx) => noContent(await revoke(ctx, event.params.id, event.params.staffId)));
