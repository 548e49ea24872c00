import { error } from '@sveltejs/kit';
import { eq, inArray } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { disciplineOrgan } from '$lib/server/db/schema';
import type { CaseView } from '$lib/shared/wire/staff';
import { staffCryptoData } from '../shared.server';
import type { PageServerLoad } from './$types';

/** The organs a report can be sent to from `organId`: its ancestors (nearest first) and its children. */
async function transferTargets(organId: string) {
	const [self] = await db().select().from(disciplineOrgan).where(eq(disciplineOrgan.id, organId));
	if (!self) return { up: [], down: [] };
	const upIds = [...self.ancestorIds].reverse();
	const ups = upIds.length
		? await db()
				.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
				.from(disciplineOrgan)
				.where(inArray(disciplineOrgan.id, upIds))
		: [];
	const byId = new Map(ups.map((o) => [o.id, o]));
	const down = await db()
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.parentOrganId, organId))
		.orderBy(disciplineOrgan.id);
	return { up: upIds.map((id) => byId.get(id)).filter((o): o is { id: string; name: string } => !!o), down };
}

export const load: PageServerLoad = async ({ locals, fetch, params }) => {
	const base = await staffCryptoData(locals);
	const res = await fetch(`/staff/api/reports/${encodeURIComponent(params.id)}`, {
		headers: { accept: 'application/json' }
	});
	if (res.status === 404) error(404, 'Not found');
	if (!res.ok) error(res.status === 401 || res.status === 403 ? res.status : 502, 'The report could not be loaded');
	const view = (await res.json()) as CaseView;
	return { ...base, view, targets: await transferTargets(view.report.organ.id) };
};
