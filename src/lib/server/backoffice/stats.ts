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
 * Everything is SQL aggregates (a few queries run concurrently). For an organ below the province level
 * they count the report table; for the central and provincial organs (whose subtrees hold every report)
 * they read the roll-ups of migration 0006 instead — report_stats_month (per scope organ, month and
 * dimension) and report_stats_unit (per holding organ, unit, month and running due day), kept by triggers
 * in every writer's transaction — plus the report table for the parts of the first and last month that the
 * period cuts. Same figures either way (stats-rollup.test.ts compares them over random data); see the
 * benchmark tests/bench/backoffice.ts for figures at 1,000,000 reports.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import { ADMIN_LEVELS } from '$lib/shared/vocabulary/org';
import { FINISHED_STAGES, WORKFLOW_STATES, type WorkflowState } from '$lib/shared/vocabulary/workflow';
import type { BackofficeStats, Bucket, OrganRef, PlaceCount, StatsScope } from '$lib/shared/wire/staff';
import { STATE_INFO } from '$lib/server/workflow/vocabulary';

export type { BackofficeStats, Bucket, OrganRef, PlaceCount };

/** States in which nothing is running any more for the holding organ (stage closed or after). */
export const FINISHED_STATES: readonly WorkflowState[] = WORKFLOW_STATES.filter((s) =>
	(FINISHED_STAGES as readonly string[]).includes(STATE_INFO[s].stage)
);

/** work_mem for the statistics queries (per query and parallel worker). */
export const STATS_WORK_MEM = '32MB';

const FINISHED_SQL = sql.raw(`(${FINISHED_STATES.map((s) => `'${s}'`).join(', ')})`);

/** Who may see statistics, and over which organs. */
export interface StatsAccess {
	/** 'head': the organs in `roots` and below; 'admin': the whole tree (roots = the top organs). */
	kind: StatsScope;
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
	const roots = heads
		.filter((h) => !(h.ancestor_ids ?? []).some((a) => ids.has(a)))
		.map(({ id, name, level }) => ({ id, name, level }));
	return { kind: 'head', roots };
}

/** The organ `organId` if it lies in the access's jurisdiction (a root or below one), else null. */
export async function organInJurisdiction(
	db: Db,
	access: StatsAccess,
	organId: string
): Promise<(OrganRef & { path: OrganRef[] }) | null> {
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
		? rowsOf<OrganRef>(
				await db.execute(sql`select id, name, level from discipline_organ where id in ${sqlList(pathIds)}`)
			)
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

/**
 * Per unit (≤ one row per unit, from `perUnit`: unit_id, n, overdue), then rolled up to the region one
 * level below the base region: the top units and every region.
 */
function placesSql(q: StatsQuery, base: { depth: number; id: string | null }, perUnit: SQL): SQL {
	const top = Math.max(1, Math.min(q.topUnits ?? 20, 200));
	return sql`with ${scopeCte(q)},
		per_unit as (${perUnit}),
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
}

/** Organ levels whose subtrees report_stats_month rolls up (migration 0006): down to the province, the province-wide views. */
export const ROLLUP_LEVELS: readonly string[] = ADMIN_LEVELS.slice(0, ADMIN_LEVELS.indexOf('province') + 1);

/**
 * How a query over the roll-ups splits its period: whole months [fromMonth, toMonth] (yyyymm) from the
 * roll-ups, and the parts of the first and last month that the period cuts (and in which reports were
 * received outside it) from the report table.
 */
export interface RollupPlan {
	fromMonth: number;
	toMonth: number;
	edges: { from: string; to: string }[];
}

const ym = (d: string) => Number(d.slice(0, 4)) * 100 + Number(d.slice(5, 7));
const lastDay = (m: number) => new Date(Date.UTC(Math.floor(m / 100), m % 100, 0)).getUTCDate();
const dayOf = (m: number, d: number) =>
	`${String(Math.floor(m / 100)).padStart(4, '0')}-${String(m % 100).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const nextMonth = (m: number) => (m % 100 === 12 ? m + 89 : m + 1);
const prevMonth = (m: number) => (m % 100 === 1 ? m - 89 : m - 1);

/**
 * The roll-up plan for `q`, or null when the statistics must be counted from the report table: some organ
 * is below the rolled-up levels (a city or a county reads few enough rows), or one organ lies below
 * another. Rebuilds report_stats_month first if the organ tree changed since it was built.
 */
export async function rollupPlan(db: Db, q: StatsQuery): Promise<RollupPlan | null> {
	if (q.organIds.length === 0) return null;
	const organs = rowsOf<{ id: string; level: string; ancestor_ids: string[] | null }>(
		await db.execute(sql`select id, level, ancestor_ids from discipline_organ where id in ${sqlList(q.organIds)}`)
	);
	const ids = new Set(q.organIds);
	if (
		organs.length !== ids.size ||
		organs.some((o) => !ROLLUP_LEVELS.includes(o.level) || (o.ancestor_ids ?? []).some((a) => ids.has(a)))
	)
		return null;
	const [state] = rowsOf<{ stale: boolean }>(await db.execute(sql`select stale from report_stats_state where id = 1`));
	if (!state) return null;
	if (state.stale) await db.transaction(async (tx) => void (await tx.execute(sql`select report_stats_rebuild()`)));

	const first = ym(q.from);
	const last = ym(q.to);
	const fromDay = Number(q.from.slice(8, 10));
	const toDay = Number(q.to.slice(8, 10));
	const cutFirst = fromDay > 1;
	const cutLast = toDay < lastDay(last);
	// Days of the cut months that hold reports: a month cut only where it has none is whole.
	const days =
		cutFirst || cutLast
			? rowsOf<{ month: number; day: string }>(
					await db.execute(sql`select month, value as day from report_stats_month
					where scope_id in ${sqlList(q.organIds)} and dim = 'day' and month in (${first}, ${last})
					group by month, value having sum(n) <> 0`)
				)
			: [];
	const outside = (m: number) =>
		days.some(
			(d) =>
				Number(d.month) === m && ((m === first && Number(d.day) < fromDay) || (m === last && Number(d.day) > toDay))
		);
	const edges: { from: string; to: string }[] = [];
	let fromMonth = first;
	let toMonth = last;
	if (first === last) {
		if ((cutFirst || cutLast) && outside(first))
			return { fromMonth: first, toMonth: prevMonth(first), edges: [{ from: q.from, to: q.to }] };
		return { fromMonth, toMonth, edges };
	}
	if (cutFirst && outside(first)) {
		edges.push({ from: q.from, to: dayOf(first, lastDay(first)) });
		fromMonth = nextMonth(first);
	}
	if (cutLast && outside(last)) {
		edges.push({ from: dayOf(last, 1), to: q.to });
		toMonth = prevMonth(last);
	}
	return { fromMonth, toMonth, edges };
}

/** Per-unit counts (unit_id, n, overdue) of a roll-up plan: whole months from report_stats_unit, the cut edges from report. */
function rollupPerUnit(q: StatsQuery, plan: RollupPlan): SQL {
	const parts: SQL[] = [];
	if (plan.fromMonth <= plan.toMonth)
		parts.push(sql`select s.unit_id, s.n, case when s.due < ${q.today} then s.n else 0 end as overdue from report_stats_unit s
			where s.organ_id in (select id from scope) and s.month between ${plan.fromMonth} and ${plan.toMonth}`);
	for (const e of plan.edges)
		parts.push(sql`select r.unit_id, 1 as n, case when ${OVERDUE(q.today)} then 1 else 0 end as overdue from report r
			where ${inScope({ ...q, from: e.from, to: e.to })}`);
	if (parts.length === 0) return sql`select null::text as unit_id, 0 as n, 0 as overdue where false`;
	return sql`select unit_id, sum(n)::int as n, sum(overdue)::int as overdue from (${sql.join(parts, sql` union all `)}) x
		group by unit_id having sum(n) > 0`;
}

/** The roll-up query of a plan's whole months: (month, dim, value, n) for every dimension but `day`. */
function rollupMonthSql(q: StatsQuery, plan: RollupPlan): SQL {
	return sql`select month, dim, value, sum(n)::int as n from report_stats_month
		where scope_id in ${sqlList(q.organIds)} and month between ${plan.fromMonth} and ${plan.toMonth} and dim <> 'day'
		group by month, dim, value having sum(n) <> 0`;
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

	const places = placesSql(
		q,
		base,
		sql`select r.unit_id, count(*)::int as n, count(*) filter (where ${overdue})::int as overdue
			from report r where ${where} group by r.unit_id`
	);
	return { dims, handling, deadlines, places };
}

/** Marginal counts gathered from the report table and/or the roll-ups, before they become BackofficeStats. */
interface Tally {
	months: Map<string, number>;
	category: Map<string, number>;
	position: Map<string, number>;
	kind: Map<string, number>;
	state: Map<string, number>;
	disposition: Map<string, number>;
	outcome: Map<string, number>;
	/** concluded_on − received_on → reports. */
	days: Map<number, number>;
	overdue: number;
	met: number;
	late: number;
}

const add = <K>(m: Map<K, number>, k: K, n: number) => m.set(k, (m.get(k) ?? 0) + n);
const monthKey = (yyyymm: number) =>
	`${String(Math.floor(yyyymm / 100)).padStart(4, '0')}-${String(yyyymm % 100).padStart(2, '0')}`;

/** Adds the rows of statsSql's dims, handling and deadlines queries. */
function tallyReportRows(
	t: Tally,
	dimRows: Record<string, unknown>[],
	handlingRows: Record<string, unknown>[],
	deadlineRows: Record<string, unknown>[]
): void {
	for (const r of dimRows) {
		const n = Number(r.n);
		// Months come back as yyyymm integers (cheaper than formatting a million dates in SQL).
		add(t.months, monthKey(Number(r.ym)), n);
		add(t.category, (r.category as string | null) ?? '', n);
		add(t.position, (r.position as string | null) ?? '', n);
		add(t.kind, (r.kind as string | null) ?? '', n);
	}
	for (const r of handlingRows) {
		const n = Number(r.n);
		add(t.state, (r.state as string | null) ?? '', n);
		add(t.disposition, (r.disposition as string | null) ?? '', n);
		add(t.outcome, (r.outcome as string | null) ?? '', n);
		if (r.overdue === true || r.overdue === 't') t.overdue += n;
		if (r.days !== null && r.days !== undefined) add(t.days, Number(r.days), n);
	}
	t.met += Number(deadlineRows[0]?.met ?? 0);
	t.late += Number(deadlineRows[0]?.late ?? 0);
}

/** Adds the rows of rollupMonthSql (month, dim, value, n). */
function tallyRollupRows(t: Tally, rows: Record<string, unknown>[], today: string): void {
	for (const r of rows) {
		const n = Number(r.n);
		const value = r.value as string;
		switch (r.dim) {
			case 'state':
				add(t.state, value, n);
				add(t.months, monthKey(Number(r.month)), n); // every report has exactly one state
				break;
			case 'category':
			case 'position':
			case 'kind':
			case 'disposition':
			case 'outcome':
				add(t[r.dim], value, n);
				break;
			case 'days':
				add(t.days, Number(value), n);
				break;
			case 'due':
				if (value < today) t.overdue += n;
				break;
			case 'met':
				t.met += n;
				break;
			case 'late':
				t.late += n;
				break;
		}
	}
}

export interface StatsOptions {
	/** 'auto' (default): the roll-ups where rollupPlan allows; 'report': always count the report table. */
	source?: 'auto' | 'report';
}

export async function backofficeStats(db: Db, q: StatsQuery, opts: StatsOptions = {}): Promise<BackofficeStats> {
	const [base, plan] = await Promise.all([
		baseRegion(db, q.organIds),
		opts.source === 'report' ? null : rollupPlan(db, q)
	]);
	// Each query in its own short transaction with a larger work_mem, so grouping a province's ~100,000
	// units hashes in memory instead of sorting on disk; the queries run concurrently on the pool.
	// `hashOnly` (the roll-up places, whose scope is every organ of the province): hash joins, never a nested
	// loop of index probes per organ, which the planner picks when a month range looks selective (the
	// 12-month places query took 1.4 s that way, 1.0 s with hash joins on a busier machine).
	const run = (query: SQL, hashOnly = false) =>
		db
			.transaction(async (tx) => {
				await tx.execute(sql.raw(`set local work_mem = '${STATS_WORK_MEM}'`));
				if (hashOnly) await tx.execute(sql`set local enable_nestloop = off`);
				return tx.execute(query);
			})
			.then((r) => rowsOf<Record<string, unknown>>(r) ?? []);
	const t: Tally = {
		months: new Map(),
		category: new Map(),
		position: new Map(),
		kind: new Map(),
		state: new Map(),
		disposition: new Map(),
		outcome: new Map(),
		days: new Map(),
		overdue: 0,
		met: 0,
		late: 0
	};
	let placeRows: Record<string, unknown>[];
	if (!plan) {
		const queries = statsSql(q, base);
		const [dimRows, handlingRows, deadlineRows, places] = await Promise.all([
			run(queries.dims),
			run(queries.handling),
			run(queries.deadlines),
			run(queries.places)
		]);
		tallyReportRows(t, dimRows, handlingRows, deadlineRows);
		placeRows = places;
	} else {
		// Whole months from the roll-ups; the cut parts of the first and last month from the report table.
		const edgeQueries = plan.edges.map((e) => statsSql({ ...q, from: e.from, to: e.to }, base));
		const [monthRows, places, ...edgeRows] = await Promise.all([
			plan.fromMonth <= plan.toMonth ? run(rollupMonthSql(q, plan)) : Promise.resolve([]),
			run(placesSql(q, base, rollupPerUnit(q, plan)), true),
			...edgeQueries.flatMap((e) => [run(e.dims), run(e.handling), run(e.deadlines)])
		]);
		tallyRollupRows(t, monthRows, q.today);
		for (let i = 0; i < edgeQueries.length; i++)
			tallyReportRows(t, edgeRows[3 * i]!, edgeRows[3 * i + 1]!, edgeRows[3 * i + 2]!);
		placeRows = places;
	}
	return finish(q, t, placeRows);
}

/** The queries of the roll-up path (the benchmark times them one by one): months, places, and the cut edges' report queries. */
export function rollupSql(
	q: StatsQuery,
	base: { depth: number; id: string | null },
	plan: RollupPlan
): Record<string, SQL> {
	const out: Record<string, SQL> = {
		'roll-up months': rollupMonthSql(q, plan),
		'roll-up places': placesSql(q, base, rollupPerUnit(q, plan))
	};
	plan.edges.forEach((e, i) => {
		const edge = statsSql({ ...q, from: e.from, to: e.to }, base);
		out[`edge ${i + 1} (${e.from}..${e.to}) dims`] = edge.dims;
		out[`edge ${i + 1} handling`] = edge.handling;
		out[`edge ${i + 1} deadlines`] = edge.deadlines;
	});
	return out;
}

function finish(q: StatsQuery, t: Tally, placeRows: Record<string, unknown>[]): BackofficeStats {
	const buckets = (m: Map<string, number>): Bucket[] =>
		[...m]
			.filter(([, n]) => n !== 0)
			.map(([key, n]) => ({ key, n }))
			.sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	let total = 0;
	let open = 0;
	for (const [state, n] of t.state) {
		total += n;
		if (!FINISHED_STATES.includes(state as WorkflowState)) open += n;
	}
	let concluded = 0;
	for (const n of t.days.values()) concluded += n;
	const byMonth = monthsBetween(q.from, q.to).map((key) => ({ key, n: t.months.get(key) ?? 0 }));
	const med = medianOf(t.days);
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
	const regionRows = placeRows.filter((r) => r.what === 'region');
	return {
		from: q.from,
		to: q.to,
		today: q.today,
		minCount: q.minCount,
		total,
		open,
		overdue: t.overdue,
		overdueRate: open > 0 ? t.overdue / open : null,
		concluded,
		deadlinesMet: t.met,
		deadlinesMetLate: t.late,
		lateRate: t.met > 0 ? t.late / t.met : null,
		medianDaysToConclusion: med,
		byMonth,
		byCategory: buckets(t.category),
		byPosition: buckets(t.position),
		byKind: buckets(t.kind),
		byDisposition: buckets(t.disposition),
		byOutcome: buckets(t.outcome),
		byState: buckets(t.state),
		regions: regionRows
			.map(place)
			.sort(
				(a, b) => (b.n ?? -1) - (a.n ?? -1) || (a.regionPath < b.regionPath ? -1 : a.regionPath > b.regionPath ? 1 : 0)
			),
		topUnits: placeRows
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
export async function unitCounts(db: Db, q: StatsQuery, opts: StatsOptions = {}): Promise<PlaceCount[]> {
	const plan = opts.source === 'report' ? null : await rollupPlan(db, q);
	const perUnit = plan
		? rollupPerUnit(q, plan)
		: sql`select r.unit_id, count(*)::int as n, count(*) filter (where ${OVERDUE(q.today)})::int as overdue
				from report r where ${inScope(q)} group by r.unit_id`;
	const rows = rowsOf<Record<string, unknown>>(
		await db.execute(sql`with ${scopeCte(q)},
			per_unit as (${perUnit})
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
