import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { listActiveStaff, listOrgans, removeMembership, setMembership, type AdminChangeError } from '$lib/server/org/admin';
import { STAFF_ROLES } from '$lib/server/org/types';
import { requireAdmin } from '../guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	requireAdmin(locals);
	const [organs, staff] = await Promise.all([listOrgans(db()), listActiveStaff(db())]);
	return { organs, staff, roles: [...STAFF_ROLES] };
};

const changeMessage = (e: AdminChangeError): string =>
	({
		unknown_staff: m.org_error_unknown_staff(),
		unknown_organ: m.org_error_unknown_organ(),
		unknown_unit: m.org_error_unknown_unit(),
		invalid_role: m.org_error_invalid_role(),
		invalid_reason: m.org_error_invalid_reason(),
		not_found: m.org_error_not_found()
	})[e];

export const actions: Actions = {
	add: async ({ locals, request }) => {
		requireAdmin(locals);
		const form = await request.formData();
		const r = await setMembership(db(), {
			staffId: String(form.get('staffId') ?? ''),
			organId: String(form.get('organId') ?? ''),
			role: String(form.get('role') ?? ''),
			hasKey: form.get('hasKey') === 'on'
		});
		if (!r.ok) return fail(400, { addError: changeMessage(r.error) });
		return { added: true };
	},
	remove: async ({ locals, request }) => {
		requireAdmin(locals);
		const form = await request.formData();
		const r = await removeMembership(db(), { staffId: String(form.get('staffId') ?? ''), organId: String(form.get('organId') ?? '') });
		if (!r.ok) return fail(400, { removeError: changeMessage(r.error) });
		return { removed: true };
	}
};
