import { getLocale } from '$lib/paraglide/runtime';
import { db } from '$lib/server/db';
import { routingApi, unitsApi, type ApiError } from '$lib/server/org/api';
import type { Explanation } from '$lib/server/org/routing';
import type { UnitHit } from '$lib/server/org/search';
import type { PageServerLoad } from './$types';

interface Routed {
	unit: UnitHit;
	position: string;
	escalate: boolean;
	organ: { id: string; name: string; level: string };
	deliverable: boolean;
	explanation: Explanation;
}

/**
 * "Where will my report go?": a plain GET page over the public routing rules, so it works without
 * JavaScript and leaves nothing behind (no cookie, nothing stored; the query is not logged).
 */
export const load: PageServerLoad = async ({ url }) => {
	const lang: keyof Explanation = getLocale() === 'en' ? 'en' : 'zh';
	const pick = (e: Explanation) => e[lang];
	const q = (url.searchParams.get('q') ?? '').slice(0, 50);
	const unitId = url.searchParams.get('unit');

	let hits: UnitHit[] | null = null;
	let error: string | null = null;
	if (q.trim() !== '' && !unitId) {
		const r = await unitsApi(db(), new URLSearchParams({ q, limit: '20' }));
		if (r.status === 200) hits = r.body as UnitHit[];
		else error = pick((r.body as ApiError).error.message);
	}

	let routed: (Omit<Routed, 'explanation'> & { explanation: string }) | null = null;
	let selected: UnitHit | null = null;
	if (unitId) {
		const params = new URLSearchParams({
			unit: unitId,
			position: url.searchParams.get('position') ?? 'top_leader',
			kind: 'public_tip',
			escalate: url.searchParams.get('escalate') === '1' ? '1' : '0'
		});
		const r = await routingApi(db(), params);
		if (r.status === 200) {
			const body = r.body as Routed;
			selected = body.unit;
			if (url.searchParams.has('position')) routed = { ...body, explanation: pick(body.explanation) };
		} else error = pick((r.body as ApiError).error.message);
	}
	return {
		q,
		hits,
		error,
		selected,
		position: url.searchParams.get('position') ?? 'top_leader',
		escalate: url.searchParams.get('escalate') === '1',
		routed
	};
};
