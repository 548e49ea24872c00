/**
 * Glue between SvelteKit endpoints and the reporter's API functions (./api.ts): the context of a request
 * and the answer as a Response. JSON answers and downloads get the security headers of every response
 * (hooks.server.ts), including `Cache-Control: no-store`.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestEvent } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { addressKey } from '$lib/server/ratelimit';
import type { Answer, Ctx } from './api';
import type { BodySource } from './http';

export function context(event: RequestEvent): Ctx {
	return { db: db(), settings: config(), address: addressKey(event) };
}

/** The body source: the Web request plus adapter-node's raw request (see readBody). */
export function source(event: RequestEvent): BodySource {
	const platform = event.platform as { req?: IncomingMessage } | undefined;
	return { request: event.request, nodeRequest: platform?.req ?? null };
}

export function respond(a: Answer): Response {
	const headers = new Headers(a.headers ?? {});
	if (a.status === 204) return new Response(null, { status: 204, headers });
	headers.set('content-type', 'application/json; charset=utf-8');
	return new Response(JSON.stringify(a.body), { status: a.status, headers });
}

/** A stored file as an octet stream, read part by part. */
export function download(file: { bytes: number; stream: AsyncIterable<Uint8Array> }): Response {
	const it = file.stream[Symbol.asyncIterator]();
	const body = new ReadableStream<Uint8Array>({
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
	return new Response(body, {
		status: 200,
		headers: {
			'content-type': 'application/octet-stream',
			'content-length': String(file.bytes),
			'content-disposition': 'attachment'
		}
	});
}
