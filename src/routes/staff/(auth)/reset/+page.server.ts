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
import { acceptPasswordReset, findPasswordReset } from '$lib/server/auth/accounts';
import { freshSaltForForm } from '$lib/server/auth/enrol';
import { parseAuthKey, parseSalt } from '$lib/server/auth/password';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('token');
	const user = await findPasswordReset(db(), token);
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
	default: async ({ request }) => {
		const form = await request.formData();
		const token = String(form.get('token') ?? '');
		const authSalt = parseSalt(form.get('salt'));
		const authKey = parseAuthKey(form.get('authKey'));
		if (!authSalt || !authKey) return fail(400, { message: m.staff_js_required() });
		const done = await acceptPasswordReset(db(), token, { authSalt, authKey });
		if (!done.ok) return fail(403, { message: m.staff_reset_invalid() });
		redirect(303, localizeHref('/staff/login?reset=1'));
	}
};
