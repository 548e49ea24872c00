/**
 * Glue between the staff API's SvelteKit endpoints (src/routes/staff/api/**) and this module: the
 * 2FA-verified caller (401 otherwise), the same-origin check for writes, JSON bodies read with a cap, and
 * the answer as a Response (`Cache-Control: no-store` is set for every dynamic response by hooks).
 */
import type { RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { db } from '$lib/server/db';
import { download, respond, source } from '$lib/server/reports/endpoint';
import { handleJson } from '$lib/server/reports/http';
import { MAX_CONTENT_BYTES } from '$lib/server/reports/intake';
import { fail, originOk, staffOf, type Answer, type StaffCtx } from './http';

/** Body caps: a content ciphertext (1 MiB bucket) in base64 plus the rest; plain bodies 64 KiB. */
export const BIG_BODY = Math.ceil((MAX_CONTENT_BYTES * 4) / 3) + 512 * 1024;
export const SMALL_BODY = 64 * 1024;

type Handler = (
	ctx: StaffCtx,
	event: RequestEvent
) => Promise<Answer | { status: 200; bytes: number; stream: AsyncIterable<Uint8Array> }>;

/** Runs `fn` for a signed-in, 2FA-verified staff member. */
export async function staffEndpoint(event: RequestEvent, fn: Handler): Promise<Response> {
	const user = staffOf(event.locals);
	if (!user) return respond(fail(401, 'unauthenticated'));
	if (event.request.method !== 'GET' && event.request.method !== 'HEAD' && !originOk(event))
		return respond(fail(403, 'bad_origin'));
	const out = await fn({ db: db(), user, now: new Date() }, event);
	if ('stream' in out) return download(out);
	return respond(out);
}

/** Reads a JSON body (any JSON value; the domain function validates it). An empty body counts as `{}` when `optional`. */
export async function jsonBody(
	event: RequestEvent,
	cap: number,
	optional = false
): Promise<{ ok: true; value: unknown } | { ok: false; result: Answer }> {
	if (
		optional &&
		(event.request.headers.get('content-length') === '0' ||
			(event.request.body === null && !event.request.headers.get('content-type')))
	)
		return { ok: true, value: {} };
	return handleJson(source(event), v.unknown(), cap);
}

/** staffEndpoint with a JSON body. */
export function withBody(
	event: RequestEvent,
	cap: number,
	fn: (ctx: StaffCtx, body: unknown) => Promise<Answer>,
	optional = false
): Promise<Response> {
	return staffEndpoint(event, async (ctx) => {
		const body = await jsonBody(event, cap, optional);
		if (!body.ok) return body.result;
		return fn(ctx, body.value);
	});
}
