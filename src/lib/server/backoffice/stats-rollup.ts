/**
 * The roll-up path of the back-office statistics (migration 0006): for the central and provincial organs,
 * whose subtrees hold every report, whole months come from report_stats_month (per scope organ, month and
 * dimension) and report_stats_unit (per holding organ, unit, month and running due day), kept by triggers
 * in every writer's transaction; the parts of the first and last month that the period cuts come from the
 * report table (./stats-queries.ts). stats-rollup.test.ts compares both paths over random data.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import { ADMIN_LEVELS } from '$lib/shared/vocabulary/org';
import { entitled, inScope, OVERDUE, placesSql, sqlList, statsSql, type StatsQuery } from './stats-queries';

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

/** Per-unit counts (unit_id, n, overdue, mine) of a roll-up plan: whole months from report_stats_unit, the cut edges from report. */
export function rollupPerUnit(q: StatsQuery, plan: RollupPlan): SQL {
	const parts: SQL[] = [];
	if (plan.fromMonth <= plan.toMonth)
		parts.push(sql`select s.unit_id, s.n, case when s.due < ${q.today} then s.n else 0 end as overdue,
				case when ${entitled(q, sql`s.organ_id`)} then s.n else 0 end as mine from report_stats_unit s
			where s.organ_id in (select id from scope) and s.month between ${plan.fromMonth} and ${plan.toMonth}`);
	for (const e of plan.edges)
		parts.push(sql`select r.unit_id, 1 as n, case when ${OVERDUE(q.today)} then 1 else 0 end as overdue,
				case when ${entitled(q, sql`r.organ_id`)} then 1 else 0 end as mine from report r
			where ${inScope({ ...q, from: e.from, to: e.to })}`);
	if (parts.length === 0) return sql`select null::text as unit_id, 0 as n, 0 as overdue, 0 as mine where false`;
	return sql`select unit_id, sum(n)::int as n, sum(overdue)::int as overdue, sum(mine)::int as mine from (${sql.join(parts, sql` union all `)}) x
		group by unit_id having sum(n) > 0`;
}

/** The roll-up query of a plan's whole months: (month, dim, value, n) for every dimension but `day`. */
export function rollupMonthSql(q: StatsQuery, plan: RollupPlan): SQL {
	return sql`select month, dim, value, sum(n)::int as n from report_stats_month
		where scope_id in ${sqlList(q.organIds)} and month between ${plan.fromMonth} and ${plan.toMonth} and dim <> 'day'
		group by month, dim, value having sum(n) <> 0`;
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
