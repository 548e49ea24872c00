import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { freshSaltForForm, readAccountForm } from '$lib/server/auth/enrol';
import { startSession } from '$lib/server/auth/flow';
import { checkSetupToken, createFirstAdmin, hasAdmin } from '$lib/server/auth/setup';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	if (await hasAdmin(db())) return { state: 'done' as const };
	const token = url.searchParams.get('token');
	if (!(await checkSetupToken(db(), token))) return { state: 'invalid' as const };
	return { state: 'form' as const, token: token!, ...freshSaltForForm() };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const token = String(form.get('token') ?? '');
		if (!(await checkSetupToken(db(), token))) {
			return fail(403, { message: m.staff_setup_invalid(), username: '', displayName: '' });
		}
		const input = readAccountForm(form);
		if (!input.ok) return fail(400, input);
		// Consumes the token, re-checks "no administrator yet" and creates the account in one transaction.
		const created = await createFirstAdmin(db(), token, input);
		if (!created.ok) {
			if (created.reason === 'username_taken')
				return fail(409, {
					message: m.staff_username_taken(),
					username: input.username,
					displayName: input.displayName
				});
			const message = created.reason === 'admin_exists' ? m.staff_setup_done_already() : m.staff_setup_invalid();
			return fail(403, { message, username: '', displayName: '' });
		}
		await startSession(event, created.user, false);
		redirect(303, localizeHref('/staff/2fa/setup'));
	}
};
