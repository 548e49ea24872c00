/**
 * The few HTTP helpers the reporter's client needs: JSON requests against the public API with the
 * documented error shape turned into `ReportError`, and a retry with exponential backoff for uploads.
 * Nothing is logged, nothing is stored; no cookies are sent (`credentials: 'omit'`).
 */
import { ReportError, throwIfAborted, type ReportErrorCode } from './errors';
import type { ErrorCode } from '../../shared/errors';

/** The fetch function used (window.fetch by default; tests inject a fake server). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
	fetch?: FetchLike;
	signal?: AbortSignal;
}

export interface RequestOptions extends HttpOptions {
	method?: 'GET' | 'POST' | 'PUT';
	/** JSON body (serialized here). */
	json?: unknown;
	/** Raw body (uploads). */
	body?: BodyInit;
	/** Bearer token (follow-up). */
	token?: string;
}

/** Server error codes that map to a library code of their own; others become `invalid_input`/`server`. */
const SERVER_CODES: Readonly<Record<string, ReportErrorCode>> = {
	rate_limited: 'rate_limited',
	too_many_files: 'too_many_files',
	file_too_large: 'file_too_large',
	report_too_large: 'report_too_large',
	receipt_not_recognised: 'receipt_not_recognised',
	token_invalid: 'session_expired',
	no_receiving_organ: 'not_deliverable',
	no_root_key: 'no_recipients',
	unknown_intake: 'upload_expired',
	pow_invalid: 'pow_failed',
	pow_expired: 'pow_failed',
	pow_replayed: 'pow_failed',
	pow_required: 'pow_failed'
} satisfies Partial<Record<ErrorCode, ReportErrorCode>>;

function fetchOf(options: HttpOptions): FetchLike {
	if (options.fetch) return options.fetch;
	if (typeof fetch !== 'function') throw new ReportError('network', 'no fetch available');
	return (input, init) => fetch(input, init);
}

function retryAfterOf(res: Response): number | undefined {
	const v = res.headers.get('retry-after');
	if (!v) return undefined;
	const n = Number(v);
	if (Number.isFinite(n) && n >= 0) return n;
	const t = Date.parse(v);
	return Number.isFinite(t) ? Math.max(0, Math.round((t - Date.now()) / 1000)) : undefined;
}

/** Turns a non-2xx answer into a ReportError (reads the documented error body if present). */
export async function errorFromResponse(res: Response): Promise<ReportError> {
	let serverCode: string | undefined;
	let field: string | undefined;
	let serverMessage: { zh?: string; en?: string } | undefined;
	try {
		const body = (await res.json()) as unknown;
		const err = (body as { error?: unknown } | null)?.error;
		if (typeof err === 'object' && err !== null) {
			const e = err as Record<string, unknown>;
			if (typeof e.code === 'string') serverCode = e.code;
			if (typeof e.field === 'string') field = e.field;
			if (typeof e.message === 'object' && e.message !== null) {
				const m = e.message as Record<string, unknown>;
				serverMessage = {
					zh: typeof m.zh === 'string' ? m.zh : undefined,
					en: typeof m.en === 'string' ? m.en : undefined
				};
			}
		}
	} catch {
		// not JSON: keep the status only
	}
	const details = { status: res.status, serverCode, field, serverMessage, retryAfter: retryAfterOf(res) };
	let code: ReportErrorCode;
	const mapped = serverCode === undefined ? undefined : SERVER_CODES[serverCode];
	if (mapped) code = mapped;
	else if (res.status === 429 || res.status === 503) code = 'rate_limited';
	else if (res.status === 401) code = 'session_expired';
	else if (res.status >= 400 && res.status < 500) code = 'invalid_input';
	else code = 'server';
	return new ReportError(code, `${res.status} ${serverCode ?? ''}`.trim(), details);
}

/** Sends one request; network failures become `network`, aborts `cancelled`. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
	throwIfAborted(options.signal);
	const headers: Record<string, string> = {};
	let body: BodyInit | undefined = options.body;
	if (options.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(options.json);
	} else if (body !== undefined) {
		headers['content-type'] = 'application/octet-stream';
	}
	if (options.token) headers['authorization'] = `Bearer ${options.token}`;
	try {
		return await fetchOf(options)(path, {
			method: options.method ?? (body !== undefined ? 'POST' : 'GET'),
			headers,
			body,
			signal: options.signal,
			credentials: 'omit',
			cache: 'no-store',
			referrerPolicy: 'no-referrer'
		});
	} catch (e) {
		if (options.signal?.aborted) throw new ReportError('cancelled', 'cancelled by the caller', { cause: e });
		if (e instanceof ReportError) throw e;
		throw new ReportError('network', e instanceof Error ? e.message : 'request failed', { cause: e });
	}
}

/** Sends a request and parses a JSON answer; non-2xx answers throw `ReportError`. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
	const res = await send(path, options);
	if (!res.ok) throw await errorFromResponse(res);
	try {
		return (await res.json()) as T;
	} catch (e) {
		if (options.signal?.aborted) throw new ReportError('cancelled', 'cancelled by the caller', { cause: e });
		throw new ReportError('server', 'answer is not JSON', { status: res.status, cause: e });
	}
}

/** Waits `ms`, or rejects with `cancelled` when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new ReportError('cancelled', 'cancelled by the caller'));
		const onAbort = () => {
			clearTimeout(timer);
			reject(new ReportError('cancelled', 'cancelled by the caller'));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export interface RetryOptions {
	/** Tries in all (default 4). */
	tries?: number;
	/** First delay in ms, doubled each time (default 500). */
	baseDelayMs?: number;
	signal?: AbortSignal;
	/** Injectable wait (tests). */
	wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** True for failures worth retrying: network errors, 5xx, 429/503. */
export function isTransient(e: unknown): boolean {
	return e instanceof ReportError && (e.code === 'network' || e.code === 'server' || e.code === 'rate_limited');
}

/**
 * Runs `fn` up to `tries` times while it fails transiently, waiting base·2^k ms in between (or the
 * server's Retry-After if longer, capped at 60 s). Other errors are thrown at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
	const tries = options.tries ?? 4;
	const base = options.baseDelayMs ?? 500;
	const wait = options.wait ?? sleep;
	for (let attempt = 1; ; attempt++) {
		throwIfAborted(options.signal);
		try {
			return await fn();
		} catch (e) {
			if (attempt >= tries || !isTransient(e)) throw e;
			const after = e instanceof ReportError && e.retryAfter !== undefined ? Math.min(60, e.retryAfter) * 1000 : 0;
			await wait(Math.max(after, base * 2 ** (attempt - 1)), options.signal);
		}
	}
}
