/**
 * How the domain answers, and how that becomes HTTP: the convention of src/lib/server.
 *
 * A domain function (routing, intake, a case action, …) never builds an HTTP answer. It returns a typed
 * `Result<T, C>`: `{ ok: true, value }` with what it produced, or a `Refusal<C>` naming one of the error
 * codes of src/lib/shared/errors.ts (the union `C` lists exactly the codes the function can refuse with,
 * so callers and tests see them in the type). A refusal may add the `field` at fault, a `status` when the
 * code's default does not fit (./messages.ts DEFAULT_STATUS), `extra` fields of the error body (`max`,
 * `missing`, …), `headers` (Retry-After) or its own `message`.
 *
 *   export async function findUnits(db, params): Promise<Result<UnitHit[], 'invalid_parameter'>> {
 *     if (bad) return refuse('invalid_parameter', { field: 'q' });
 *     return ok(await searchUnits(db, q));
 *   }
 *
 * The edge turns it into an answer with one call, by endpoint kind (./respond.ts):
 *   - `toResponse(result, 'public' | 'reporter' | 'staff')` in a `+server.ts`: JSON (200, or the `status`
 *     of `ok(value, { status: 201 })`), 204 for `ok(null, { status: 204 })`, a stream for a `Download`
 *     value, and for a refusal its status and `{ error: { code, field?, message: { zh, en } } }`;
 *   - `actionFailure(refusal, locale)` in a form action: SvelteKit's `fail(status, { code, field, message })`;
 *   - `answerOf(result)`: the same answer as a plain `{ status, body, headers? }` value, for tests and for
 *     adapters that keep an older surface (org/api.ts `unitsApi`).
 * Messages come from the one table in ./messages.ts. Request bodies are read and checked by ./body.ts
 * with the schemas of src/lib/shared/wire (./bodies.ts binds them to the server's fast base64).
 *
 * Modules that still return `Answer` values (backoffice/case.ts,
 * inbox.ts, notices.ts, holidays.ts, audit.ts) use the builders of ./answer.ts until they switch.
 */
import type { Bilingual } from '$lib/shared/bilingual';
import type { ErrorCode } from '$lib/shared/errors';
import type { ErrorStatus } from './messages';

export interface Ok<T> {
	readonly ok: true;
	readonly value: T;
	/** 200 unless said otherwise (201 created, 204 no content). */
	readonly status?: 200 | 201 | 204;
	readonly headers?: Readonly<Record<string, string>>;
}

export interface Refusal<C extends ErrorCode = ErrorCode> {
	readonly ok: false;
	readonly code: C;
	/** The parameter or body field at fault. */
	readonly field?: string;
	/** When the code's default status (./messages.ts) does not fit. */
	readonly status?: ErrorStatus;
	/** More fields of the error body (`max`, `expected`, `missing`, `organ`). */
	readonly extra?: Readonly<Record<string, unknown>>;
	/** A message of its own, instead of the table's (e.g. routing's explanation). */
	readonly message?: Bilingual;
	readonly headers?: Readonly<Record<string, string>>;
	/** Seconds the caller should wait (rate limits): the edge sends them as Retry-After (at least 1). */
	readonly retryAfter?: number;
}

/** What a domain operation returns: its value, or a refusal with one of the codes `C`. */
export type Result<T, C extends ErrorCode = ErrorCode> = Ok<T> | Refusal<C>;

/** A value. */
export function ok<T>(value: T, options: { status?: 200 | 201 | 204; headers?: Record<string, string> } = {}): Ok<T> {
	return { ok: true, value, ...options };
}

/** A refusal with code `code`. */
export function refuse<C extends ErrorCode>(code: C, options: Omit<Refusal<C>, 'ok' | 'code'> = {}): Refusal<C> {
	return { ok: false, code, ...options };
}

/** A refusal of any other operation, passed on unchanged (its code must be among the caller's). */
export function isRefusal<T, C extends ErrorCode>(r: Result<T, C>): r is Refusal<C> {
	return !r.ok;
}

/**
 * A file as an answer: streamed part by part (stored attachments) or a whole body (a CSV). `bytes`
 * becomes Content-Length; `filename` makes it an attachment with that name.
 */
export class Download {
	constructor(
		readonly body: AsyncIterable<Uint8Array> | string,
		readonly options: { bytes?: number; type?: string; filename?: string } = {}
	) {}
}
