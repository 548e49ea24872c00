import { fail } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { entriesForStaff } from '$lib/server/keys/directory';
import { enrolStaffKey, getStaffKey, rewrapStaffKey } from '$lib/server/keys/staff-keys';
import { fromBase64, toBase64 } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const user = requireRole(locals, 'staff');
	const key = await getStaffKey(db(), user.id);
	return {
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

async function bundleFrom(request: Request) {
	const form = await request.formData();
	const publicKey = fromBase64(form.get('publicKey'));
	const passwordWrapped = fromBase64(form.get('passwordWrapped'));
	const recoveryWrapped = fromBase64(form.get('recoveryWrapped'));
	return publicKey && passwordWrapped && recoveryWrapped ? { publicKey, passwordWrapped, recoveryWrapped } : null;
}

export const actions: Actions = {
	enrol: async ({ locals, request }) => {
		const user = requireRole(locals, 'staff');
		const bundle = await bundleFrom(request);
		if (!bundle) return fail(400, { reason: 'malformed' });
		const r = await enrolStaffKey(db(), user.id, bundle);
		return r.ok ? { enrolled: true } : fail(400, { reason: r.reason });
	},
	rewrap: async ({ locals, request }) => {
		const user = requireRole(locals, 'staff');
		const bundle = await bundleFrom(request);
		if (!bundle) return fail(400, { reason: 'malformed' });
		const r = await rewrapStaffKey(db(), user.id, bundle);
		return r.ok ? { rewrapped: true } : fail(400, { reason: r.reason });
	}
};
