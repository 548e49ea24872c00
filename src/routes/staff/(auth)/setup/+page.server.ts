import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { createStaffUser } from '$lib/server/auth/accounts';
import { freshSaltForForm, readAccountForm } from '$lib/server/auth/enrol';
import { startSession } from '$lib/server/auth/flow';
import { checkSetupToken, consumeSetupToken, hasAdmin } from '$lib/server/auth/setup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	if (await hasAdmin(db())) return { state: 'done' as const };
	const token = url.searchParams.get('token');
	if (!checkSetupToken(token)) return { state: 'invalid' as const };
	return { state: 'form' as const, token: token!, ...freshSaltForForm() };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		if ((await hasAdmin(db())) || !checkSetupToken(String(form.get('token') ?? ''))) {
			return fail(403, { message: m.staff_setup_invalid(), username: '', displayName: '' });
		}
		const input = readAccountForm(form);
		if (!input.ok) return fail(400, input);
		const created = await createStaffUser(db(), { ...input, isAdmin: true });
		if (!created.ok)
			return fail(409, { message: m.staff_username_taken(), username: input.username, displayName: input.displayName });
		consumeSetupToken();
		await startSession(event, created.user, false);
		redirect(303, localizeHref('/staff/2fa/setup'));
	}
};
