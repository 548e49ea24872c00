import { inbox } from '$lib/server/backoffice/inbox';
import { staffCtx } from '$lib/server/http/staff';
import type { ErrorCode } from '$lib/shared/errors';
import { staffCryptoData } from './reports/shared.server';
import type { PageServerLoad } from './$types';

/** Filters the inbox API understands (docs/backoffice.md); anything else in the URL is ignored. */
const FILTERS = [
	'stage',
	'state',
	'status',
	'category',
	'position',
	'unit',
	'realName',
	'due',
	'assigned',
	'sort'
] as const;

export const load: PageServerLoad = async ({ locals, url }) => {
	const ctx = staffCtx(locals);
	const base = await staffCryptoData(locals);
	const q = new URLSearchParams();
	for (const k of FILTERS) {
		const v = url.searchParams.get(k);
		if (v) q.set(k, v);
	}
	const page = await inbox(ctx, q);
	const inboxError = (page.ok ? null : page.code) as ErrorCode | null;
	return {
		...base,
		query: Object.fromEntries(q),
		inbox: page.ok ? page.value : null,
		inboxError
	};
};
