import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { administeredOrgans, organByIdOrName, setOrganTimeZone } from '$lib/server/backoffice/organ-time-zone';
import { requireRole } from '$lib/server/http/staff';
import type { Actions, PageServerLoad } from './$types';

/** The organ time zone settings (issue 18): the organs the caller administers; an instance admin names any organ. */
export const load: PageServerLoad = async ({ locals }) => {
	const user = requireRole(locals, 'staff');
	return { administered: await administeredOrgans(db(), user.id), instanceAdmin: user.isAdmin };
};

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const user = requireRole(locals, 'staff');
		const form = await request.formData();
		const organText = String(form.get('organ') ?? '')
			.trim()
			.slice(0, 200);
		const timeZone = String(form.get('timeZone') ?? '')
			.trim()
			.slice(0, 100);
		const organ = organText ? await organByIdOrName(db(), organText) : null;
		if (!organ) return fail(400, { field: 'organ', message: m.inbox_tz_forbidden() });
		const r = await setOrganTimeZone({ db: db(), user, now: new Date() }, organ.id, { timeZone });
		if (!r.ok) {
			const message = r.code === 'invalid_field' ? m.inbox_tz_invalid() : m.inbox_tz_forbidden();
			return fail(r.code === 'invalid_field' ? 400 : 403, {
				field: r.code === 'invalid_field' ? 'timeZone' : 'organ',
				message
			});
		}
		return { saved: m.inbox_tz_saved({ organ: organ.name, zone: r.value.timeZone }, { locale: getLocale() }) };
	}
};
