import { revoke } from '$lib/server/backoffice/case';
import { staffEndpoint } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** Revokes a grant (deletes the wrap). */
export const DELETE: RequestHandler = (event) =>
	staffEndpoint(event, (ctx) => revoke(ctx, event.params.id, event.params.staffId));
