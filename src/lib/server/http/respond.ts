/**
 * Results and answers as Responses, for each kind of endpoint (the convention: ./result.ts):
 *   - 'public'   GET /api/v1/{units,routing,directory,stats/public}: JSON;
 *   - 'reporter' the reporter's API under /api/v1: JSON, 201/204, stored files as streams;
 *   - 'staff'    /staff/api/**: the same, plus files (case attachments, the statistics CSV);
 *   - form actions: `actionFailure`, SvelteKit's `fail()` data.
 * The JSON kinds share one writer on purpose: one content type, one error body (docs/api.md), so every
 * client reads every error alike. Every answer gets `Cache-Control: no-store` (hooks.server.ts sets it on
 * anything dynamic too).
 */
import { fail as kitFail, type ActionFailure } from '@sveltejs/kit';
import type { Answer } from './answer';
import { answerOf, messageOf } from './answer';
import { DEFAULT_STATUS } from './messages';
import { Download, type Refusal, type Result } from './result';

export type EndpointKind = 'public' | 'reporter' | 'staff';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A plain answer as a Response: JSON, or no body for 204. */
export function respond(a: Answer): Response {
	const headers = new Headers(a.headers ?? {});
	headers.set('cache-control', 'no-store');
	if (a.status === 204) return new Response(null, { status: 204, headers });
	headers.set('content-type', JSON_TYPE);
	return new Response(JSON.stringify(a.body), { status: a.status, headers });
}

function streamOf(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
	const it = source[Symbol.asyncIterator]();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			try {
				const { done, value } = await it.next();
				if (done) controller.close();
				else controller.enqueue(value);
			} catch (e) {
				controller.error(e);
			}
		},
		async cancel() {
			await it.return?.();
		}
	});
}

/** A file as a Response: an octet stream by default, an attachment (with its name if it has one). */
export function downloadResponse(d: Download): Response {
	const { bytes, type = 'application/octet-stream', filename } = d.options;
	const headers: Record<string, string> = {
		'content-type': type,
		'content-disposition': filename
			? `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`
			: 'attachment',
		'cache-control': 'no-store'
	};
	if (bytes !== undefined) headers['content-length'] = String(bytes);
	const body = typeof d.body === 'string' ? d.body : streamOf(d.body);
	return new Response(body, { status: 200, headers });
}

/** A stored file as an octet stream, read part by part (the shape the domain modules return today). */
export function download(file: { bytes: number; stream: AsyncIterable<Uint8Array> }): Response {
	return downloadResponse(new Download(file.stream, { bytes: file.bytes }));
}

/** The Response of a result, for an endpoint of the given kind. */
export function toResponse(result: Result<unknown>, kind: 'public'): Response;
export function toResponse(result: Result<unknown>, kind: Exclude<EndpointKind, 'public'>): Response;
export function toResponse(result: Result<unknown>, kind: EndpointKind): Response {
	if (result.ok && result.value instanceof Download) {
		if (kind === 'public') throw new Error('the public API answers JSON only');
		return downloadResponse(result.value);
	}
	return respond(answerOf(result));
}

/** The data of a refused form action: `fail(status, { code, field, message })`, the message in `locale`. */
export function actionFailure(
	r: Refusal,
	locale: string
): ActionFailure<{ code: Refusal['code']; field: string | null; message: string }> {
	const message = messageOf(r);
	return kitFail(r.status ?? DEFAULT_STATUS[r.code], {
		code: r.code,
		field: r.field ?? null,
		message: locale === 'en' ? message.en : message.zh
	});
}
