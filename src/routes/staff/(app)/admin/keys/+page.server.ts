import { fail } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { keysAdminView } from '$lib/server/keys/admin-view';
import { signAndAuditEntry } from '$lib/server/keys/admin-sign';
import { fromBase64 } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'admin');
	return keysAdminView(db());
};

export const actions: Actions = {
	/** The root key is made in the offline ceremony and pinned by configuration, never created here. */
	createRoot: async ({ locals }) => {
		requireRole(locals, 'admin');
		return fail(410, { reason: 'ceremony_only' });
	},
	sign: async ({ locals, request }) => {
		const admin = requireRole(locals, 'admin');
		const form = await request.formData();
		const signed = fromBase64(form.get('signed'));
		if (!signed) return fail(400, { reason: 'malformed' });
		const r = await signAndAuditEntry(db(), admin, signed);
		return r.ok ? { signed: true } : fail(400, { reason: r.reason });
	}
};
