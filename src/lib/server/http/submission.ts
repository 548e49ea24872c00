/**
 * The lean submission handler (issue 20): `POST /api/v1/pow` and `POST /api/v1/reports` answered straight
 * from Node's request and response, ahead of SvelteKit. The server entry (scripts/server-entry.js, copied to
 * build/index.js) sends these two to {@link SubmissionHandler.handle} and everything else to SvelteKit's
 * handler. Same code as the SvelteKit routes (src/routes/api/v1/{pow,reports}/+server.ts): the body read and
 * checked by ./body.ts, the domain called by ./reporter.ts `powApi` / `reportsApi`, the answer built by
 * ./answer.ts. What the hooks give those routes is given here too, from the same modules: the security
 * headers (../security.ts), the cross-site form-post refusal (../origin.ts), 503/507 + Retry-After when the
 * database is down (./unavailable.ts). What it skips: the Web `Request` and `Response`, SvelteKit's router
 * and hooks, the adapter's body stream. No address is logged or stored: it goes into the rate-limit key only
 * (../ratelimit.ts `nodeAddressKey`).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { config } from '$lib/server/config';
import { databaseFailure, db } from '$lib/server/db';
import { log } from '$lib/server/log';
import { crossSiteRefusal, siteOrigin, type OriginSettings } from '$lib/server/origin';
import { nodeAddressKey, type AddressOptions } from '$lib/server/ratelimit';
import { apiSecurityHeaders } from '$lib/server/security';
import { refusalAnswer, type Answer } from './answer';
import type { RequestLike } from './body';
import { powApi, reportsApi, type Ctx } from './reporter';
import { refuse } from './result';
import { unavailableHead, unavailableJson } from './unavailable';

/** The paths answered here (POST only), and the function of ./reporter.ts behind each. */
const ROUTES: ReadonlyMap<string, typeof powApi> = new Map([
	['/api/v1/pow', powApi],
	['/api/v1/reports', reportsApi]
]);

export interface SubmissionDeps {
	/** The context of a request with this rate-limit key (default: the process's database and settings). */
	context?: (address: string) => Ctx;
	/** Where the origin comes from (default: the configuration). */
	origin?: () => OriginSettings;
}

export interface SubmissionHandler {
	/** Whether this request is one of the two answered here (POST to an exact path; a query is allowed). */
	handles(req: IncomingMessage): boolean;
	/** Answers it. Never rejects: every failure is an answer. */
	handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The path of a request target, without its query. */
function pathOf(url: string | undefined): string {
	if (!url) return '';
	const q = url.indexOf('?');
	return q === -1 ? url : url.slice(0, q);
}

/** Node's headers behind `Headers.get` (the one thing the body readers and checks use). */
function headersOf(h: IncomingHttpHeaders): Pick<Headers, 'get'> {
	return {
		get(name: string) {
			const value = h[name.toLowerCase()];
			if (value === undefined) return null;
			return Array.isArray(value) ? value.join(', ') : value;
		}
	};
}

/**
 * How much of a body left unread (answered before it was read, or refused as too large) is read and dropped
 * after the answer, so that a proxy still sending it gets the answer instead of a reset; beyond this the
 * connection is closed. SvelteKit's route drops any amount (Node's own behaviour); this bounds it.
 */
export const DRAIN_CAP = 8 * 1024 * 1024;

/** Drops the rest of an unread body (at most {@link DRAIN_CAP} bytes, then the connection is closed). */
function drain(req: IncomingMessage): void {
	if (req.readableEnded || req.destroyed) return;
	let dropped = 0;
	req.on('data', (chunk: Buffer) => {
		dropped += chunk.length;
		if (dropped > DRAIN_CAP) req.socket.destroy();
	});
	req.resume();
}

/** Writes a JSON answer with the security headers, then drops what is left of the request's body. */
function write(
	req: IncomingMessage,
	res: ServerResponse,
	status: number,
	body: string,
	headers: Record<string, string>
) {
	if (res.headersSent) {
		res.end();
		return;
	}
	const out: Record<string, string | number> = { ...headers, 'content-length': Buffer.byteLength(body) };
	if (status !== 204) out['content-type'] = JSON_TYPE;
	res.writeHead(status, out);
	res.end(body);
	drain(req);
}

/** A Web `Response` (the rare refusal built by shared code) written to Node's response. */
async function writeResponse(req: IncomingMessage, res: ServerResponse, r: Response, headers: Record<string, string>) {
	const merged: Record<string, string> = { ...headers };
	r.headers.forEach((value, name) => (merged[name] = value));
	write(req, res, r.status, await r.text(), merged);
}

/** The lean handler, with the client's address found as `address` says. */
export function submissionHandler(address: AddressOptions, deps: SubmissionDeps = {}): SubmissionHandler {
	const contextOf = deps.context ?? ((key: string): Ctx => ({ db: db(), settings: config(), address: key }));
	const originSettings = deps.origin ?? config;

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = pathOf(req.url);
		const api = ROUTES.get(path)!;
		const headers = headersOf(req.headers);
		const settings = originSettings();
		const origin = siteOrigin(headers, settings);
		const secure = apiSecurityHeaders(origin?.startsWith('https:') ?? false);
		if (origin === null) {
			// adapter-node refuses a request whose origin it cannot make (no host, a bad protocol or port header).
			const a = refusalAnswer(refuse('invalid_field', { field: 'host' }));
			write(req, res, a.status, JSON.stringify(a.body), secure);
			return;
		}
		const refused = crossSiteRefusal({ request: { method: 'POST', headers }, url: new URL(path, origin) }, settings);
		if (refused) {
			await writeResponse(req, res, refused, secure);
			return;
		}
		// Read straight from the Node request; stopping early (a body over its cap) leaves the socket open for
		// the answer, and `write` then drops the unread rest.
		const request: RequestLike = { headers, body: req.iterator({ destroyOnReturn: false }) };
		let answer: Answer;
		try {
			answer = await api(contextOf(nodeAddressKey(req, address)), { request, nodeRequest: null });
		} catch (e) {
			const down = databaseFailure(e);
			if (down) {
				log('warn', 'database_unavailable', { kind: down, route: path });
				const { status, headers: h } = unavailableHead(down);
				write(req, res, status, unavailableJson(down), { ...secure, ...h });
				return;
			}
			log('error', 'unhandled_error', {
				route: path,
				error: e instanceof Error ? e.name + ': ' + e.message : 'unknown'
			});
			// What SvelteKit answers an endpoint's unexpected error with (hooks.server.ts handleError).
			write(req, res, 500, JSON.stringify({ message: 'Internal error' }), secure);
			return;
		}
		const body = answer.status === 204 ? '' : JSON.stringify(answer.body);
		write(req, res, answer.status, body, { ...secure, ...answer.headers });
	}

	return {
		handles: (req) => req.method === 'POST' && ROUTES.has(pathOf(req.url)),
		handle: (req, res) =>
			handle(req, res).catch((e: unknown) => {
				log('error', 'unhandled_error', { route: pathOf(req.url), error: e instanceof Error ? e.name : 'unknown' });
				if (!res.headersSent) write(req, res, 500, JSON.stringify({ message: 'Internal error' }), {});
				else res.destroy();
			})
	};
}

/** Where the SvelteKit side leaves the factory for the server entry (set by hooks.server.ts `init`). */
export const SUBMISSION_HANDLER = Symbol.for('qingfeng.submissionHandler');

/** Makes {@link submissionHandler} reachable from the server entry, which shares this bundle's modules. */
export function registerSubmissionHandler(): void {
	(globalThis as Record<symbol, unknown>)[SUBMISSION_HANDLER] = submissionHandler;
}
