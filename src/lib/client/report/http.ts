/**
 * The reporter's side of the fetch core (../http.ts): JSON requests against the public API with the
 * documented error shape turned into `ReportError`, and a retry with exponential backoff for uploads.
 * Nothing is logged, nothing is stored; no cookies are sent (`credentials: 'omit'`), no referrer, no cache.
 */
import { ReportError, throwIfAborted, type ReportErrorCode } from './errors';
import { readErrorAnswer, sendRequest, type FetchLike } from '../http';
import type { ErrorCode } from '../../shared/errors';

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

/** Turns a non-2xx answer into a ReportError (reads the documented error body if present). */
export async function errorFromResponse(res: Response): Promise<ReportError> {
	const a = await readErrorAnswer(res);
	const serverCode = a.code;
	const details = {
		status: a.status,
		serverCode,
		field: a.field,
		serverMessage: a.message,
		retryAfter: a.retryAfter
	};
	let code: ReportErrorCode;
	const mapped = serverCode === undefined ? undefined : SERVER_CODES[serverCode];
	if (mapped) code = mapped;
	else if (a.status === 429 || a.status === 503) code = 'rate_limited';
	else if (a.status === 401) code = 'session_expired';
	else if (a.status >= 400 && a.status < 500) code = 'invalid_input';
	else code = 'server';
	return new ReportError(code, `${a.status} ${serverCode ?? ''}`.trim(), details);
}

/** Sends one request; network failures become `network`, aborts `cancelled`. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
	throwIfAborted(options.signal);
	try {
		return await sendRequest(path, {
			...options,
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
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
function isTransient(e: unknown): boolean {
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
