import { config } from '$lib/server/config';
import { SMALL_BODY, noContent, staffJsonRoute, staffRoute } from '$lib/server/http/staff';
import { ok, refuse } from '$lib/server/http/result';
import {
	dropKeyStay,
	keyStayAnswer,
	parseKeyStayBody,
	readKeyStay,
	storeKeyStay,
	touchKeyStay
} from '$lib/server/auth/key-stay';
import type { RequestHandler } from './$types';

/**
 * The key stay of the caller's session (issue 18, docs/security.md): GET fetches the blob (and keeps it alive),
 * PUT stores it after an unlock, PATCH keeps it alive while the member works, DELETE forgets it (Lock).
 */
const idle = () => config().keyIdleSeconds;
const sessionOf = (locals: App.Locals) => locals.session!.id;

export const GET: RequestHandler = (event) =>
	staffRoute(event, async (ctx) =>
		ok(keyStayAnswer(await readKeyStay(ctx.db, sessionOf(event.locals), ctx.now, idle())))
	);

export const PUT: RequestHandler = (event) =>
	staffJsonRoute(event, SMALL_BODY, async (ctx, body) => {
		const blob = parseKeyStayBody(body);
		if (!blob.ok) return blob;
		await storeKeyStay(ctx.db, sessionOf(event.locals), blob.value, ctx.now, idle());
		return noContent(ok(null));
	});

export const PATCH: RequestHandler = (event) =>
	staffRoute(event, async (ctx) =>
		(await touchKeyStay(ctx.db, sessionOf(event.locals), ctx.now, idle())) ? noContent(ok(null)) : refuse('not_found')
	);

export const DELETE: RequestHandler = (event) =>
	staffRoute(event, async (ctx) => {
		await dropKeyStay(ctx.db, sessionOf(event.locals));
		return noContent(ok(null));
	});
