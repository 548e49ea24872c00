import { createLead } from '$lib/server/leads/register';
import { listLeads } from '$lib/server/leads/read';
import { BIG_BODY, staffJsonRoute, staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The register's page (docs/backoffice.md "Lead register"). */
export const GET: RequestHandler = (event) => staffRoute(event, (ctx) => listLeads(ctx, event.url.searchParams));
/** Registers a lead. */
export const POST: RequestHandler = (event) => staffJsonRoute(event, BIG_BODY, (ctx, body) => createLead(ctx, body));
