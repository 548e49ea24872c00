/**
 * The back office's one door to HTTP: the domain (src/lib/server/backoffice, src/lib/server/workflow)
 * returns typed `Result`s and never speaks HTTP; this module turns them into answers for each kind of
 * staff route:
 *   - the staff API (src/routes/staff/api/**): `staffRoute` / `staffJsonRoute` check the 2FA-verified caller
 *     (401 `unauthenticated`), refuse cross-origin writes (403 `bad_origin`), read JSON bodies with a cap
 *     and answer the result (./respond.ts `toResponse`, `Cache-Control: no-store`);
 *   - page loads: `requireRole` (the one guard of staff and admin pages) and `pageValue` (a refusal
 *     becomes SvelteKit's `error()` with the code's status);
 *   - form actions: `staffActionFailure`, SvelteKit's `fail()` with the code and its message.
 */
import { error, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import * as v from 'valibot';
import type { ErrorCode } from '$lib/shared/errors';
import { JSON_BODY_CAP, STAFF_BIG_BODY_CAP } from '$lib/shared/limits';
import type { Session, StaffUser } from '$lib/server/auth/session';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { db } from '$lib/server/db';
import { messageOf, statusOf } from './answer';
import { parseJson } from './body';
import { source } from './reporter';
import { actionFailure, toResponse } from './respond';
import { ok, refuse, type Refusal, type Result } from './result';

export type { StaffCtx };

/** Body caps: a content ciphertext (1 MiB bucket) in base64 plus the rest; plain bodies 64 KiB. */
export const BIG_BODY = STAFF_BIG_BODY_CAP;
export const SMALL_BODY = JSON_BODY_CAP;

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

/**
 * Runs `fn` for a signed-in, 2FA-verified staff member (401 `unauthenticated` otherwise; 403 `bad_origin`
 * for a cross-origin write) and answers its result.
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

/** A creation as the staff API answers it: 201 with the value (a refusal passes unchanged). */
export function created<T, C extends ErrorCode>(r: Result<T, C>): Result<T, C> {
	return r.ok ? ok(r.value, { status: 201 }) : r;
}

/** A change with nothing to say as the staff API answers it: 204 without a body. */
export function noContent<C extends ErrorCode>(r: Result<unknown, C>): Result<null, C> {
	return r.ok ? ok(null, { status: 204 }) : r;
}

/** Reads a JSON body (any JSON value; the domain function validates it). An empty body counts as `{}` when `optional`. */
export async function jsonBody(event: RequestEvent, cap: number, optional = false): Promise<Result<unknown>> {
	if (
		optional &&
		(event.request.headers.get('content-length') === '0' ||
			(event.request.body === null && !event.request.headers.get('content-type')))
	)
		return ok({});
	return parseJson(source(event), v.unknown(), cap);
}

/** `staffRoute` with a JSON body of at most `cap` bytes. */
export function staffJsonRoute(
	event: RequestEvent,
	cap: number,
	fn: (ctx: StaffCtx, body: unknown) => Promise<Result<unknown>>,
	optional = false
): Promise<Response> {
	return staffRoute(event, async (ctx) => {
		const body = await jsonBody(event, cap, optional);
		if (!body.ok) return body;
		return fn(ctx, body.value);
	});
}

/** Who a staff page is for: any signed-in, 2FA-verified member, or instance administrators only. */
export type StaffRoleNeeded = 'staff' | 'admin';

/**
 * The one guard of the back office's pages, layouts and form actions: the member of the request when they
 * passed both sign-in factors (and, for 'admin', are an instance administrator); otherwise SvelteKit's
 * `error(403)`. The admin pages are guarded once by src/routes/staff/(app)/admin/+layout.server.ts; form
 * actions and endpoints (which a layout does not guard) call it themselves.
 */
export function requireRole(locals: App.Locals, role: StaffRoleNeeded): StaffUser {
	const user = locals.user;
	if (!user || !locals.session?.twoFactorVerified)
		error(403, role === 'admin' ? 'Administrators only' : 'Signed-in staff only');
	if (role === 'admin' && !user.isAdmin) error(403, 'Administrators only');
	return user;
}

/** The context of a staff page load or form action (`requireRole(locals, 'staff')` first). */
export function staffCtx(locals: App.Locals): StaffCtx {
	return { db: db(), user: requireRole(locals, 'staff'), now: new Date() };
}

/** A page load's value, or SvelteKit's `error()` with the refusal's status and message (in `locale`). */
export function pageValue<T>(result: Result<T>, locale = 'en'): T {
	if (result.ok) return result.value;
	const message = messageOf(result);
	error(statusOf(result), locale === 'en' ? message.en : message.zh);
}

/** A refused form action: `fail(status, { code, field, message })` (./respond.ts `actionFailure`). */
export function staffActionFailure(
	r: Refusal,
	locale: string
): ActionFailure<{ code: Refusal['code']; field: string | null; message: string }> {
	return actionFailure(r, locale);
}
