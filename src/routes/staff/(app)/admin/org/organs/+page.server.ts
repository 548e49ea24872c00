import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { auditAdmin } from '$lib/server/audit/log';
import {
	listActiveStaff,
	listOrgans,
	removeMembership,
	setMembership,
	type AdminChangeError
} from '$lib/server/org/admin';
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
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const change = {
			staffId: String(form.get('staffId') ?? ''),
			organId: String(form.get('organId') ?? ''),
			role: String(form.get('role') ?? ''),
			hasKey: form.get('hasKey') === 'on'
		};
		const r = await setMembership(db(), change);
		if (!r.ok) return fail(400, { addError: changeMessage(r.error) });
		await auditAdmin(db(), admin, 'org.membership_set', change);
		return { added: true };
	},
	remove: async ({ locals, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const change = { staffId: String(form.get('staffId') ?? ''), organId: String(form.get('organId') ?? '') };
		const r = await removeMembership(db(), change);
		if (!r.ok) return fail(400, { removeError: changeMessage(r.error) });
		await auditAdmin(db(), admin, 'org.membership_remove', change);
		return { removed: true };
	}
};
