import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { requirePartialSession, startSession } from '$lib/server/auth/flow';
import { signinFailed, signinSucceeded, signinWait } from '$lib/server/auth/throttle';
import { addressKey } from '$lib/server/ratelimit';
import { verifyTotp } from '$lib/server/auth/totp';
import { recordTotpStep } from '$lib/server/auth/totp-store';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const user = requirePartialSession(event);
	if (event.locals.session?.twoFactorVerified) redirect(303, localizeHref('/staff'));
	if (!user.totpKey) redirect(303, localizeHref('/staff/2fa/setup'));
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requirePartialSession(event);
		if (!user.totpKey) redirect(303, localizeHref('/staff/2fa/setup'));
		const wait = signinWait(addressKey(event), user, user.username);
		if (wait > 0) return fail(429, { message: m.staff_throttled({ seconds: wait }) });
		const code = String((await event.request.formData()).get('code') ?? '').slice(0, 16);
		const step = verifyTotp(user.totpKey, code, user.totpLastStep);
		if (step === null) {
			await signinFailed(addressKey(event), user, user.username);
			return fail(400, { message: m.staff_totp_bad_code() });
		}
		await recordTotpStep(db(), user.id, step);
		await signinSucceeded(addressKey(event), user);
		await startSession(event, user, true);
		redirect(303, localizeHref('/staff'));
	}
};
