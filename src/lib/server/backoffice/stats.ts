/**
 * Back-office statistics (issue 6 item 7, docs/backoffice.md "Statistics"): figures over the reports of
 * an organ head's jurisdiction, for the political-ecology analysis (政治生态分析研判). Clear metadata only
 * (architecture invariant 3): unit, organ, dates, category, position, workflow state, disposition,
 * outcome code and deadlines; never content. Never the report kind or the reporter's role (issue 19): both
 * are inside the ciphertext only, so no figure by kind or by who reported can come from the server.
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
 *
 * This module computes the figures of one request: ./stats-access.ts says who may ask for which organs,
 * ./stats-queries.ts holds the SQL over the report table, ./stats-rollup.ts the roll-up path.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import type { WorkflowState } from '$lib/shared/vocabulary/workflow';
import type { BackofficeStats, Bucket, OrganRef, PlaceCount } from '$lib/shared/wire/staff';
import {
	baseRegion,
	entitled,
	FINISHED_STATES,
	inScope,
	monthsBetween,
	OVERDUE,
	placesSql,
	scopeCte,
	STATS_WORK_MEM,
	statsSql,
	type StatsQuery
} from './stats-queries';
import { rollupMonthSql, rollupPerUnit, rollupPlan } from './stats-rollup';
import { applyReclassification, concentration, leadFigures, reclassified, substantiation } from './stats-leads';

export type { BackofficeStats, Bucket, OrganRef, PlaceCount };

/** Marginal counts gathered from the report table and/or the roll-ups, before they become BackofficeStats. */
interface Tally {
	months: Map<string, number>;
	category: Map<string, number>;
	position: Map<string, number>;
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
	// The lead register's figures (./stats-leads.ts) run alongside the report figures.
	const fromLeads = Promise.all([
		leadFigures(db, q),
		reclassified(db, q),
		concentration(db, q, q.concentrationSort ?? 'top')
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
	const [leads, moves, conc] = await fromLeads;
	// The staff's classification where a lead holds one, instead of the reporter's guess.
	applyReclassification(t.category, moves);
	return {
		...finish(q, t, placeRows),
		reclassified: moves.reduce((a, m) => a + m.n, 0),
		leads,
		concentration: conc
	};
}

/** A place's count, or null when below minCount and not every case it counts is the viewer's to open. */
function placeCount(q: StatsQuery, r: Record<string, unknown>): number | null {
	const n = Number(r.n);
	return n >= q.minCount || (n > 0 && Number(r.mine ?? 0) === n) ? n : null;
}

function finish(
	q: StatsQuery,
	t: Tally,
	placeRows: Record<string, unknown>[]
): Omit<BackofficeStats, 'reclassified' | 'leads' | 'concentration'> {
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
	const place = (r: Record<string, unknown>): PlaceCount => {
		const n = placeCount(q, r);
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
		unitCount: regionRows.reduce((a, r) => a + Number(r.units), 0),
		reportRate: substantiation(buckets(t.outcome))
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
		: sql`select r.unit_id, count(*)::int as n, count(*) filter (where ${OVERDUE(q.today)})::int as overdue,
					count(*) filter (where ${entitled(q, sql`r.organ_id`)})::int as mine
				from report r where ${inScope(q)} group by r.unit_id`;
	const rows = rowsOf<Record<string, unknown>>(
		await db.execute(sql`with ${scopeCte(q)},
			per_unit as (${perUnit})
			select p.unit_id as id, u.name, u.region_path, p.n, p.overdue, p.mine from per_unit p left join org_unit u on u.id = p.unit_id
			order by p.n desc, p.unit_id collate "C"`)
	);
	return rows.map((r) => {
		const n = placeCount(q, r);
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
