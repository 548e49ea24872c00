import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { consumeInvitation, createStaffUser, findInvitation } from '$lib/server/auth/accounts';
import { freshSaltForForm, readAccountForm } from '$lib/server/auth/enrol';
import { startSession } from '$lib/server/auth/flow';
import { plausibleToken, tokenPostWait } from '$lib/server/auth/gate';
import { addressKey } from '$lib/server/ratelimit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('token');
	const inv = plausibleToken(token) ? await findInvitation(db(), token) : null;
	if (!inv) return { state: 'invalid' as const };
	return {
		state: 'form' as const,
		token: token!,
		username: inv.username,
		displayName: inv.displayName,
		...freshSaltForForm()
	};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const token = String(form.get('token') ?? '');
		// Throttle and token format before the database; Argon2 runs only for a live invitation (in a worker).
		const seconds = tokenPostWait(addressKey(event));
		if (seconds > 0) return fail(429, { message: m.staff_throttled({ seconds }), username: '', displayName: '' });
		const inv = plausibleToken(token) ? await findInvitation(db(), token) : null;
		if (!inv) return fail(403, { message: m.staff_invite_invalid(), username: '', displayName: '' });
		const input = readAccountForm(form);
		if (!input.ok) return fail(400, input);
		if (!(await consumeInvitation(db(), token))) {
			return fail(403, { message: m.staff_invite_invalid(), username: '', displayName: '' });
		}
		const created = await createStaffUser(db(), {
			...input,
			username: inv.username,
			isAdmin: inv.isAdmin
		});
		if (!created.ok)
			return fail(409, { message: m.staff_username_taken(), username: input.username, displayName: input.displayName });
		await startSession(event, created.user, false);
		redirect(303, localizeHref('/staff/2fa/setup'));
	}
};
