/** Steps shared by the sign-in pages: where a partly signed-in user goes next, and finishing sign-in. */
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { setSessionCookie } from './cookie';
import { createSession, invalidateSession, sessionExpiresAt, type StaffUser } from './session';

export function policy() {
	const c = config();
	return { idleMinutes: c.sessionIdleMinutes, maxHours: c.sessionMaxHours };
}

/** Starts a fresh session (new id) and sets its cookie. */
export async function startSession(event: RequestEvent, user: StaffUser, twoFactorVerified: boolean): Promise<void> {
	if (event.locals.session) await invalidateSession(db(), event.locals.session.id);
	const { token, session } = await createSession(db(), user.id, { twoFactorVerified });
	setSessionCookie(event, token, sessionExpiresAt(session, policy()));
	event.locals.session = session;
	event.locals.user = user;
}

/** Where a user with a password-verified session must go next. */
export function nextStepPath(user: StaffUser): string {
	return user.totpKey ? '/staff/login/totp' : '/staff/2fa/setup';
}

/** Sends users without a (partial) session to the sign-in page. */
export function requirePartialSession(event: RequestEvent): StaffUser {
	if (!event.locals.user || !event.locals.session) redirect(303, localizeHref('/staff/login'));
	return event.locals.user;
}
