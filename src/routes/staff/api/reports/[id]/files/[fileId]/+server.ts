import { openFile } from '$lib/server/backoffice/case-conversation';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** An encrypted attachment stream (audited as report.file). */
export const GET: RequestHandler = (event) =>
	staffRoute(event, (ctx) => openFile(ctx, event.params.id, event.params.fileId));
