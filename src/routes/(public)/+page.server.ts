import { getLocale } from '$lib/paraglide/runtime';
import { config } from '$lib/server/config';
import { db } from '$lib/server/db';
import { log } from '$lib/server/log';
import { publicStats } from '$lib/server/reports/stats';
import { GUIDE_CATEGORY_ORDER } from '$lib/shared/vocabulary/report';
import type { StatsView } from '$lib/components/PublicStats.svelte';
import type { PageServerLoad } from './$types';

/**
 * The home page shows the public figures (docs/reporting.md §5), loaded here on the server so the page
 * works without JavaScript and the reporter's browser makes no extra request. Newest month first; month
 * names in the page's language; categories in the guide's order, only those with a count to show.
 */
export const load: PageServerLoad = async () => {
	let stats: StatsView | null = null;
	try {
		const cfg = config();
		const raw = await publicStats(db(), { statsMinCount: cfg.statsMinCount, timezone: cfg.timezone });
		const fmt = new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: 'long', timeZone: 'UTC' });
		stats = {
			minCount: raw.minCount,
			months: raw.months
				.map((row) => {
					const counts = row.byCategory;
					return {
						month: row.month,
						label: fmt.format(new Date(`${row.month}-01T00:00:00Z`)),
						received: row.received,
						concluded: row.concluded,
						byCategory: GUIDE_CATEGORY_ORDER.filter((code) => typeof counts[code] === 'number').map((code) => ({
							code,
							count: counts[code] ?? null
						}))
					};
				})
				.reverse()
		};
	} catch (e) {
		// The page still answers (the figures are a nicety, reporting is what matters); the error is logged
		// without anything about the visitor.
		log('error', 'public_stats_failed', { error: e instanceof Error ? e.name + ': ' + e.message : 'unknown' });
	}
	return { stats };
};
