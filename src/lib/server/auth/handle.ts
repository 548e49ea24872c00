import type { Handle } from '@sveltejs/kit';
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { deleteSessionCookie, sessionCookieName, setSessionCookie } from './cookie';
import { sessionExpiresAt, validateSessionToken } from './session';

/** True for the staff world (/staff… and its localized forms); public pages never read or set cookies. */
export function isStaffPath(pathname: string): boolean {
	return /^\/(?:en\/)?staff(?:\/|$)/.test(pathname);
}

/** Resolves the staff session from its cookie, on staff paths only. */
export const sessionHandle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	if (!isStaffPath(event.url.pathname)) return resolve(event);
	const token = event.cookies.get(sessionCookieName(event.url));
	if (token) {
		const cfg = config();
		const policy = { idleMinutes: cfg.sessionIdleMinutes, maxHours: cfg.sessionMaxHours };
		const valid = await validateSessionToken(db(), token, policy);
		if (valid) {
			event.locals.user = valid.user;
			event.locals.session = valid.session;
			setSessionCookie(event, token, sessionExpiresAt(valid.session, policy));
		} else {
			deleteSessionCookie(event);
		}
	}
	return resolve(event);
};
