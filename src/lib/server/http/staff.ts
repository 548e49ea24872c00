/**
 * Glue between the staff API's SvelteKit endpoints (src/routes/staff/api/**) and the back office: the
 * 2FA-verified caller (401 otherwise), the same-origin check for writes, JSON bodies read with a cap, and
 * the answer as a Response (`Cache-Control: no-store`).
 */
import type { RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import { JSON_BODY_CAP, STAFF_BIG_BODY_CAP } from '$lib/shared/limits';
import type { Session, StaffUser } from '$lib/server/auth/session';
import { db, type Db } from '$lib/server/db';
import { fail, type Answer } from './answer';
import { handleJson } from './body';
import { source } from './reporter';
import { download, respond, toResponse } from './respond';
import { refuse, type Result } from './result';

/** Body caps: a content ciphertext (1 MiB bucket) in base64 plus the rest; plain bodies 64 KiB. */
export const BIG_BODY = STAFF_BIG_BODY_CAP;
export const SMALL_BODY = JSON_BODY_CAP;

/** The signed-in, 2FA-verified staff member a call acts for. */
export interface StaffCtx {
	db: Db;
	user: StaffUser;
	now: Date;
}

/** The staff member of a request (signed in with both factors, not disabled), or null. */
export function staffOf(locals: { user: StaffUser | null; session: Session | null }): StaffUser | null {
	if (!locals.user || !locals.session || !locals.session.twoFactorVerified) return null;
	if (locals.user.disabledAt) return null;
	return locals.user;
}

/** A cross-origin state-changing request (the browser sends Origin on POST/DELETE) is refused. */
export function originOk(event: Pick<RequestEvent, 'request' | 'url'>): boolean {
	const origin = event.request.headers.get('origin');
	return origin === null || origin === event.url.origin;
}

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

/**
 * Runs `fn` for a signed-in, 2FA-verified staff member (401 `unauthenticated` otherwise; 403 `bad_origin`
 * for a cross-origin write) and answers its result (./result.ts).
 */
export async function staffRoute(
	event: RequestEvent,
	fn: (ctx: StaffCtx, event: RequestEvent) => Promise<Result<unknown>>
): Promise<Response> {
	const user = staffOf(event.locals);
	if (!user) return toResponse(refuse('unauthenticated'), 'staff');
	if (event.request.method !== 'GET' && event.request.method !== 'HEAD' && !originOk(event))
		return toResponse(refuse('bad_origin'), 'staff');
	return toResponse(await fn({ db: db(), user, now: new Date() }, event), 'staff');
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
