/**
 * The statistics request shared by the page (/staff/stats), the JSON (/staff/api/stats) and the CSV
 * (/staff/api/stats.csv): who asks, which organ (within their jurisdiction) and which period.
 *   organ: an organ id at or below the member's roots (default: their first root)
 *   from, to: YYYY-MM-DD, received dates, inclusive (default: the last 12 months including this one)
 *   concentration: the order of the 反映集中 table, top | leadership | rate (default top)
 */
import { isDateString } from '$lib/server/calendar';
import { config } from '$lib/server/config';
import type { Db } from '$lib/server/db';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { dateIn, monthBefore } from '$lib/server/reports/dates';
import { backofficeStats, type BackofficeStats, type OrganRef } from './stats';
import { childOrgans, organInJurisdiction, statsAccess, type StatsAccess } from './stats-access';
import { CONCENTRATION_SORTS, entitledOrgans } from './stats-leads';
import type { StatsQuery } from './stats-queries';

/** Whose statistics, of which organ, over which period. */
export interface StatsTarget {
	access: StatsAccess;
	organ: OrganRef & { path: OrganRef[] };
	query: StatsQuery;
}

/** The target, or why not: `forbidden` (403) or `invalid_field` (400, naming organ, from, to or concentration). */
export type StatsRequest = Result<StatsTarget, 'forbidden' | 'invalid_field'>;

const MAX_SPAN_DAYS = 3700;

/** Resolves the request; 403 for members without statistics or an organ outside their jurisdiction. */
export async function statsRequest(
	db: Db,
	user: { id: string; isAdmin: boolean },
	params: URLSearchParams,
	now = new Date()
): Promise<StatsRequest> {
	const access = await statsAccess(db, user);
	if (!access || access.roots.length === 0) return refuse('forbidden');
	const cfg = config();
	const today = dateIn(cfg.timezone, now);
	const organId = params.get('organ') || access.roots[0]!.id;
	if (organId.length > 100) return refuse('invalid_field', { field: 'organ' });
	const organ = await organInJurisdiction(db, access, organId);
	if (!organ) return refuse('forbidden');
	const from = params.get('from') || `${monthBefore(today, 11)}-01`;
	const to = params.get('to') || today;
	if (!isDateString(from)) return refuse('invalid_field', { field: 'from' });
	if (!isDateString(to) || to < from) return refuse('invalid_field', { field: 'to' });
	if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_SPAN_DAYS) return refuse('invalid_field', { field: 'to' });
	const sort = params.get('concentration') || 'top';
	const concentrationSort = CONCENTRATION_SORTS.find((s) => s === sort);
	if (!concentrationSort) return refuse('invalid_field', { field: 'concentration' });
	return ok({
		access,
		organ,
		query: {
			organIds: [organ.id],
			from,
			to,
			today,
			minCount: cfg.statsMinCount,
			topUnits: 20,
			// Small counts are exact where every case they count is the viewer's to open.
			entitledOrgans: await entitledOrgans(db, user),
			timezone: cfg.timezone,
			concentrationSort
		}
	});
}

export interface StatsPageData {
	access: StatsAccess;
	organ: OrganRef & { path: OrganRef[] };
	children: OrganRef[];
	stats: BackofficeStats;
}

/**
 * Figures computed in the last few minutes, per database and query (aggregates only, never content): the
 * page and the CSV it links to show the same numbers, and a province-wide view (seconds at a million
 * reports, see the benchmark) is computed once per few minutes rather than per click. Access is checked
 * before the cache is consulted.
 */
const CACHE_MS = 5 * 60_000;
const CACHE_MAX = 100;
const cache = new WeakMap<Db, Map<string, { at: number; value: Promise<BackofficeStats> }>>();

export function cachedStats(db: Db, query: StatsQuery, now = Date.now()): Promise<BackofficeStats> {
	let map = cache.get(db);
	if (!map) cache.set(db, (map = new Map()));
	const key = JSON.stringify([
		query.organIds,
		query.from,
		query.to,
		query.today,
		query.minCount,
		query.topUnits,
		query.entitledOrgans ?? [],
		query.timezone,
		query.concentrationSort
	]);
	const hit = map.get(key);
	if (hit && now - hit.at < CACHE_MS) return hit.value;
	const value = backofficeStats(db, query);
	map.set(key, { at: now, value });
	value.catch(() => map.delete(key));
	for (const [k, v] of map) if (k !== key && (map.size > CACHE_MAX || now - v.at >= CACHE_MS)) map.delete(k);
	return value;
}

export async function statsPageData(db: Db, req: StatsTarget): Promise<StatsPageData> {
	const [stats, children] = await Promise.all([cachedStats(db, req.query), childOrgans(db, req.organ.id)]);
	return { access: req.access, organ: req.organ, children, stats };
}
