/**
 * Back-office statistics (issue 6 item 7, docs/backoffice.md "Statistics"): figures over the reports of
 * an organ head's jurisdiction, for the political-ecology analysis (政治生态分析研判). Clear metadata only
 * (architecture invariant 3): unit, organ, dates, category, kind, position, workflow state, disposition,
 * outcome code and deadlines; never content.
 *
 * Jurisdiction: the organs a member heads and every organ below them (discipline_organ.ancestor_ids);
 * a report counts when its organ_id (the organ holding it now) is in that set. Instance admins see the
 * whole tree (aggregates only; they never see a report). Everybody else has no statistics (403).
 *
 * The period filters the received date: every figure describes the cohort of reports received in it
 * (per month = month received; median days to conclusion = over the cohort's concluded reports).
 *
 * Counts per unit and per region below the instance's STATS_MIN_COUNT are withheld (null), as in the
 * public figures (src/lib/server/reports/stats.ts): a single report at a small unit should not stand out
 * in a table passed around. Totals and breakdowns over the whole scope are exact.
 *
 * Everything is SQL aggregates over the report table (a few queries run concurrently); see the benchmark
 * tests/bench/backoffice.ts for figures at 1,000,000 reports.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import { STATE_INFO, type WorkflowState } from '$lib/server/workflow/vocabulary';

/** States in which nothing is running any more for the holding organ (stage closed or after). */
export const FINISHED_STATES: readonly WorkflowState[] = (Object.keys(STATE_INFO) as WorkflowState[]).filter(
	(s) => STATE_INFO[s].stage === 'closed' || STATE_INFO[s].stage === 'after'
);

/** work_mem for the statistics queries (per query and parallel worker). */
export const STATS_WORK_MEM = '32MB';

const FINISHED_SQL = sql.raw(`(${FINISHED_STATES.map((s) => `'${s}'`).join(', ')})`);

export interface OrganRef {
	id: string;
	name: string;
	level: string;
}

/** Who may see statistics, and over which organs. */
export interface StatsAccess {
	/** 'head': the organs in `roots` and below; 'admin': the whole tree (roots = the top organs). */
	kind: 'head' | 'admin';
	roots: OrganRef[];
}

/**
 * The member's statistics access, or null (inspectors, organ admins, anyone without a head post).
 * An instance admin who also heads an organ gets the admin view (a superset).
 */
export async function statsAccess(db: Db, user: { id: string; isAdmin: boolean }): Promise<StatsAccess | null> {
	if (user.isAdmin) {
		const roots = rowsOf<OrganRef>(
			await db.execute(sql`select id, name, level from discipline_organ where parent_organ_id is null order by id`)
		);
		return { kind: 'admin', roots };
	}
	const heads = rowsOf<OrganRef & { ancestor_ids: string[] }>(
		await db.execute(sql`select o.id, o.name, o.level, o.ancestor_ids from organ_staff s
			join discipline_organ o on o.id = s.organ_id
			where s.staff_id = ${user.id} and s.role = 'head' order by o.id`)
	);
	if (heads.length === 0) return null;
	// An organ below another headed organ is already covered: keep only the topmost.
	const ids = new Set(heads.map((h) => h.id));
	const roots = heads.filter((h) => !(h.ancestor_ids ?? []).some((a) => ids.has(a))).map(({ id, name, level }) => ({ id, name, level }));
	return { kind: 'head', roots };
}

/** The organ `organId` if it lies in the access's jurisdiction (a root or below one), else null. */
export async function organInJurisdiction(db: Db, access: StatsAccess, organId: string): Promise<(OrganRef & { path: OrganRef[] }) | null> {
	const [row] = rowsOf<OrganRef & { ancestor_ids: string[] }>(
		await db.execute(sql`select id, name, level, ancestor_ids from discipline_organ where id = ${organId}`)
	);
	if (!row) return null;
	const chain = [...(row.ancestor_ids ?? []), row.id];
	const rootIds = access.roots.map((r) => r.id);
	const at = chain.findIndex((id) => rootIds.includes(id));
	if (at < 0) return null;
	// The breadcrumb from the member's root down to this organ.
	const pathIds = chain.slice(at, -1);
	const names = pathIds.length
		? rowsOf<OrganRef>(await db.execute(sql`select id, name, level from discipline_organ where id in ${sqlList(pathIds)}`))
		: [];
	const byId = new Map(names.map((n) => [n.id, n]));
	return {
		id: row.id,
		name: row.name,
		level: row.level,
		path: pathIds.map((id) => byId.get(id)).filter((x): x is OrganRef => x !== undefined)
	};
}

/** The organs directly below `organId` that hold or held reports' jurisdiction (for drilling down). */
export async function childOrgans(db: Db, organId: string): Promise<OrganRef[]> {
	return rowsOf<OrganRef>(
		await db.execute(sql`select id, name, level from discipline_organ where parent_organ_id = ${organId} order by id`)
	);
}

function sqlList(values: readonly string[]): SQL {
	return sql`(${sql.join(
		values.map((v) => sql`${v}`),
		sql`, `
	)})`;
}

export interface StatsQuery {
	/** The organs whose subtrees are in scope (one organ chosen in the filter, or the access's roots). */
	organIds: readonly string[];
	/** Received on or after / on or before (YYYY-MM-DD), inclusive. */
	from: string;
	to: string;
	/** Today in the configured time zone (YYYY-MM-DD): what "overdue" is measured against. */
	today: string;
	/** Counts per unit or region below this are withheld. */
	minCount: number;
	/** How many units the "top units" list holds. */
	topUnits?: number;
}

export interface Bucket {
	key: string;
	n: number;
}

export interface PlaceCount {
	id: string;
	name: string;
	regionPath: string;
	/** null: fewer than minCount (withheld). */
	n: number | null;
	overdue: number | null;
}

export interface BackofficeStats {
	from: string;
	to: string;
	today: string;
	minCount: number;
	total: number;
	open: number;
	/** Open reports whose earliest running deadline (next_due_on) is before today. */
	overdue: number;
	/** overdue / open, null when nothing is open. */
	overdueRate: number | null;
	concluded: number;
	/** Deadlines of the cohort that were met (met_on set), and of those met after the due date. */
	deadlinesMet: number;
	deadlinesMetLate: number;
	lateRate: number | null;
	/** Median of concluded_on − received_on in calendar days over the cohort's concluded reports. */
	medianDaysToConclusion: number | null;
	byMonth: Bucket[];
	byCategory: Bucket[];
	byPosition: Bucket[];
	byKind: Bucket[];
	/** key '' = no disposition yet. */
	byDisposition: Bucket[];
	/** key '' = no outcome yet. */
	byOutcome: Bucket[];
	byState: Bucket[];
	/** Per region one level below the scope's own region (each a unit: a city, a county, a department…). */
	regions: PlaceCount[];
	/** The units with the most reports (withheld counts are never in it). */
	topUnits: PlaceCount[];
	/** How many distinct units had reports. */
	unitCount: number;
}

/** Month keys (YYYY-MM) from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
	const out: string[] = [];
	let y = Number(from.slice(0, 4));
	let m = Number(from.slice(5, 7));
	const ey = Number(to.slice(0, 4));
	const em = Number(to.slice(5, 7));
	while ((y < ey || (y === ey && m <= em)) && out.length < 1200) {
		out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
		m++;
		if (m > 12) {
			m = 1;
			y++;
		}
	}
	return out;
}

/** The scope: organs `organIds` and all below; reports received in the period. */
function scopeCte(q: StatsQuery): SQL {
	const ids = sqlList(q.organIds);
	const arr = sql`array[${sql.join(
		q.organIds.map((v) => sql`${v}`),
		sql`, `
	)}]::text[]`;
	return sql`scope as (select id from discipline_organ where id in ${ids} or ancestor_ids && ${arr})`;
}

function inScope(q: StatsQuery): SQL {
	return sql`r.organ_id in (select id from scope) and r.received_on >= ${q.from} and r.received_on <= ${q.to}`;
}

const OVERDUE = (today: string) => sql`(r.state not in ${FINISHED_SQL} and r.next_due_on < ${today})`;

/** The base region of the scope: the deepest unit every scope organ's region shares (for one organ: its own region). */
export async function baseRegion(db: Db, organIds: readonly string[]): Promise<{ depth: number; id: string | null }> {
	// A commission's region is the parent of its own unit (示范省纪委监委's unit sits in 示范省); a stationed
	// team's, its host unit; an organ without units (the central placeholder), none.
	const rows = rowsOf<{ path: string[] | null }>(
		await db.execute(sql`select case
				when o.kind = 'stationed_team' then h.ancestor_ids || h.id
				when u.parent_id is not null then p.ancestor_ids || p.id
				else null end as path
			from discipline_organ o
			left join org_unit u on u.id = o.unit_id
			left join org_unit p on p.id = u.parent_id
			left join org_unit h on h.id = o.host_unit_id
			where o.id in ${sqlList(organIds)}`)
	);
	let common: string[] | null = null;
	for (const r of rows) {
		const path = r.path ?? [];
		if (common === null) common = path;
		else {
			let i = 0;
			while (i < common.length && i < path.length && common[i] === path[i]) i++;
			common = common.slice(0, i);
		}
	}
	const c = common ?? [];
	return { depth: c.length, id: c.length ? (c[c.length - 1] ?? null) : null };
}

/** The statistics queries themselves (the benchmark EXPLAINs them one by one). */
export function statsSql(q: StatsQuery, base: { depth: number; id: string | null }): { dims: SQL; handling: SQL; deadlines: SQL; places: SQL } {
	const top = Math.max(1, Math.min(q.topUnits ?? 20, 200));
	const scope = scopeCte(q);
	const where = inScope(q);
	const overdue = OVERDUE(q.today);

	// Two single-pass aggregates instead of GROUPING SETS (one hash per row each, not eight): the
	// reported dimensions, and the handling (state, disposition, outcome, overdue, days to conclusion).
	// Marginals, totals and the exact median are summed up from their rows (a few thousand at most).
	const dims = sql`with ${scope}
		select (extract(year from r.received_on) * 100 + extract(month from r.received_on))::int as ym, r.category, r.position, r.kind, count(*)::int as n
		from report r where ${where}
		group by 1, 2, 3, 4`;

	const handling = sql`with ${scope}
		select r.state, r.disposition, r.outcome, ${overdue} as overdue, (r.concluded_on - r.received_on) as days, count(*)::int as n
		from report r where ${where}
		group by 1, 2, 3, 4, 5`;

	const deadlines = sql`with ${scope}
		select count(*)::int as met, count(*) filter (where d.met_on > d.due_on)::int as late
		from report_deadline d join report r on r.id = d.report_id
		where ${where} and d.met_on is not null`;

	// Per unit (≤ one row per unit), then rolled up to the region one level below the base region.
	const places = sql`with ${scope},
		per_unit as (
			select r.unit_id, count(*)::int as n, count(*) filter (where ${overdue})::int as overdue
			from report r where ${where} group by r.unit_id),
		placed as (
			select p.unit_id, p.n, p.overdue, u.name, u.region_path,
				coalesce(case when u.id is null then null
					when ${base.id === null ? sql`true` : sql`(u.ancestor_ids || u.id)[${base.depth}] = ${base.id}`}
					then (u.ancestor_ids || u.id)[${base.depth + 1}] end, p.unit_id) as region_id
			from per_unit p left join org_unit u on u.id = p.unit_id)
		select 'unit' as what, unit_id as id, name, region_path, n, overdue, 0 as units from (
			select * from placed order by n desc, unit_id collate "C" limit ${top}) t
		union all
		select 'region', x.region_id, coalesce(ru.name, x.region_id), coalesce(ru.region_path, x.region_id), x.n, x.overdue, x.units from (
			select region_id, sum(n)::int as n, sum(overdue)::int as overdue, count(*)::int as units from placed group by region_id) x
			left join org_unit ru on ru.id = x.region_id`;
	return { dims, handling, deadlines, places };
}

export async function backofficeStats(db: Db, q: StatsQuery): Promise<BackofficeStats> {
	const base = await baseRegion(db, q.organIds);
	const queries = statsSql(q, base);
	// Each query in its own short transaction with a larger work_mem, so grouping a province's ~100,000
	// units hashes in memory instead of sorting on disk; the four run concurrently on the pool.
	const run = (query: SQL) =>
		db.transaction(async (tx) => {
			await tx.execute(sql.raw(`set local work_mem = '${STATS_WORK_MEM}'`));
			return tx.execute(query);
		});
	const [dimRows, handlingRows, deadlineRows, placeRows] = await Promise.all([
		run(queries.dims),
		run(queries.handling),
		run(queries.deadlines),
		run(queries.places)
	]).then((rs) => rs.map((r) => rowsOf<Record<string, unknown>>(r) ?? []));

	const sum = (rows: Record<string, unknown>[] | undefined, col: string): Bucket[] => {
		const acc = new Map<string, number>();
		for (const r of rows ?? []) {
			const key = (r[col] as string | null) ?? '';
			acc.set(key, (acc.get(key) ?? 0) + Number(r.n));
		}
		return [...acc].map(([key, n]) => ({ key, n })).sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	};
	let total = 0;
	let open = 0;
	let overdueN = 0;
	let concluded = 0;
	const days = new Map<number, number>();
	for (const r of handlingRows ?? []) {
		const n = Number(r.n);
		total += n;
		if (!FINISHED_STATES.includes(r.state as WorkflowState)) open += n;
		if (r.overdue === true || r.overdue === 't') overdueN += n;
		if (r.days !== null && r.days !== undefined) {
			concluded += n;
			days.set(Number(r.days), (days.get(Number(r.days)) ?? 0) + n);
		}
	}
	// Months come back as yyyymm integers (cheaper than formatting a million dates in SQL).
	const months = new Map<string, number>();
	for (const r of dimRows ?? []) {
		const ym = Number(r.ym);
		const key = `${String(Math.floor(ym / 100)).padStart(4, '0')}-${String(ym % 100).padStart(2, '0')}`;
		months.set(key, (months.get(key) ?? 0) + Number(r.n));
	}
	const byMonth = monthsBetween(q.from, q.to).map((key) => ({ key, n: months.get(key) ?? 0 }));
	const med = medianOf(days);
	const met = Number(deadlineRows?.[0]?.met ?? 0);
	const late = Number(deadlineRows?.[0]?.late ?? 0);
	const shown = (n: number) => (n >= q.minCount ? n : null);
	const place = (r: Record<string, unknown>): PlaceCount => {
		const n = shown(Number(r.n));
		return {
			id: r.id as string,
			name: (r.name as string | null) ?? (r.id as string),
			regionPath: (r.region_path as string | null) ?? '',
			n,
			overdue: n === null ? null : Number(r.overdue)
		};
	};
	const regionRows = (placeRows ?? []).filter((r) => r.what === 'region');
	return {
		from: q.from,
		to: q.to,
		today: q.today,
		minCount: q.minCount,
		total,
		open,
		overdue: overdueN,
		overdueRate: open > 0 ? overdueN / open : null,
		concluded,
		deadlinesMet: met,
		deadlinesMetLate: late,
		lateRate: met > 0 ? late / met : null,
		medianDaysToConclusion: med,
		byMonth,
		byCategory: sum(dimRows, 'category'),
		byPosition: sum(dimRows, 'position'),
		byKind: sum(dimRows, 'kind'),
		byDisposition: sum(handlingRows, 'disposition'),
		byOutcome: sum(handlingRows, 'outcome'),
		byState: sum(handlingRows, 'state'),
		regions: regionRows
			.map(place)
			.sort((a, b) => (b.n ?? -1) - (a.n ?? -1) || (a.regionPath < b.regionPath ? -1 : a.regionPath > b.regionPath ? 1 : 0)),
		topUnits: (placeRows ?? [])
			.filter((r) => r.what === 'unit')
			.sort((a, b) => Number(b.n) - Number(a.n) || ((a.id as string) < (b.id as string) ? -1 : 1))
			.map(place)
			.filter((p) => p.n !== null),
		unitCount: regionRows.reduce((a, r) => a + Number(r.units), 0)
	};
}

/** The median of values given as value → count (the mean of the two middle values for an even count). */
export function medianOf(counts: ReadonlyMap<number, number>): number | null {
	const values = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
	const total = values.reduce((a, [, n]) => a + n, 0);
	if (total === 0) return null;
	const at = (k: number): number => {
		let seen = 0;
		for (const [v, n] of values) {
			seen += n;
			if (k < seen) return v;
		}
		return values[values.length - 1]![0];
	};
	return total % 2 === 1 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/** Every unit with reports in scope (for the CSV), most reports first; counts below minCount withheld. */
export async function unitCounts(db: Db, q: StatsQuery): Promise<PlaceCount[]> {
	const rows = rowsOf<Record<string, unknown>>(
		await db.execute(sql`with ${scopeCte(q)},
			per_unit as (select r.unit_id, count(*)::int as n, count(*) filter (where ${OVERDUE(q.today)})::int as overdue
				from report r where ${inScope(q)} group by r.unit_id)
			select p.unit_id as id, u.name, u.region_path, p.n, p.overdue from per_unit p left join org_unit u on u.id = p.unit_id
			order by p.n desc, p.unit_id collate "C"`)
	);
	return rows.map((r) => {
		const n = Number(r.n) >= q.minCount ? Number(r.n) : null;
		return {
			id: r.id as string,
			name: (r.name as string | null) ?? (r.id as string),
			regionPath: (r.region_path as string | null) ?? '',
			n,
			overdue: n === null ? null : Number(r.overdue)
		};
	});
}

/** Quantile class 0–4 of each count among the counts shown (withheld counts: -1), for the heat map. */
export function quantileClasses(counts: readonly (number | null)[]): number[] {
	const shownCounts = counts.filter((c): c is number => c !== null).sort((a, b) => a - b);
	if (shownCounts.length === 0) return counts.map(() => -1);
	return counts.map((c) => {
		if (c === null) return -1;
		// Share of shown counts strictly below c → 0..4.
		let below = 0;
		while (below < shownCounts.length && (shownCounts[below] as number) < c) below++;
		return Math.min(4, Math.floor((below / shownCounts.length) * 5));
	});
}
