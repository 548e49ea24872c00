/**
 * An HTTP answer as a plain value, `{ status, body, headers? }`: what the tests of the domain modules
 * assert on, what ./respond.ts `respond` writes, and what the modules that do not return a `Result` yet
 * (./result.ts) still build with `fail`, `notFound`, `forbidden` and `rateLimited` below. New code returns
 * a `Result` and lets the edge call `toResponse`.
 */
import type { Bilingual } from '$lib/shared/bilingual';
import type { ErrorBody, ErrorCode } from '$lib/shared/errors';
import { DEFAULT_STATUS, MESSAGES } from './messages';
import type { Refusal, Result } from './result';

export interface Answer {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/** The old name of `Answer` (org/api.ts, reports/http.ts); to be removed with the last user. */
export type ApiResult = Answer;

/** The message of a refusal: its own (a parameter's, routing's explanation) or the table's. */
export function messageOf(r: Pick<Refusal, 'code' | 'message'>): Bilingual {
	return r.message ?? MESSAGES[r.code];
}

/** The error body `{ error: { code, field?, message, ...extra } }`. */
export function errorBody(
	code: ErrorCode,
	field?: string,
	extra: Readonly<Record<string, unknown>> = {},
	message: Bilingual = MESSAGES[code]
): ErrorBody {
	return { error: { code, ...(field === undefined ? {} : { field }), message, ...extra } };
}

/** A 4xx answer; `extra` fields go into `error` (e.g. `missing` for incomplete uploads). */
export function fail(
	status: number,
	code: ErrorCode,
	field?: string,
	extra: Record<string, unknown> = {},
	message: Bilingual = MESSAGES[code]
): Answer {
	return { status, body: errorBody(code, field, extra, message) };
}

export const notFound = (): Answer => fail(404, 'not_found');
export const forbidden = (): Answer => fail(403, 'forbidden');

/** 429 with Retry-After (whole seconds, at least 1). */
export function rateLimited(seconds: number): Answer & { headers: Record<string, string> } {
	return { ...fail(429, 'rate_limited'), headers: { 'retry-after': String(Math.max(1, Math.ceil(seconds))) } };
}

/** The status a refusal answers with. */
export function statusOf(r: Pick<Refusal, 'code' | 'status'>): number {
	return r.status ?? DEFAULT_STATUS[r.code];
}

/** The answer of a refusal. */
export function refusalAnswer(r: Refusal): Answer {
	const a: Answer = {
		status: statusOf(r),
		body: errorBody(r.code, r.field, r.extra, messageOf(r))
	};
	if (r.headers) a.headers = { ...r.headers };
	if (r.retryAfter !== undefined)
		a.headers = { ...a.headers, 'retry-after': String(Math.max(1, Math.ceil(r.retryAfter))) };
	return a;
}

/** The answer of a result: its value as the body (null for 204), or the refusal's error. */
export function answerOf<T>(r: Result<T>): Answer {
	if (!r.ok) return refusalAnswer(r);
	const status = r.status ?? 200;
	const a: Answer = { status, body: status === 204 ? null : r.value };
	if (r.headers) a.headers = { ...r.headers };
	return a;
}
