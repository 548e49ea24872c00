import { error } from '@sveltejs/kit';
import type { CaseView } from '$lib/shared/wire/staff';
import { staffCryptoData } from '../../shared.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, params }) => {
	const base = await staffCryptoData(locals);
	const res = await fetch(`/staff/api/reports/${encodeURIComponent(params.id)}`, {
		headers: { accept: 'application/json' }
	});
	if (res.status === 404) error(404, 'Not found');
	if (!res.ok) error(res.status === 401 || res.status === 403 ? res.status : 502, 'The report could not be loaded');
	return { ...base, view: (await res.json()) as CaseView };
};
