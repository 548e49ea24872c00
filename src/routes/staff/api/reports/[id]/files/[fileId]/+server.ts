import { openFile } from '$lib/server/backoffice/case';
import { staffEndpoint } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** An encrypted attachment stream (audited as report.file). */
export const GET: RequestHandler = (event) =>
	staffEndpoint(event, (ctx) => openFile(ctx, event.params.id, event.params.fileId));
