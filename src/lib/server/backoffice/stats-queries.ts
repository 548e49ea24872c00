/**
 * The SQL of the back-office statistics over the report table (see ./stats.ts for what the figures mean):
 * the scope of a query (an organ subtree and a period of received dates), the dimensions, the handling, the
 * deadlines and the places (top units, regions). The roll-up path (./stats-rollup.ts) reuses the scope and
 * places; the benchmark EXPLAINs these queries one by one.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import { FINISHED_STAGES, WORKFLOW_STATES, type WorkflowState } from '$lib/shared/vocabulary/workflow';
import { STATE_INFO } from '$lib/server/workflow/vocabulary';

/** States in which nothing is running any more for the holding organ (stage closed or after). */
export const FINISHED_STATES: readonly WorkflowState[] = WORKFLOW_STATES.filter((s) =>
	(FINISHED_STAGES as readonly string[]).includes(STATE_INFO[s].stage)
);

/** work_mem for the statistics queries (per query and parallel worker). */
export const STATS_WORK_MEM = '32MB';

const FINISHED_SQL = sql.raw(`(${FINISHED_STATES.map((s) => `'${s}'`).join(', ')})`);

export function sqlList(values: readonly string[]): SQL {
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
	/** Counts per unit or region below this are withheld, unless every case they count is the viewer's to open. */
	minCount: number;
	/** The organs whose cases the viewer may open (./stats-leads.ts entitledOrgans); none: every small count withheld. */
	entitledOrgans?: readonly string[];
	/** The configured time zone (lead times are read as dates in it); default Asia/Shanghai. */
	timezone?: string;
	/** The order of the 反映集中 table (default 'top'). */
	concentrationSort?: 'top' | 'leadership' | 'rate';
	/** How many units the "top units" list holds. */
	topUnits?: number;
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
export function scopeCte(q: StatsQuery): SQL {
	const ids = sqlList(q.organIds);
	const arr = sql`array[${sql.join(
		q.organIds.map((v) => sql`${v}`),
		sql`, `
	)}]::text[]`;
	return sql`scope as (select id from discipline_organ where id in ${ids} or ancestor_ids && ${arr})`;
}

export function inScope(q: StatsQuery): SQL {
	return sql`r.organ_id in (select id from scope) and r.received_on >= ${q.from} and r.received_on <= ${q.to}`;
}

/** Whether the organ (SQL) is one whose cases the viewer may open. */
export function entitled(q: StatsQuery, organ: SQL): SQL {
	const organs = q.entitledOrgans ?? [];
	return organs.length ? sql`(${organ} in ${sqlList(organs)})` : sql`false`;
}

export const OVERDUE = (today: string) => sql`(r.state not in ${FINISHED_SQL} and r.next_due_on < ${today})`;

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

/**
 * Per unit (≤ one row per unit, from `perUnit`: unit_id, n, overdue, mine = the reports held by an organ whose
 * cases the viewer may open), then rolled up to the region one
 * level below the base region: the top units and every region.
 */
export function placesSql(q: StatsQuery, base: { depth: number; id: string | null }, perUnit: SQL): SQL {
	const top = Math.max(1, Math.min(q.topUnits ?? 20, 200));
	return sql`with ${scopeCte(q)},
		per_unit as (${perUnit}),
		placed as (
			select p.unit_id, p.n, p.overdue, p.mine, u.name, u.region_path,
				coalesce(case when u.id is null then null
					when ${base.id === null ? sql`true` : sql`(u.ancestor_ids || u.id)[${base.depth}] = ${base.id}`}
					then (u.ancestor_ids || u.id)[${base.depth + 1}] end, p.unit_id) as region_id
			from per_unit p left join org_unit u on u.id = p.unit_id)
		select 'unit' as what, unit_id as id, name, region_path, n, overdue, mine, 0 as units from (
			select * from placed order by n desc, unit_id collate "C" limit ${top}) t
		union all
		select 'region', x.region_id, coalesce(ru.name, x.region_id), coalesce(ru.region_path, x.region_id), x.n, x.overdue, x.mine, x.units from (
			select region_id, sum(n)::int as n, sum(overdue)::int as overdue, sum(mine)::int as mine, count(*)::int as units from placed group by region_id) x
			left join org_unit ru on ru.id = x.region_id`;
}

/** The statistics queries themselves (the benchmark EXPLAINs them one by one). */
export function statsSql(
	q: StatsQuery,
	base: { depth: number; id: string | null }
): { dims: SQL; handling: SQL; deadlines: SQL; places: SQL } {
	const scope = scopeCte(q);
	const where = inScope(q);
	const overdue = OVERDUE(q.today);

	// Two single-pass aggregates instead of GROUPING SETS (one hash per row each, not eight): the
	// reported dimensions, and the handling (state, disposition, outcome, overdue, days to conclusion).
	// Marginals, totals and the exact median are summed up from their rows (a few thousand at most).
	const dims = sql`with ${scope}
		select (extract(year from r.received_on) * 100 + extract(month from r.received_on))::int as ym, r.category, r.position, count(*)::int as n
		from report r where ${where}
		group by 1, 2, 3`;

	const handling = sql`with ${scope}
		select r.state, r.disposition, r.outcome, ${overdue} as overdue, (r.concluded_on - r.received_on) as days, count(*)::int as n
		from report r where ${where}
		group by 1, 2, 3, 4, 5`;

	const deadlines = sql`with ${scope}
		select count(*)::int as met, count(*) filter (where d.met_on > d.due_on)::int as late
		from report_deadline d join report r on r.id = d.report_id
		where ${where} and d.met_on is not null`;

	const places = placesSql(
		q,
		base,
		sql`select r.unit_id, count(*)::int as n, count(*) filter (where ${overdue})::int as overdue,
				count(*) filter (where ${entitled(q, sql`r.organ_id`)})::int as mine
			from report r where ${where} group by r.unit_id`
	);
	return { dims, handling, deadlines, places };
}
