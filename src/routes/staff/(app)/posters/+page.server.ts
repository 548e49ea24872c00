import { fail, redirect } from '@sveltejs/kit';
import { localizeHref } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { requireRole } from '$lib/server/http/staff';
import { mayPrintAny, posterCounties } from '$lib/server/org/posters';
import { isId } from '$lib/shared/encoding';
import type { Actions, PageServerLoad } from './$types';

/** The posters' help page (issue 22): how the QR code keeps the unit off the network, and what to print. */
export const load: PageServerLoad = async ({ locals }) => {
	const user = requireRole(locals, 'staff');
	const allowed = await mayPrintAny(db(), user);
	return { allowed, counties: allowed ? await posterCounties(db(), user) : [] };
};

export const actions: Actions = {
	/** Opens the poster of a unit by its id (the unit page checks the permission). */
	open: async ({ locals, request }) => {
		requireRole(locals, 'staff');
		const id: string = String((await request.formData()).get('unit') ?? '').trim();
		if (!isId(id)) return fail(400, { unitError: true, unit: String(id).slice(0, 100) });
		redirect(303, localizeHref(`/staff/posters/unit/${encodeURIComponent(id)}`));
	}
};
