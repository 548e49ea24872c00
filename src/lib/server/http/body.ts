/**
 * Reading and checking request bodies: streams read with a cap (an oversize or endless body never fills
 * memory), JSON parsed strictly, values checked against the valibot schemas of src/lib/shared/wire. Every
 * failure is a refusal with a 4xx code (415, 413, 400) and, where it helps, the field at fault; nothing
 * throws. `handleJson`, `readBody` and `check` give the older `{ ok: false, result: Answer }` shape to
 * the modules that still return answers (./result.ts).
 */
import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import { JSON_BODY_CAP } from '$lib/shared/limits';
import { refusalAnswer, type Answer } from './answer';
import { ok, refuse, type Refusal, type Result } from './result';

/**
 * What the body readers need of a request: its headers and its body. A Web `Request` is one; the lean
 * submission handler (./submission.ts) passes the Node request's headers and the request itself as the body
 * (an async iterable of chunks), so no Web `Request` is built for the hottest path.
 */
export interface RequestLike {
	headers: Pick<Headers, 'get'>;
	body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

/** Where a body can be read from: the Web request, and under adapter-node the raw Node request. */
export interface BodySource {
	request: RequestLike;
	/** adapter-node's `platform.req`, when present (see {@link readBytes}). */
	nodeRequest?: IncomingMessage | null;
}

/** The older shape of a parse: the value, or the answer to give. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; result: Answer };

/** Codes a body can be refused with. */
export type BodyError = 'unsupported_media_type' | 'body_too_large' | 'invalid_field' | 'invalid_json';

function sourceOf(s: Request | BodySource): BodySource {
	return s instanceof Request ? { request: s } : s;
}

async function readStream(
	stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | Buffer>,
	cap: number
): Promise<Uint8Array | 'too_large'> {
	const chunks: Uint8Array[] = [];
	let size = 0;
	if ('getReader' in stream) {
		const reader = stream.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.length;
			if (size > cap) {
				await reader.cancel().catch(() => {});
				return 'too_large';
			}
			chunks.push(value);
		}
	} else {
		for await (const chunk of stream) {
			size += chunk.length;
			if (size > cap) return 'too_large';
			chunks.push(chunk instanceof Uint8Array ? chunk : new Uint8Array(chunk));
		}
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}

function isTooLarge(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { status?: unknown }).status === 413;
}

/**
 * Reads a request body of at most `cap` bytes. A declared Content-Length above the cap is refused before
 * anything is read. adapter-node refuses bodies above its BODY_SIZE_LIMIT (default 512K) by erroring the
 * Web stream before it has touched the Node request; in that one case the body is read from the Node
 * request itself, with our own cap, so 1 MiB parts and large reports work under the default limit.
 */
export async function readBytes(
	source: Request | BodySource,
	cap: number
): Promise<Result<Uint8Array, 'body_too_large' | 'invalid_field'>> {
	const { request, nodeRequest } = sourceOf(source);
	const tooLarge = refuse('body_too_large');
	const declared = request.headers.get('content-length');
	if (declared !== null) {
		if (!/^\d{1,15}$/.test(declared.trim())) return refuse('invalid_field', { field: 'content-length' });
		if (Number(declared) > cap) return tooLarge;
	}
	if (request.body === null) return ok(new Uint8Array(0));
	try {
		const r = await readStream(request.body, cap);
		return r === 'too_large' ? tooLarge : ok(r);
	} catch (e) {
		if (!isTooLarge(e)) return refuse('invalid_field', { field: 'body' });
		// The adapter's own limit: its stream failed at once, the Node request is unread.
		if (nodeRequest && declared !== null && nodeRequest.listenerCount('data') === 0 && !nodeRequest.readableEnded) {
			try {
				const r = await readStream(nodeRequest, cap);
				if (r === 'too_large') return tooLarge;
				if (r.length !== Number(declared)) return refuse('invalid_field', { field: 'content-length' });
				return ok(r);
			} catch {
				return refuse('invalid_field', { field: 'body' });
			}
		}
		return tooLarge;
	}
}

/** The path of the first issue of a failed valibot parse, like `routing.unit` or `wraps[2].sealed`. */
function issuePath(issues: readonly v.BaseIssue<unknown>[]): string | undefined {
	const first = issues[0];
	if (!first?.path) return undefined;
	let out = '';
	for (const item of first.path) {
		const key = (item as { key?: unknown }).key;
		if (typeof key === 'number') out += `[${key}]`;
		else if (typeof key === 'string') out += out === '' ? key : `.${key}`;
	}
	return out === '' ? undefined : out;
}

/** Checks a value against a schema: `invalid_field` naming the first bad field. */
export function validate<T>(schema: v.GenericSchema<unknown, T>, value: unknown): Result<T, 'invalid_field'> {
	const parsed = v.safeParse(schema, value);
	if (parsed.success) return ok(parsed.output);
	return refuse('invalid_field', { field: issuePath(parsed.issues) ?? 'body' });
}

/**
 * Reads a JSON body: content type `application/json`, at most `cap` bytes, valid UTF-8 JSON, matching
 * `schema`.
 */
export async function parseJson<T>(
	source: Request | BodySource,
	schema: v.GenericSchema<unknown, T>,
	cap = JSON_BODY_CAP
): Promise<Result<T, BodyError>> {
	const { request } = sourceOf(source);
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/json') return refuse('unsupported_media_type', { field: 'content-type' });
	const body = await readBytes(source, cap);
	if (!body.ok) return body;
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.value));
	} catch {
		return refuse('invalid_json');
	}
	return validate(schema, value);
}

const parsed = <T>(r: Result<T>): Parsed<T> =>
	r.ok ? { ok: true, value: r.value } : { ok: false, result: refusalAnswer(r as Refusal) };

/** `readBytes` in the older shape. */
export async function readBody(
	source: Request | BodySource,
	cap: number
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; result: Answer }> {
	const r = await readBytes(source, cap);
	return r.ok ? { ok: true, bytes: r.value } : { ok: false, result: refusalAnswer(r) };
}

/** `validate` in the older shape. */
export function check<T>(schema: v.GenericSchema<unknown, T>, value: unknown): Parsed<T> {
	return parsed(validate(schema, value));
}

/** `parseJson` in the older shape. */
export async function handleJson<T>(
	source: Request | BodySource,
	schema: v.GenericSchema<unknown, T>,
	cap = JSON_BODY_CAP
): Promise<Parsed<T>> {
	return parsed(await parseJson(source, schema, cap));
}

/** The bearer token of a request, or null. */
export function bearer(request: Pick<RequestLike, 'headers'>): string | null {
	const h = request.headers.get('authorization');
	if (h === null) return null;
	const m = /^Bearer ([A-Za-z0-9_.-]{1,512})$/.exec(h.trim());
	return m ? m[1]! : null;
}
