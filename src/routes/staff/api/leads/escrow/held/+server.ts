import { heldEscrows } from '$lib/server/leads/escrow';
import { staffRoute } from '$lib/server/http/staff';
import type { RequestHandler } from './$types';

/** The blind-index keys of the organs below, escrowed to the caller (for integrity opinions). */
export const GET: RequestHandler = (event) =>
	staffRoute(event, (ctx) => heldEscrows(ctx, event.url.searchParams.get('organ')));
