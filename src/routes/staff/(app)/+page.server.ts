import { staffCryptoData } from './reports/shared.server';
import type { PageServerLoad } from './$types';
import type { InboxAnswer } from '$lib/shared/wire/staff';

/** Filters the inbox API understands (docs/backoffice.md); anything else in the URL is ignored. */
const FILTERS = [
	'stage',
	'state',
	'status',
	'category',
	'kind',
	'position',
	'unit',
	'realName',
	'due',
	'assigned',
	'sort'
] as const;

export const load: PageServerLoad = async ({ locals, fetch, url }) => {
	const base = await staffCryptoData(locals);
	const q = new URLSearchParams();
	for (const k of FILTERS) {
		const v = url.searchParams.get(k);
		if (v) q.set(k, v);
	}
	let inbox: unknown = null;
	let inboxError: string | null = null;
	try {
		const res = await fetch(`/staff/api/inbox?${q.toString()}`, { headers: { accept: 'application/json' } });
		if (res.ok) inbox = await res.json();
		else {
			const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
			inboxError = body?.error?.code ?? `http_${res.status}`;
		}
	} catch {
		inboxError = 'network';
	}
	return { ...base, query: Object.fromEntries(q), inbox: inbox as InboxAnswer | null, inboxError };
};
