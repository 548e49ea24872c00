/**
 * Which origin a request was made to, and the same-origin check for form posts (SvelteKit's own check,
 * `kit.csrf`, is turned off in svelte.config.js and replaced by this one).
 *
 * Why: adapter-node builds every request's URL from ORIGIN, or from PROTOCOL_HEADER / HOST_HEADER, and
 * with neither it guesses `https://<Host>`, although `node build` only ever speaks plain http. SvelteKit then
 * compared the browser's `Origin: http://…` with `https://…` and refused every form post of a plain
 * `npm start` (the staff set-up and sign-in) with a bare 403, before any hook could say why.
 *
 * The rule here is SvelteKit's, against the URL the browser really used:
 * - ORIGIN set: that origin, exactly as adapter-node (and SvelteKit) use it;
 * - otherwise, when the request carries PROTOCOL_HEADER (a proxy in front): the URL adapter-node derived;
 * - otherwise the connection is plain http (the adapter's https guess is wrong): `event.url` and
 *   `event.request` are corrected to `http:` first, so loads, actions, cookies and links all see the truth.
 * A form post (form content types; POST, PUT, PATCH, DELETE) whose Origin is not that origin is refused,
 * in every mode, with a page in the reader's language (JSON for API clients, an ActionResult for
 * SvelteKit's enhanced forms) and one warning line naming ORIGIN. The log holds the site's origin and the
 * origin the post came from (reduced to scheme, host and port), never a client address or a user agent.
 */
import { dev } from '$app/environment';
import type { Handle } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { baseLocale, extractLocaleFromUrl, localizeHref, type Locale } from '$lib/paraglide/runtime';
import { config, type Config } from '$lib/server/config';
import { log } from '$lib/server/log';

/** The settings that decide where adapter-node's request URL came from. */
export type OriginSettings = Pick<Config, 'origin' | 'protocolHeader' | 'hostHeader' | 'portHeader'>;

/**
 * The origin the browser used, when adapter-node's URL is a guess: without ORIGIN and without the
 * protocol header on this request the connection is plain http. Rebuilt from the same headers the adapter
 * read (HOST_HEADER or Host, PORT_HEADER), so an explicit port such as `:443` survives the change of scheme.
 * Null when the adapter's URL is right (ORIGIN set, or the proxy told the protocol).
 */
export function plainHttpOrigin(headers: Pick<Headers, 'get'>, settings: OriginSettings): string | null {
	if (settings.origin) return null;
	if (settings.protocolHeader && headers.get(settings.protocolHeader)) return null;
	const host = (settings.hostHeader && headers.get(settings.hostHeader)) || headers.get('host');
	if (!host) return null;
	const port = settings.portHeader ? headers.get(settings.portHeader) : null;
	try {
		return new URL(`http://${host}${port ? `:${port}` : ''}`).origin;
	} catch {
		return null; // adapter-node accepted this host for https; nothing better to offer for http
	}
}

/**
 * The origin of a request as the app sees it once {@link originHandle} ran, for code that answers without
 * SvelteKit (the lean submission handler, src/lib/server/http/submission.ts): ORIGIN when set; else, when the
 * request carries PROTOCOL_HEADER, adapter-node's origin (that protocol, HOST_HEADER or Host, PORT_HEADER);
 * else plain http to the Host. Null when none can be made (no host, a bad protocol or port), where
 * adapter-node refuses the request.
 */
export function siteOrigin(headers: Pick<Headers, 'get'>, settings: OriginSettings): string | null {
	if (settings.origin) return originOf(settings.origin);
	const protocol = settings.protocolHeader ? headers.get(settings.protocolHeader) : null;
	if (!protocol) return plainHttpOrigin(headers, settings);
	const host = (settings.hostHeader && headers.get(settings.hostHeader)) || headers.get('host');
	const port = settings.portHeader ? headers.get(settings.portHeader) : null;
	if (!host || protocol.includes(':') || (port && isNaN(+port))) return null;
	try {
		return new URL(`${decodeURIComponent(protocol)}://${host}${port ? `:${port}` : ''}`).origin;
	} catch {
		return null;
	}
}

let lastOrigin: [string, string] | null = null;
/** ORIGIN reduced to an origin, remembered (it is the same string on every request). */
function originOf(origin: string): string {
	if (lastOrigin?.[0] !== origin) lastOrigin = [origin, new URL(origin).origin];
	return lastOrigin[1];
}

/** Moves `url` to `origin` in place (scheme, host and port), keeping path, query and hash. */
function moveTo(url: URL, origin: string): void {
	const o = new URL(origin);
	url.protocol = o.protocol;
	url.hostname = o.hostname;
	url.port = o.port; // '' (the scheme's default) must be set too: the host setter keeps an old port
}

/** What the origin check reads of a request (a Web `Request` is one). */
export interface RequestHead {
	method: string;
	headers: Pick<Headers, 'get'>;
}

/** Content types a browser form can send without a preflight, and SvelteKit's binary form format. */
const FORM_TYPES = new Set([
	'application/x-www-form-urlencoded',
	'multipart/form-data',
	'text/plain',
	'application/x-sveltekit-formdata'
]);
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * SvelteKit's CSRF rule (kit/src/runtime/server/respond.js, no trusted origins): a form post whose
 * Origin header is missing or differs from `siteOrigin` is cross-site.
 */
export function isCrossSiteFormPost(request: RequestHead, siteOrigin: string): boolean {
	if (!WRITE_METHODS.has(request.method)) return false;
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
	if (!FORM_TYPES.has(type)) return false;
	return request.headers.get('origin') !== siteOrigin;
}

/** What the log says about the Origin header: an origin, or why there is none (never free text). */
function describeOrigin(raw: string | null): string {
	if (raw === null) return 'none';
	if (raw === 'null') return 'null';
	try {
		const origin = new URL(raw).origin;
		return origin === 'null' || origin.length > 200 ? 'invalid' : origin;
	} catch {
		return 'invalid';
	}
}

/** The answer to a refused form post: JSON for API clients, an ActionResult for enhanced forms, else a page. */
export function refusal(event: { request: RequestHead; url: URL }): Response {
	const locale: Locale = extractLocaleFromUrl(event.url) ?? baseLocale;
	const headers = { 'cache-control': 'no-store' };
	const text = (l: Locale) =>
		`${m.origin_refused_body({}, { locale: l })} ${m.origin_refused_admin({}, { locale: l })}`;
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		// What `use:enhance` expects: the page then shows this message (SvelteKit's error page) instead of nothing.
		return Response.json({ type: 'error', error: { message: text(locale) } }, { status: 403, headers });
	}
	const accept = event.request.headers.get('accept') ?? '';
	if (
		event.url.pathname.startsWith('/api/') ||
		(accept.includes('application/json') && !accept.includes('text/html'))
	) {
		const message = { zh: text('zh-CN'), en: text('en') };
		return Response.json({ error: { code: 'bad_origin', message } }, { status: 403, headers });
	}
	const title = m.origin_refused_title({}, { locale });
	const page = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · ${m.app_name({}, { locale })}</title></head>
<body><main>
<h1>${title}</h1>
<p>${m.origin_refused_body({}, { locale })}</p>
<p>${m.origin_refused_admin({}, { locale })}</p>
<p><a href="${localizeHref('/', { locale })}">${m.origin_refused_home({}, { locale })}</a></p>
</main></body>
</html>
`;
	return new Response(page, { status: 403, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * A cross-site form post logged (one warning line naming ORIGIN) and answered with {@link refusal}; null for
 * any other request.
 */
export function crossSiteRefusal(event: { request: RequestHead; url: URL }, settings: OriginSettings): Response | null {
	if (!isCrossSiteFormPost(event.request, event.url.origin)) return null;
	log('warn', 'form_post_refused', {
		reason: 'origin_mismatch',
		expected: event.url.origin,
		received: describeOrigin(event.request.headers.get('origin')),
		hint: settings.origin
			? 'ORIGIN must be the address people open in their browser (scheme, host and port)'
			: 'set ORIGIN to the address people open in their browser (or PROTOCOL_HEADER and HOST_HEADER behind a proxy)'
	});
	return refusal(event);
}

/**
 * The handle: corrects a guessed `https:` to the plain http the connection really is (when `correct`),
 * then refuses cross-site form posts before any action, load or endpoint runs.
 */
export function originHandle(settingsOf: () => OriginSettings, correct: boolean): Handle {
	return ({ event, resolve }) => {
		const settings = settingsOf();
		const actual = correct ? plainHttpOrigin(event.request.headers, settings) : null;
		if (actual && actual !== event.url.origin) {
			moveTo(event.url, actual);
			const url = new URL(event.request.url);
			moveTo(url, actual);
			// Same method, headers and body stream (not copied): only the URL changes.
			event.request = new Request(url, event.request);
		}
		return crossSiteRefusal(event, settings) ?? resolve(event);
	};
}

/** The app's handle. Under `vite dev` the URL comes from the real connection: nothing to correct. */
export const requestOrigin: Handle = originHandle(config, !dev);
