import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { auditAdmin } from '$lib/server/audit/log';
import {
	createInvitation,
	createPasswordReset,
	disableStaffUser,
	listStaffUsers,
	normalizeDisplayName,
	normalizeUsername
} from '$lib/server/auth/accounts';
import { publicBaseUrl } from '$lib/server/auth/setup';
import { config } from '$lib/server/config';
import { requireRole } from '$lib/server/http/staff';
import { UUID_PATTERN } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'admin');
	const users = await listStaffUsers(db());
	return {
		users: users.map((u) => ({
			id: u.id,
			username: u.username,
			displayName: u.displayName,
			isAdmin: u.isAdmin,
			disabled: u.disabledAt !== null,
			hasTotp: u.totpKey !== null
		}))
	};
};

/** A canonical UUID: anything else never reaches the uuid column (PostgreSQL would refuse it with an error, a 500). */
const UUID = UUID_PATTERN;

export const actions: Actions = {
	invite: async ({ locals, request, url }) => {
		const admin = requireRole(locals, 'admin');
		const form = await request.formData();
		const username = normalizeUsername(form.get('username'));
		if (!username) return fail(400, { inviteError: m.staff_username_invalid() });
		const displayName = normalizeDisplayName(form.get('displayName'));
		if (!displayName) return fail(400, { inviteError: m.staff_display_name_invalid() });
		const made = await createInvitation(db(), {
			username,
			displayName,
			isAdmin: form.get('isAdmin') === 'on',
			createdBy: admin.id
		});
		if (!made.ok) return fail(409, { inviteError: m.staff_username_taken() });
		await auditAdmin(db(), admin, 'users.invite', { username, isAdmin: form.get('isAdmin') === 'on' });
		const base = config().origin ? publicBaseUrl(config()) : url.origin;
		return { inviteLink: `${base}/staff/invite?token=${made.token}` };
	},
	reset: async ({ locals, request, url }) => {
		const admin = requireRole(locals, 'admin');
		const id = String((await request.formData()).get('userId') ?? '');
		if (!UUID.test(id) || id === admin.id) return fail(400, { resetError: m.staff_invalid_request() });
		const made = await createPasswordReset(db(), { userId: id, createdBy: admin.id });
		if (!made.ok) return fail(400, { resetError: m.staff_invalid_request() });
		await auditAdmin(db(), admin, 'users.password_reset', { userId: id });
		const users = await listStaffUsers(db());
		const base = config().origin ? publicBaseUrl(config()) : url.origin;
		return {
			resetLink: `${base}/staff/reset?token=${made.token}`,
			resetFor: users.find((u) => u.id === id)?.username ?? ''
		};
	},
	disable: async ({ locals, request }) => {
		const admin = requireRole(locals, 'admin');
		const id = String((await request.formData()).get('userId') ?? '');
		if (!UUID.test(id) || id === admin.id) return fail(400, { disableError: m.staff_invalid_request() });
		await disableStaffUser(db(), id);
		await auditAdmin(db(), admin, 'users.disable', { userId: id });
		return { disabled: id };
	}
};
