import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { deleteSessionCookie } from '$lib/server/auth/cookie';
import { invalidateSession } from '$lib/server/auth/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, localizeHref('/staff/login'));

/**
 * Sign-out: the session is deleted on the server, its cookie removed, and the browser told to drop
 * everything this origin stored (Clear-Site-Data, added by the security handle).
 */
export const actions: Actions = {
	default: async (event) => {
		if (event.locals.session) await invalidateSession(db(), event.locals.session.id);
		event.locals.session = null;
		event.locals.user = null;
		deleteSessionCookie(event);
		event.locals.clearSiteData = true;
		redirect(303, localizeHref('/staff/login?signedout=1'));
	}
};
