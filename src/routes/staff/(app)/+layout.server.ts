import { redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { config } from '$lib/server/config';
import { nextStepPath } from '$lib/server/auth/flow';
import { db } from '$lib/server/db';
import { staffPosts } from '$lib/server/backoffice/memberships';
import { ORGAN_TIME_ZONE } from '$lib/shared/time-zone';
import type { LayoutServerLoad } from './$types';

/** Every page of the back office needs a session that passed both factors. */
export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user || !locals.session) redirect(303, localizeHref('/staff/login'));
	if (!locals.session.twoFactorVerified) redirect(303, localizeHref(nextStepPath(locals.user)));
	// The caller's organs and the time zone of the first (issue 18); a case page names its own organ's zone. The
	// posts are read once per request, with the staff layout's menu entries (memberships.ts).
	const organs = (await staffPosts(locals, db(), locals.user)).handlerOrgans;
	return {
		me: { id: locals.user.id, displayName: locals.user.displayName, isAdmin: locals.user.isAdmin },
		organs,
		timeZone: organs[0]?.timeZone ?? ORGAN_TIME_ZONE,
		// The unlocked key's idle time, for the browser's lock and the key stay (issue 18).
		keyIdleMs: config().keyIdleSeconds * 1000,
		// The deployment's cipher suite (issue 21): the staff crypto loads it in ./+layout.ts.
		cryptoSuite: config().cryptoSuite
	};
};
