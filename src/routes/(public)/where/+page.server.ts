import { getLocale } from '$lib/paraglide/runtime';
import type { Bilingual } from '$lib/shared/bilingual';
import type { RoutingAnswer, UnitHit } from '$lib/shared/wire/public';
import { db } from '$lib/server/db';
import { messageOf } from '$lib/server/http/answer';
import { findUnits, previewRouting } from '$lib/server/org/api';
import type { PageServerLoad } from './$types';

/**
 * "Where will my report go?": a plain GET page over the public routing rules, so it works without
 * JavaScript and leaves nothing behind (no cookie, nothing stored; the query is not logged).
 */
export const load: PageServerLoad = async ({ url }) => {
	const lang: keyof Bilingual = getLocale() === 'en' ? 'en' : 'zh';
	const pick = (e: Bilingual) => e[lang];
	const q = (url.searchParams.get('q') ?? '').slice(0, 50);
	const unitId = url.searchParams.get('unit');

	let hits: UnitHit[] | null = null;
	let error: string | null = null;
	if (q.trim() !== '' && !unitId) {
		const r = await findUnits(db(), new URLSearchParams({ q, limit: '20' }));
		if (r.ok) hits = r.value;
		else error = pick(messageOf(r));
	}

	let routed: (Omit<RoutingAnswer, 'explanation'> & { explanation: string }) | null = null;
	let selected: UnitHit | null = null;
	if (unitId) {
		const params = new URLSearchParams({
			unit: unitId,
			position: url.searchParams.get('position') ?? 'top_leader',
			kind: 'public_tip',
			escalate: url.searchParams.get('escalate') === '1' ? '1' : '0'
		});
		const r = await previewRouting(db(), params);
		if (r.ok) {
			selected = r.value.unit;
			if (url.searchParams.has('position')) routed = { ...r.value, explanation: pick(r.value.explanation) };
		} else error = pick(messageOf(r));
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
