import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { changePassword } from '$lib/server/auth/password-change';
import { AUTH_KEY_PARAMS, parseAuthKey, parseSalt, verifyAuthKey } from '$lib/server/auth/password';
import { signinFailed, signinSucceeded, signinWait } from '$lib/server/auth/throttle';
import { addressKey } from '$lib/server/ratelimit';
import { getStaffKey } from '$lib/server/keys/staff-keys';
import { fromBase64, toBase64 } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

function me(locals: App.Locals) {
	return { user: requireRole(locals, 'staff'), session: locals.session! };
}

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = me(locals);
	const key = await getStaffKey(db(), user.id);
	return {
		username: user.username,
		params: AUTH_KEY_PARAMS,
		bundle: key
			? {
					publicKey: toBase64(key.publicKey),
					passwordWrapped: toBase64(key.passwordWrapped),
					recoveryWrapped: toBase64(key.recoveryWrapped)
				}
			: null
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { user, session } = me(event.locals);
		const form = await event.request.formData();
		const currentKey = parseAuthKey(form.get('currentAuthKey'));
		const authKey = parseAuthKey(form.get('authKey'));
		const authSalt = parseSalt(form.get('salt'));
		if (!currentKey || !authKey || !authSalt) return fail(400, { message: m.staff_js_required() });
		const fields = ['publicKey', 'passwordWrapped', 'recoveryWrapped'].map((f) =>
			form.has(f) ? fromBase64(form.get(f)) : undefined
		);
		if (fields.some((f) => f === null)) return fail(400, { message: m.password_change_failed() });
		const [publicKey, passwordWrapped, recoveryWrapped] = fields;
		const bundle =
			publicKey && passwordWrapped && recoveryWrapped ? { publicKey, passwordWrapped, recoveryWrapped } : null;

		const wait = signinWait(addressKey(event), user, user.username);
		if (wait > 0) return fail(429, { message: m.staff_throttled({ seconds: wait }) });
		if (!(await verifyAuthKey(currentKey, user.authHash))) {
			await signinFailed(addressKey(event), user, user.username);
			return fail(400, { message: m.password_wrong_current() });
		}
		await signinSucceeded(addressKey(event), user);

		const r = await changePassword(db(), user.id, { authSalt, authKey, bundle, keepSessionId: session.id });
		if (!r.ok)
			return fail(400, {
				message: r.reason === 'key_required' ? m.password_key_required() : m.password_change_failed()
			});
		return { changed: true };
	}
};
