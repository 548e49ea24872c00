import { fail } from '@sveltejs/kit';
import { asc } from 'drizzle-orm';
import { m } from '$lib/paraglide/messages';
import { db } from '$lib/server/db';
import { disciplineOrgan } from '$lib/server/db/schema';
import { addDuty, organDuties, removeDuty, setDutiesEnforced } from '$lib/server/departments/store';
import { requireRole } from '$lib/server/http/staff';
import { ACTION_LABELS } from '$lib/server/workflow';
import type { Actions, PageServerLoad } from './$types';

/**
 * Departments and duties of an organ (issue 18; docs/backoffice.md "Departments and duties"): the
 * administrator gives staff a role in a department or a leader's role. Admins only (they keep the
 * directory); every change is audited (`admin.duty_add`, `admin.duty_remove`). The organ works by its division
 * of duties only once the admin switches it on here (`admin.duties_enforce`); the page lists the actions no
 * assigned duty covers.
 */
async function organs() {
	return db()
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.orderBy(asc(disciplineOrgan.ancestorIds), asc(disciplineOrgan.id));
}

export const load: PageServerLoad = async ({ locals, url }) => {
	requireRole(locals, 'admin');
	const all = await organs();
	const wanted = url.searchParams.get('organ');
	const organ = all.find((o) => o.id === wanted) ?? null;
	const actionLabels: Record<string, { zh: string; en: string }> = { ...ACTION_LABELS };
	return { organs: all, organ, duties: organ ? await organDuties(db(), organ.id) : null, actionLabels };
};

async function organOf(form: FormData): Promise<string | null> {
	const id = form.get('organ');
	if (typeof id !== 'string') return null;
	return (await organs()).some((o) => o.id === id) ? id : null;
}

export const actions: Actions = {
	add: async ({ locals, request }) => {
		const admin = requireRole(locals, 'admin');
		const form = await request.formData();
		const organId = await organOf(form);
		if (!organId) return fail(400, { error: m.dept_admin_error() });
		const dep = form.get('departmentId');
		const done = await addDuty(db(), admin.id, {
			organId,
			staffId: form.get('staffId'),
			departmentId: typeof dep === 'string' && dep !== '' ? dep : null,
			role: form.get('role')
		});
		if (!done.ok) return fail(400, { error: m.dept_admin_error() });
		return { saved: true };
	},
	enforce: async ({ locals, request }) => {
		const admin = requireRole(locals, 'admin');
		const form = await request.formData();
		const organId = await organOf(form);
		const on = form.get('enforced');
		if (!organId || (on !== '1' && on !== '0')) return fail(400, { error: m.dept_admin_error() });
		await setDutiesEnforced(db(), admin.id, organId, on === '1');
		return { saved: true };
	},
	remove: async ({ locals, request }) => {
		const admin = requireRole(locals, 'admin');
		const form = await request.formData();
		const organId = await organOf(form);
		if (!organId) return fail(400, { error: m.dept_admin_error() });
		const done = await removeDuty(db(), admin.id, organId, form.get('dutyId'));
		if (!done.ok) return fail(400, { error: m.dept_admin_error() });
		return { saved: true };
	}
};
