import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { findUserByUsername, normalizeUsername } from '$lib/server/auth/accounts';
import { nextStepPath, startSession } from '$lib/server/auth/flow';
import { parseAuthKey, verifyAuthKey } from '$lib/server/auth/password';
import { passwordStepFailed, passwordStepSucceeded, passwordStepWait } from '$lib/server/auth/throttle';
import { addressKey } from '$lib/server/ratelimit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user && locals.session?.twoFactorVerified) redirect(303, localizeHref('/staff'));
	return { signedOut: url.searchParams.has('signedout'), passwordReset: url.searchParams.has('reset') };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const rawUsername = String(form.get('username') ?? '').slice(0, 128);
		const username = normalizeUsername(rawUsername) ?? rawUsername.trim().toLowerCase();
		const authKey = parseAuthKey(form.get('authKey'));
		if (!authKey) return fail(400, { username: rawUsername, message: m.staff_js_required() });

		// The cheap refusals first: the throttle is in memory, before the account is looked up or Argon2 runs.
		const wait = passwordStepWait(addressKey(event), username);
		if (wait > 0) return fail(429, { username: rawUsername, message: m.staff_throttled({ seconds: wait }) });

		const user = normalizeUsername(rawUsername) ? await findUserByUsername(db(), username) : null;
		const ok = await verifyAuthKey(authKey, user?.authHash ?? null);
		if (!ok || !user || user.disabledAt) {
			passwordStepFailed(addressKey(event), username);
			return fail(400, { username: rawUsername, message: m.staff_bad_credentials() });
		}
		passwordStepSucceeded(addressKey(event), username);
		await startSession(event, user, false);
		redirect(303, localizeHref(nextStepPath(user)));
	}
};
