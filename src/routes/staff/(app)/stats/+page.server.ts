import { error } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import { quantileClasses } from '$lib/server/backoffice/stats';
import { dimensionLabel } from '$lib/server/backoffice/stats-labels';
import { statsPageData, statsRequest, type StatsTarget } from '$lib/server/backoffice/stats-request';
import { statusOf } from '$lib/server/http/answer';
import { requireRole } from '$lib/server/http/staff';
import type { PageServerLoad } from './$types';

/**
 * /staff/stats: statistics of the member's jurisdiction (organ heads; instance admins see the whole tree).
 * Inspectors and anyone else get 403. Clear metadata only (docs/backoffice.md "Statistics").
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireRole(locals, 'staff');
	const req = await statsRequest(db(), user, url.searchParams);
	if (!req.ok) {
		if (req.code === 'forbidden') error(403, 'Statistics are for organ heads, within their jurisdiction');
		// A bad period: show the defaults again with a notice rather than an error page.
		const params = new URLSearchParams(url.searchParams);
		params.delete('from');
		params.delete('to');
		params.delete('concentration');
		const fallback = await statsRequest(db(), user, params);
		if (!fallback.ok) error(statusOf(fallback), 'Bad request');
		return { ...(await shape(fallback.value)), badPeriod: true };
	}
	return { ...(await shape(req.value)), badPeriod: false };
};

async function shape(req: StatsTarget) {
	const data = await statsPageData(db(), req);
	const s = data.stats;
	const dims = (dimension: Parameters<typeof dimensionLabel>[0], buckets: { key: string; n: number }[]) =>
		buckets.map((b) => ({ key: b.key, label: dimensionLabel(dimension, b.key), n: b.n }));
	const heat = quantileClasses(s.regions.map((r) => r.n));
	return {
		access: { kind: data.access.kind, roots: data.access.roots },
		organ: data.organ,
		children: data.children,
		from: s.from,
		to: s.to,
		minCount: s.minCount,
		summary: {
			total: s.total,
			open: s.open,
			overdue: s.overdue,
			overdueRate: s.overdueRate,
			concluded: s.concluded,
			medianDays: s.medianDaysToConclusion,
			deadlinesMet: s.deadlinesMet,
			deadlinesMetLate: s.deadlinesMetLate,
			lateRate: s.lateRate
		},
		charts: {
			month: dims('month', s.byMonth),
			category: dims('category', s.byCategory),
			position: dims('position', s.byPosition),
			disposition: dims('disposition', s.byDisposition),
			outcome: dims('outcome', s.byOutcome)
		},
		regions: s.regions.map((r, i) => ({ ...r, heat: heat[i] ?? -1 })),
		topUnits: s.topUnits,
		unitCount: s.unitCount,
		reportRate: s.reportRate,
		reclassified: s.reclassified,
		leads: {
			...s.leads,
			byCategory: s.leads.byCategory.map((b) => ({ ...b, label: b.key ? dimensionLabel('category', b.key) : '' })),
			personTimesByOutcome: dims('outcome', s.leads.personTimesByOutcome)
		},
		concentration: s.concentration
	};
}
