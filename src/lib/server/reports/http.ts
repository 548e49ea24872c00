/**
 * Request parsing and error answers for the reporter's API (docs/reporting.md). Every client mistake is a
 * 4xx in the shape of the public API (docs/api.md): `{ error: { code, field?, message: { zh, en } } }`.
 * Bodies are read as streams with a cap, so an oversize or endless body never fills memory.
 */
import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import type { ApiResult } from '$lib/server/org/api';
import type { Explanation } from '$lib/server/org/routing';

export type { ApiResult };

/** Error codes of the reporter's API with their default messages. */
export const MESSAGES = {
	invalid_json: { zh: '请求内容不是有效的 JSON。', en: 'The request body is not valid JSON.' },
	unsupported_media_type: { zh: '请求的内容类型不对。', en: 'The request has the wrong content type.' },
	body_too_large: { zh: '请求内容太大。', en: 'The request body is too large.' },
	length_required: { zh: '请求缺少 Content-Length。', en: 'The request needs a Content-Length header.' },
	invalid_field: { zh: '请求中的某个字段缺失或格式不对。', en: 'A field of the request is missing or malformed.' },
	unsupported_version: {
		zh: '不支持这个版本的提交格式，请刷新页面后重试。',
		en: 'This submission format version is not supported. Reload the page and try again.'
	},
	pow_required: { zh: '缺少工作量证明。', en: 'A proof of work is required.' },
	pow_invalid: { zh: '工作量证明无效，请重新获取。', en: 'The proof of work is not valid. Fetch a new challenge.' },
	pow_expired: { zh: '工作量证明已过期，请重新获取。', en: 'The proof of work has expired. Fetch a new challenge.' },
	pow_replayed: {
		zh: '这个工作量证明已经用过了，请重新获取。',
		en: 'This proof of work was already used. Fetch a new challenge.'
	},
	too_many_files: { zh: '附件太多。', en: 'Too many files.' },
	file_too_large: { zh: '有附件太大。', en: 'A file is too large.' },
	report_too_large: { zh: '附件总量太大。', en: 'The files are too large in total.' },
	rate_limited: { zh: '请求太频繁，请稍后再试。', en: 'Too many requests. Try again later.' },
	unknown_intake: {
		zh: '上传已过期或不存在，请重新提交。',
		en: 'This upload has expired or does not exist. Submit again.'
	},
	bad_part: { zh: '上传的分段编号或长度不对。', en: 'The uploaded part has a wrong number or length.' },
	incomplete_upload: { zh: '还有附件分段没有上传完。', en: 'Some parts of the files have not been uploaded yet.' },
	unknown_unit: { zh: '目录中找不到这个单位。', en: 'This unit is not in the directory.' },
	no_receiving_organ: {
		zh: '目录中还没有负责这个单位的纪检监察机关。',
		en: 'No discipline organ in the directory covers this unit yet.'
	},
	routing_changed: {
		zh: '接收机关已经变化，请重新查看接收机关后再提交。',
		en: 'The receiving organ has changed. Check where the report goes and submit again.'
	},
	no_recipients: {
		zh: '目前没有工作人员能接收这份举报，请稍后再试。',
		en: 'No staff member can receive this report at the moment. Try again later.'
	},
	recipients_changed: {
		zh: '接收人员的密钥已经变化，请重新加密后提交。',
		en: 'The recipients’ keys have changed. Encrypt again and resubmit.'
	},
	bad_content: { zh: '举报内容的密文格式不对。', en: 'The report content ciphertext is malformed.' },
	weak_kdf: { zh: '查询密码的密钥派生参数太弱。', en: 'The receipt key-derivation parameters are too weak.' },
	locator_taken: { zh: '查询码已被占用，请重新生成回执。', en: 'This locator is taken. Make a new receipt.' },
	receipt_not_recognised: { zh: '查询码或查询密码不对。', en: 'The locator or the receipt secret is not right.' },
	token_invalid: {
		zh: '查询已过期，请重新输入查询码和查询密码。',
		en: 'Your session has expired. Enter the locator and secret again.'
	},
	not_found: { zh: '没有找到。', en: 'Not found.' }
} satisfies Record<string, Explanation>;

export type ErrorCode = keyof typeof MESSAGES;

/** A 4xx answer; `extra` fields go into `error` (e.g. `missing` for incomplete uploads). */
export function fail(
	status: number,
	code: ErrorCode,
	field?: string,
	extra: Record<string, unknown> = {},
	message: Explanation = MESSAGES[code]
): ApiResult & { headers?: Record<string, string> } {
	const error: Record<string, unknown> = { code, ...(field === undefined ? {} : { field }), message, ...extra };
	return { status, body: { error } };
}

/** 429 with Retry-After. */
export function rateLimited(seconds: number): ApiResult & { headers: Record<string, string> } {
	return { ...fail(429, 'rate_limited'), headers: { 'retry-after': String(Math.max(1, Math.ceil(seconds))) } };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; result: ApiResult };

/** Where a body can be read from: the Web request, and under adapter-node the raw Node request. */
export interface BodySource {
	request: Request;
	/** adapter-node's `platform.req`, when present (see {@link readBody}). */
	nodeRequest?: IncomingMessage | null;
}

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
export async function readBody(
	source: Request | BodySource,
	cap: number
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; result: ApiResult }> {
	const { request, nodeRequest } = sourceOf(source);
	const tooLarge = { ok: false as const, result: fail(413, 'body_too_large') };
	const declared = request.headers.get('content-length');
	if (declared !== null) {
		if (!/^\d{1,15}$/.test(declared.trim())) return { ok: false, result: fail(400, 'invalid_field', 'content-length') };
		if (Number(declared) > cap) return tooLarge;
	}
	if (request.body === null) return { ok: true, bytes: new Uint8Array(0) };
	try {
		const r = await readStream(request.body, cap);
		return r === 'too_large' ? tooLarge : { ok: true, bytes: r };
	} catch (e) {
		if (!isTooLarge(e)) return { ok: false, result: fail(400, 'invalid_field', 'body') };
		// The adapter's own limit: its stream failed at once, the Node request is unread.
		if (nodeRequest && declared !== null && nodeRequest.listenerCount('data') === 0 && !nodeRequest.readableEnded) {
			try {
				const r = await readStream(nodeRequest, cap);
				if (r === 'too_large') return tooLarge;
				if (r.length !== Number(declared)) return { ok: false, result: fail(400, 'invalid_field', 'content-length') };
				return { ok: true, bytes: r };
			} catch {
				return { ok: false, result: fail(400, 'invalid_field', 'body') };
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

/** Validates a value against a schema: `invalid_field` naming the first bad field. */
export function check<T>(schema: v.GenericSchema<unknown, T>, value: unknown): Parsed<T> {
	const parsed = v.safeParse(schema, value);
	if (parsed.success) return { ok: true, value: parsed.output };
	return { ok: false, result: fail(400, 'invalid_field', issuePath(parsed.issues) ?? 'body') };
}

/**
 * Reads a JSON body: content type `application/json`, at most `cap` bytes, valid UTF-8 JSON, matching
 * `schema`. Every failure is a 4xx (415, 413, 400) with a clear code; nothing throws.
 */
export async function handleJson<T>(
	source: Request | BodySource,
	schema: v.GenericSchema<unknown, T>,
	cap = 64 * 1024
): Promise<Parsed<T>> {
	const { request } = sourceOf(source);
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/json') return { ok: false, result: fail(415, 'unsupported_media_type', 'content-type') };
	const body = await readBody(source, cap);
	if (!body.ok) return body;
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.bytes));
	} catch {
		return { ok: false, result: fail(400, 'invalid_json') };
	}
	return check(schema, value);
}

/** Standard base64 (with padding) of exactly or at most some bytes, as a valibot schema. */
export function base64Bytes(opts: { exact?: number; max: number }) {
	return v.pipe(
		v.string(),
		v.maxLength(Math.ceil(opts.max / 3) * 4),
		// Standard base64 with padding: whole quads, `=` only as the last one or two characters. (Two simple
		// checks: the grouped regex this replaces was a tenth of the server's CPU on inline commits.)
		v.check((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s)),
		v.transform((s) => new Uint8Array(Buffer.from(s, 'base64'))),
		v.check((b) => (opts.exact === undefined ? b.length > 0 : b.length === opts.exact))
	);
}

/** Base64url without padding, decoded (challenges, intake ids). Null when malformed. */
export function fromBase64Url(s: unknown, maxBytes: number): Uint8Array | null {
	if (typeof s !== 'string' || s.length === 0 || s.length > Math.ceil((maxBytes * 4) / 3)) return null;
	if (!/^[A-Za-z0-9_-]+$/.test(s) || s.length % 4 === 1) return null;
	const bytes = new Uint8Array(Buffer.from(s, 'base64url'));
	// Canonical form only: re-encoding must give the same text.
	return Buffer.from(bytes).toString('base64url') === s ? bytes : null;
}

export function toBase64Url(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export function toBase64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bearer token of a request, or null. */
export function bearer(request: Request): string | null {
	const h = request.headers.get('authorization');
	if (h === null) return null;
	const m = /^Bearer ([A-Za-z0-9_.-]{1,512})$/.exec(h.trim());
	return m ? m[1]! : null;
}
