/**
 * Accepting an admin-issued password-reset link: the browser derives the new auth key from the new
 * password (the password itself is never sent); the server swaps the sign-in salt and hash and ends
 * every session of the account. The staff key stays wrapped under the old password, so afterwards
 * only the recovery key opens it. The user then signs in as usual (password + TOTP).
 */
import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { findPasswordReset } from '$lib/server/auth/accounts';
import { freshSaltForForm } from '$lib/server/auth/enrol';
import { plausibleToken } from '$lib/server/auth/gate';
import { resetPassword } from '$lib/server/auth/reset';
import { addressKey } from '$lib/server/ratelimit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('token');
	const user = plausibleToken(token) ? await findPasswordReset(db(), token) : null;
	if (!user) return { state: 'invalid' as const };
	return {
		state: 'form' as const,
		token: token!,
		username: user.username,
		displayName: user.displayName,
		...freshSaltForForm()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		// Throttle and token format first, then the token's look-up, and only then Argon2 (in a worker thread).
		const done = await resetPassword(db(), addressKey(event), {
			token: form.get('token'),
			salt: form.get('salt'),
			authKey: form.get('authKey')
		});
		if (!done.ok) {
			if (done.reason === 'throttled') return fail(429, { message: m.staff_throttled({ seconds: done.seconds }) });
			if (done.reason === 'malformed') return fail(400, { message: m.staff_js_required() });
			return fail(403, { message: m.staff_reset_invalid() });
		}
		redirect(303, localizeHref('/staff/login?reset=1'));
	}
};
