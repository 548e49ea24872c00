import { openCase } from '$lib/server/backoffice/case-view';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The case view (audited as report.open); 404 unless the caller may see the report. */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => openCase(ctx, event.params.id));
