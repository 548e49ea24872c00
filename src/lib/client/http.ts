/**
 * The one fetch core of the browser code. The reporter's API client (report/http.ts), the back office's
 * (staff/api.ts) and the staff sign-in (auth-key.ts) build their requests and read error answers here;
 * each keeps only its policy: which credentials it sends (reporter pages never send a cookie), caching,
 * retries (the reporter's uploads) and the error type its pages switch on.
 */
import type { ErrorBody } from '../shared/errors';

/** The fetch function used (window.fetch by default; tests and Node clients inject their own). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpRequest {
	/** Default: POST when there is a body, else GET. */
	method?: string;
	/** JSON body (serialized here, with its content type). */
	json?: unknown;
	/** Raw body (uploads), sent as application/octet-stream. */
	body?: BodyInit;
	/** Bearer token. */
	token?: string;
	/** 'omit' on the reporter's pages (no cookie, ever); 'same-origin' for the back office. */
	credentials: RequestCredentials;
	/** The Accept header, if the caller wants one. */
	accept?: string;
	cache?: RequestCache;
	referrerPolicy?: ReferrerPolicy;
	signal?: AbortSignal;
	fetch?: FetchLike;
}

/**
 * Sends one request as described. A network failure or an abort rejects exactly as `fetch` does (and a
 * missing fetch with a TypeError): each caller turns that into its own error type.
 */
export async function sendRequest(path: string, r: HttpRequest): Promise<Response> {
	const headers: Record<string, string> = {};
	if (r.accept) headers['accept'] = r.accept;
	let body = r.body;
	if (r.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(r.json);
	} else if (body !== undefined) {
		headers['content-type'] = 'application/octet-stream';
	}
	if (r.token) headers['authorization'] = `Bearer ${r.token}`;
	const init: RequestInit = {
		method: r.method ?? (body !== undefined ? 'POST' : 'GET'),
		headers,
		credentials: r.credentials
	};
	if (body !== undefined) init.body = body;
	if (r.signal) init.signal = r.signal;
	if (r.cache) init.cache = r.cache;
	if (r.referrerPolicy) init.referrerPolicy = r.referrerPolicy;
	const f = r.fetch ?? (typeof fetch === 'function' ? fetch : null);
	if (!f) throw new TypeError('no fetch available');
	return f(path, init);
}

/** What an error answer said: its status, and the fields of the shared error body that are well-formed. */
export interface ErrorAnswer {
	status: number;
	/** `error.code` (src/lib/shared/errors.ts); absent when the body is not the documented shape. */
	code?: string;
	field?: string;
	/** The halves of `error.message` that are strings (present when `message` is an object). */
	message?: { zh?: string; en?: string };
	/** Seconds to wait, from Retry-After (seconds or an HTTP date). */
	retryAfter?: number;
}

function retryAfterOf(res: Response): number | undefined {
	const v = res.headers.get('retry-after');
	if (!v) return undefined;
	const n = Number(v);
	if (Number.isFinite(n) && n >= 0) return n;
	const t = Date.parse(v);
	return Number.isFinite(t) ? Math.max(0, Math.round((t - Date.now()) / 1000)) : undefined;
}

/** Reads a non-2xx answer once: the shared error body if it is one, the status and Retry-After always. */
export async function readErrorAnswer(res: Response): Promise<ErrorAnswer> {
	const out: ErrorAnswer = { status: res.status, retryAfter: retryAfterOf(res) };
	try {
		const body = (await res.json()) as Partial<Record<keyof ErrorBody, unknown>> | null;
		const err = body?.error;
		if (typeof err === 'object' && err !== null) {
			const e = err as Record<string, unknown>;
			if (typeof e.code === 'string') out.code = e.code;
			if (typeof e.field === 'string') out.field = e.field;
			if (typeof e.message === 'object' && e.message !== null) {
				const m = e.message as Record<string, unknown>;
				out.message = {
					zh: typeof m.zh === 'string' ? m.zh : undefined,
					en: typeof m.en === 'string' ? m.en : undefined
				};
			}
		}
	} catch {
		// not JSON: the status is all there is
	}
	return out;
}
