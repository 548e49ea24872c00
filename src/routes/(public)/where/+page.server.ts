import { fail } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import type { Bilingual } from '$lib/shared/bilingual';
import type { RoutingAnswer, UnitHit } from '$lib/shared/wire/public';
import { db } from '$lib/server/db';
import { messageOf } from '$lib/server/http/answer';
import { findUnits, previewRouting } from '$lib/server/org/api';
import type { Actions, PageServerLoad } from './$types';

/**
 * "Where will my report go?": a page over the public routing rules that works without JavaScript and
 * leaves nothing behind: no cookie, nothing stored, and (issue 14) nothing of the search, the unit or the
 * post in any URL or in the browser history. Every step is a POST form action (search, choose a unit,
 * show where it goes); the choice travels in the forms' hidden fields only.
 */
export const load: PageServerLoad = () => ({});

const lang = (): keyof Bilingual => (getLocale() === 'en' ? 'en' : 'zh');
const text = (form: FormData, key: string, max = 100) => String(form.get(key) ?? '').slice(0, max);

async function unitOf(unit: string, position = 'top_leader', escalate = false) {
	const r = await previewRouting(db(), new URLSearchParams({ unit, position, escalate: escalate ? '1' : '0' }));
	return r;
}

export const actions: Actions = {
	search: async ({ request }) => {
		const q = text(await request.formData(), 'q', 50);
		const r = await findUnits(db(), new URLSearchParams({ q, limit: '20' }));
		if (!r.ok) return fail(400, { q, error: messageOf(r)[lang()] });
		return { q, hits: r.value as UnitHit[] };
	},
	choose: async ({ request }) => {
		const r = await unitOf(text(await request.formData(), 'unit'));
		if (!r.ok) return fail(400, { error: messageOf(r)[lang()] });
		return { selected: r.value.unit, position: 'top_leader', escalate: false };
	},
	route: async ({ request }) => {
		const form = await request.formData();
		const position = text(form, 'position', 20) || 'top_leader';
		const escalate = form.get('escalate') === '1';
		const r = await unitOf(text(form, 'unit'), position, escalate);
		if (!r.ok) return fail(400, { error: messageOf(r)[lang()] });
		const routed: Omit<RoutingAnswer, 'explanation'> & { explanation: string } = {
			...r.value,
			explanation: r.value.explanation[lang()]
		};
		return { selected: r.value.unit, position, escalate, routed };
	}
};
