import type { RequestEvent } from '@sveltejs/kit';

/** `__Host-` needs Secure, path / and no domain: only possible over HTTPS. */
export function sessionCookieName(url: URL): string {
	return url.protocol === 'https:' ? '__Host-qf_session' : 'qf_session';
}

export function setSessionCookie(event: RequestEvent, token: string, expiresAt: Date): void {
	event.cookies.set(sessionCookieName(event.url), token, {
		httpOnly: true,
		sameSite: 'strict',
		secure: event.url.protocol === 'https:',
		path: '/',
		expires: expiresAt
	});
}

export function deleteSessionCookie(event: RequestEvent): void {
	event.cookies.delete(sessionCookieName(event.url), {
		httpOnly: true,
		sameSite: 'strict',
		secure: event.url.protocol === 'https:',
		path: '/'
	});
}
