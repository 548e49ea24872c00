import { error, fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { auditAdmin } from '$lib/server/audit/log';
import {
	declareConflict,
	getUnitDetail,
	listActiveStaff,
	previewRouting,
	removeConflict,
	updateUnit,
	type AdminChangeError,
	type UnitEditError
} from '$lib/server/org/admin';
import { getUnitManagement, setPostManagement, type ManagementEditError } from '$lib/server/org/admin-management';
import { requireAdmin } from '../../guard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	requireAdmin(locals);
	const detail = await getUnitDetail(db(), params.id);
	if (!detail) error(404, 'Not found');
	const en = getLocale() === 'en';
	const [preview, staff, management] = await Promise.all([
		previewRouting(db(), params.id),
		listActiveStaff(db()),
		getUnitManagement(db(), params.id)
	]);
	return {
		...detail,
		management,
		preview: preview.map((p) => ({ ...p, text: en ? p.explanation.en : p.explanation.zh })),
		staff
	};
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

const editMessage = (e: UnitEditError): string =>
	({
		unknown_unit: m.org_error_unknown_unit(),
		unknown_parent: m.org_edit_error_unknown_parent(),
		invalid_name: m.org_edit_error_invalid_name(),
		cycle: m.org_edit_error_cycle(),
		level_above_parent: m.org_edit_error_level()
	})[e];

const managementMessage = (e: ManagementEditError): string =>
	({
		unknown_unit: m.org_error_unknown_unit(),
		unknown_organ: m.org_error_unknown_organ(),
		organ_required: m.org_management_error_organ_required(),
		organ_not_allowed: m.org_management_error_organ_not_allowed(),
		invalid_position: m.org_management_error_invalid(),
		invalid_managed_by: m.org_management_error_invalid()
	})[e];

export const actions: Actions = {
	manage: async ({ locals, params, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const position = String(form.get('position') ?? '');
		const managedBy = String(form.get('managedBy') ?? '');
		const organId = String(form.get('organId') ?? '').trim();
		const r = await setPostManagement(db(), { unitId: params.id, position, managedBy, organId });
		if (!r.ok) return fail(400, { manageError: managementMessage(r.error), managePosition: position });
		await auditAdmin(db(), admin, 'org.management_set', {
			unitId: params.id,
			position,
			managedBy,
			organId: organId === '' ? null : organId
		});
		return { managed: true, managePosition: position };
	},
	edit: async ({ locals, params, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const parent = String(form.get('parentId') ?? '').trim();
		const r = await updateUnit(db(), params.id, {
			name: String(form.get('name') ?? ''),
			parentId: parent === '' ? null : parent
		});
		if (!r.ok) return fail(400, { editError: editMessage(r.error) });
		await auditAdmin(db(), admin, 'org.unit_edit', { unitId: params.id, parentId: parent === '' ? null : parent });
		return { edited: true };
	},
	declare: async ({ locals, params, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const r = await declareConflict(db(), {
			staffId: String(form.get('staffId') ?? ''),
			unitId: params.id,
			reason: String(form.get('reason') ?? '')
		});
		if (!r.ok) return fail(400, { conflictError: changeMessage(r.error) });
		await auditAdmin(db(), admin, 'org.conflict_declare', {
			staffId: String(form.get('staffId') ?? ''),
			unitId: params.id
		});
		return { declared: true };
	},
	remove: async ({ locals, params, request }) => {
		const admin = requireAdmin(locals);
		const form = await request.formData();
		const r = await removeConflict(db(), { staffId: String(form.get('staffId') ?? ''), unitId: params.id });
		if (!r.ok) return fail(400, { removeError: changeMessage(r.error) });
		await auditAdmin(db(), admin, 'org.conflict_remove', {
			staffId: String(form.get('staffId') ?? ''),
			unitId: params.id
		});
		return { removed: true };
	}
};
