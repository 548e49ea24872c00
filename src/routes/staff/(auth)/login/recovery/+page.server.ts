import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { requirePartialSession, startSession } from '$lib/server/auth/flow';
import { useRecoveryCode } from '$lib/server/auth/recovery-codes';
import { signinFailed, signinSucceeded, signinWait } from '$lib/server/auth/throttle';
import { addressKey } from '$lib/server/ratelimit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requirePartialSession(event);
	if (event.locals.session?.twoFactorVerified) redirect(303, localizeHref('/staff'));
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requirePartialSession(event);
		const wait = signinWait(addressKey(event), user, user.username);
		if (wait > 0) return fail(429, { message: m.staff_throttled({ seconds: wait }) });
		const code = String((await event.request.formData()).get('code') ?? '').slice(0, 32);
		if (!(await useRecoveryCode(db(), user.id, code))) {
			await signinFailed(addressKey(event), user, user.username);
			return fail(400, { message: m.staff_recovery_bad_code() });
		}
		await signinSucceeded(addressKey(event), user);
		await startSession(event, user, true);
		redirect(303, localizeHref('/staff'));
	}
};
