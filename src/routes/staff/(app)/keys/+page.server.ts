import { fail } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { signinFailed, signinSucceeded, signinWait } from '$lib/server/auth/throttle';
import { addressKey } from '$lib/server/ratelimit';
import { entriesForStaff } from '$lib/server/keys/directory';
import { enrolStaffKey, getStaffKey } from '$lib/server/keys/staff-keys';
import { bundleOfForm, rewrapWithReauth } from '$lib/server/keys/rewrap-reauth';
import { toBase64 } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireRole(locals, 'staff');
	const key = await getStaffKey(db(), user.id);
	return {
		username: user.username,
		bundle: key
			? {
					publicKey: toBase64(key.publicKey),
					passwordWrapped: toBase64(key.passwordWrapped),
					recoveryWrapped: toBase64(key.recoveryWrapped)
				}
			: null,
		entries: (await entriesForStaff(db(), user.id)).map((e) => ({
			organId: e.organId,
			role: e.role,
			notAfter: e.notAfter.toISOString().slice(0, 10)
		}))
	};
};

export const actions: Actions = {
	enrol: async ({ locals, request }) => {
		const user = requireRole(locals, 'staff');
		const bundle = bundleOfForm(await request.formData());
		if (!bundle) return fail(400, { reason: 'malformed' });
		const r = await enrolStaffKey(db(), user.id, bundle);
		return r.ok ? { enrolled: true } : fail(400, { reason: r.reason });
	},
	/** Replaces the key's wraps (recovery), after re-authentication; audited (rewrapWithReauth). */
	rewrap: async (event) => {
		const user = requireRole(event.locals, 'staff');
		const r = await rewrapWithReauth(db(), user, await event.request.formData(), {
			wait: () => signinWait(addressKey(event), user, user.username),
			failed: () => signinFailed(addressKey(event), user, user.username),
			succeeded: () => signinSucceeded(addressKey(event), user)
		});
		return r.ok ? { rewrapped: true } : fail(r.status, { reason: r.reason });
	}
};
