import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { config } from '$lib/server/config';
import { nextStepPath } from '$lib/server/auth/flow';
import type { LayoutServerLoad } from './$types';

/** Every page of the back office needs a session that passed both factors. */
export const load: LayoutServerLoad = ({ locals }) => {
	if (!locals.user || !locals.session) redirect(303, localizeHref('/staff/login'));
	if (!locals.session.twoFactorVerified) redirect(303, localizeHref(nextStepPath(locals.user)));
	return {
		me: { id: locals.user.id, displayName: locals.user.displayName, isAdmin: locals.user.isAdmin },
		// The unlocked key's idle time, for the browser's lock and the key stay (issue 18).
		keyIdleMs: config().keyIdleSeconds * 1000
	};
};
