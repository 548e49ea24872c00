import { openLead } from '$lib/server/leads/read';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** One lead (audited `lead.open`). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => openLead(ctx, event.params.id));
