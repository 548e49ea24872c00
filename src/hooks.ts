import type { Reroute } from '@sveltejs/kit';
import { deLocalizeUrl } from '$lib/paraglide/runtime';

/** /en/... is served by the same routes as /...; the locale lives in the URL only. */
export const reroute: Reroute = (request) => deLocalizeUrl(request.url).pathname;
