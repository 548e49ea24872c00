import { error, type Handle } from '@sveltejs/kit';
import { config } from '$lib/server/config';

/** Features the app never uses are denied to every page. */
export const PERMISSIONS_POLICY = [
	'accelerometer=()',
	'autoplay=()',
	'browsing-topics=()',
	'camera=()',
	'display-capture=()',
	'encrypted-media=()',
	'fullscreen=()',
	'geolocation=()',
	'gyroscope=()',
	'hid=()',
	'magnetometer=()',
	'microphone=()',
	'midi=()',
	'payment=()',
	'picture-in-picture=()',
	'publickey-credentials-get=()',
	'screen-wake-lock=()',
	'serial=()',
	'usb=()',
	'xr-spatial-tracking=()'
].join(', ');

/** CSP for responses that are not pages (JSON, file downloads): nothing may be loaded or framed. */
export const NON_PAGE_CSP =
	"default-src 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * HSTS for an https origin: two years, subdomains included (what hstspreload.org asks for); `preload`
 * only when the operator asks for it (HSTS_PRELOAD, docs/operations.md "Deploying behind HTTPS").
 */
export function strictTransportSecurity(preload: boolean): string {
	return `max-age=63072000; includeSubDomains${preload ? '; preload' : ''}`;
}

/** The headers every response carries, whatever it is. */
export const EVERY_RESPONSE: readonly (readonly [string, string])[] = [
	['referrer-policy', 'no-referrer'],
	['x-content-type-options', 'nosniff'],
	['x-frame-options', 'DENY'],
	['cross-origin-opener-policy', 'same-origin'],
	['cross-origin-resource-policy', 'same-origin'],
	['permissions-policy', PERMISSIONS_POLICY]
];

/**
 * The security headers of a JSON answer written without SvelteKit (the lean submission handler,
 * src/lib/server/http/submission.ts): the same as {@link securityHeaders} gives such an answer.
 */
export function apiSecurityHeaders(https: boolean): Record<string, string> {
	const h: Record<string, string> = Object.fromEntries(EVERY_RESPONSE);
	if (https) h['strict-transport-security'] = strictTransportSecurity(config().hstsPreload);
	h['content-security-policy'] = NON_PAGE_CSP;
	h['cache-control'] = 'no-store';
	return h;
}

/**
 * Security headers on every response SvelteKit renders (CSP itself comes from `kit.csp`).
 * Everything rendered here is dynamic, so nothing is cached by browsers or proxies.
 */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	const set = (name: string, value: string) => {
		// Responses from fetch() or redirects can have immutable headers: copy only when needed.
		try {
			h.set(name, value);
		} catch {
			/* immutable: headers were set by whoever built the response */
		}
	};
	for (const [name, value] of EVERY_RESPONSE) set(name, value);
	// Only when the origin is https (ORIGIN, or the proxy's protocol header): over plain http, never.
	if (event.url.protocol === 'https:') set('strict-transport-security', strictTransportSecurity(config().hstsPreload));
	// Pages get their CSP from `kit.csp`; anything else (JSON API answers, downloads) may load nothing at all.
	if (!h.has('content-security-policy')) set('content-security-policy', NON_PAGE_CSP);
	if (event.locals.clearSiteData) set('clear-site-data', '"cache", "cookies", "storage"');
	if (!h.has('cache-control') || !/immutable/.test(h.get('cache-control') ?? '')) {
		set('cache-control', 'no-store');
	}
	return response;
};

/**
 * Form actions read their body with `request.formData()`, which throws a TypeError on a body that is not
 * form data (another content type, a multipart body without or with a broken boundary); SvelteKit would
 * answer that with a 500. Here such a body becomes a 415 or 400 instead, for every action at once; so does
 * a POST to `?/default`, which SvelteKit also answers with a 500.
 * Runs after the i18n handle, which may replace `event.request`.
 */
export const formBodies: Handle = ({ event, resolve }) => {
	const request = event.request;
	if (request.method === 'POST') {
		// SvelteKit throws a plain Error (a 500) for `?/default`, the reserved name of the unnamed action.
		if (event.url.searchParams.has('/default')) {
			return new Response('No form action with this name.\n', {
				status: 404,
				headers: { 'content-type': 'text/plain; charset=utf-8' }
			});
		}
		const formData = request.formData.bind(request);
		Object.defineProperty(request, 'formData', {
			configurable: true,
			value: async () => {
				const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
				if (type !== 'multipart/form-data' && type !== 'application/x-www-form-urlencoded') {
					error(415, 'Expected form data (application/x-www-form-urlencoded or multipart/form-data)');
				}
				try {
					return await formData();
				} catch {
					error(400, 'Malformed form data');
				}
			}
		});
	}
	return resolve(event);
};
