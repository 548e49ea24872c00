import { inbox } from '$lib/server/backoffice/inbox';
import { URL_FIELDS } from '$lib/server/backoffice/inbox-query';
import { listSavedFilters } from '$lib/server/backoffice/inbox-saved';
import { administeredOrgans } from '$lib/server/backoffice/organ-time-zone';
import { staffCtx } from '$lib/server/http/staff';
import type { ErrorCode } from '$lib/shared/errors';
import { staffCryptoData } from './reports/shared.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const ctx = staffCtx(locals);
	// Filters the inbox API understands in a URL (docs/backoffice.md); anything else in the URL is ignored.
	// Search terms (a 查询码) never come this way: the page posts them to the API.
	const q = new URLSearchParams();
	for (const k of URL_FIELDS) {
		const v = url.searchParams.get(k);
		if (v) q.set(k, v);
	}
	const [base, page, saved, administered] = await Promise.all([
		staffCryptoData(locals),
		inbox(ctx, q),
		listSavedFilters(ctx),
		administeredOrgans(ctx.db, ctx.user.id)
	]);
	const inboxError = (page.ok ? null : page.code) as ErrorCode | null;
	return {
		...base,
		query: Object.fromEntries(q),
		inbox: page.ok ? page.value : null,
		inboxError,
		saved: saved.ok ? saved.value : [],
		administers: administered.length > 0
	};
};
