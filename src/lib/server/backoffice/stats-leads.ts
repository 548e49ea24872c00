/**
 * The statistics of the lead register (issue 17 item 6, issue 18 item 4; docs/backoffice.md "Statistics"):
 * leads, persons and person-times (人次) with outcomes by the four forms per person, the staff's
 * classification of reports where a lead holds one, and the "反映集中" view per unit. Clear codes, dates, ids
 * and blind values only (a person is a blind name within one organ): nothing is decrypted.
 *
 * Scope: leads held by an organ of the statistics scope (./stats-queries.ts scopeCte) and received in the
 * period (the lead's received time, read as a date in the configured time zone). A merged lead counts in the
 * lead it joined (its root): the root's period, category and outcome; its persons are the root's persons.
 *
 * The figures come from the summaries of migration 0026 (lead_stats_*: per holding organ and day, kept by
 * triggers in every writer's transaction), read with no join to the report table; persons are counted
 * distinct from lead_stats_person (per organ, day and blind name), so they stay exact over any period. When
 * the configured time zone is not the summaries' one, the same figures are counted directly
 * (./stats-leads-direct.ts, also the oracle of stats-leads.test.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { Concentration, ConcentrationSort, LeadFigures } from '$lib/shared/wire/staff-stats';
import { entitled, scopeCte, sqlList, type StatsQuery } from './stats-queries';
import {
	concentrationDirect,
	concentrationOf,
	concentrationTail,
	leadFiguresDirect,
	leadFiguresOf,
	reclassifiedDirect
} from './stats-leads-direct';

export { CONCENTRATION_ROWS, substantiation } from './stats-leads-direct';

/**
 * The organs whose cases a member may open: those where they hold a handler role (the reporter's browser
 * seals each report to the holding organ's handlers; the organ key is sealed to the same members). An instance
 * admin without such a role opens nothing: an empty list.
 */
export async function entitledOrgans(db: Db, user: { id: string; isAdmin: boolean }): Promise<string[]> {
	const rows = rowsOf<{ organ_id: string }>(
		await db.execute(sql`select s.organ_id from organ_staff s join staff_user u on u.id = s.staff_id
			where s.staff_id = ${user.id} and s.role in ${sqlList(HANDLER_ROLES)} and u.disabled_at is null
			order by s.organ_id`)
	);
	return rows.map((r) => r.organ_id);
}

/** Whether the summaries answer `q`: their days are dates in the query's time zone. */
async function summarized(db: Db, q: StatsQuery): Promise<boolean> {
	const [s] = rowsOf<{ timezone: string }>(await db.execute(sql`select timezone from lead_stats_state where id = 1`));
	return s?.timezone === (q.timezone ?? 'Asia/Shanghai');
}

/** The summary rows of the scope and period (alias s). */
const inSummary = (q: StatsQuery): SQL =>
	sql`s.organ_id in (select id from scope) and s.day between ${q.from}::date and ${q.to}::date`;

/** Leads, persons, person-times and their outcomes over the scope and period. */
export async function leadFigures(db: Db, q: StatsQuery): Promise<LeadFigures> {
	if (!(await summarized(db, q))) return leadFiguresDirect(db, q);
	const head = sql`with ${scopeCte(q)}`;
	const [leadRows, personRows] = await Promise.all([
		db.execute(sql`${head} select s.category, s.outcome, sum(s.n)::int as n from lead_stats_root s
			where ${inSummary(q)} group by 1, 2`),
		// One person-time per (root, blind name); a person is a blind name within the root's organ.
		db.execute(sql`${head},
			rows as (select s.organ_id, s.blind_name, s.outcome, s.n from lead_stats_person s where ${inSummary(q)} and s.n > 0),
			per as (select organ_id, blind_name, sum(n) as n from rows group by 1, 2)
			select 'outcome' as what, outcome, sum(n)::int as n from rows group by outcome
			union all select 'persons', null, count(*)::int from per
			union all select 'repeated', null, count(*)::int from per where n >= 2`)
	]);
	return leadFiguresOf(rowsOf(leadRows), rowsOf(personRows));
}

/**
 * The staff's classification of the scope's reports where it exists: for each report of the scope and period
 * linked to a lead of the scope that has a category, the category of its earliest such lead. Returns the
 * moves (reporter's guess → staff's category, count) to apply to the reporter's categories. From
 * lead_stats_reclass, except the few reports whose categorized leads lie in several organs (the scope decides
 * which is the earliest): those are counted directly.
 */
export async function reclassified(db: Db, q: StatsQuery): Promise<{ from: string; to: string; n: number }[]> {
	if (!(await summarized(db, q))) return reclassifiedDirect(db, q);
	const [rows, multi] = await Promise.all([
		db.execute(sql`with ${scopeCte(q)}
			select s.guess, s.staff, sum(s.n)::int as n from lead_stats_reclass s
			where ${inSummary(q)} and s.staff_organ in (select id from scope) group by 1, 2 having sum(s.n) <> 0`),
		reclassifiedDirect(db, q, sql`select s.report_id from lead_stats_report_memo s where s.multi and ${inSummary(q)}`)
	]);
	const m = new Map<string, { from: string; to: string; n: number }>();
	for (const r of [
		...rowsOf<{ guess: string; staff: string; n: number }>(rows).map((r) => ({
			from: r.guess,
			to: r.staff,
			n: Number(r.n)
		})),
		...multi
	]) {
		const k = `${r.from}\u0000${r.to}`;
		const had = m.get(k);
		if (had) had.n += r.n;
		else m.set(k, { ...r });
	}
	return [...m.values()];
}

/** Applies reclassified()'s moves to a category tally. */
export function applyReclassification(
	byCategory: Map<string, number>,
	moves: readonly { from: string; to: string; n: number }[]
): void {
	for (const m of moves) {
		byCategory.set(m.from, (byCategory.get(m.from) ?? 0) - m.n);
		byCategory.set(m.to, (byCategory.get(m.to) ?? 0) + m.n);
	}
}

export const CONCENTRATION_SORTS: readonly ConcentrationSort[] = ['top', 'leadership', 'rate'];

/**
 * 反映集中 per unit: of the scope's root leads in the period, how many concern the unit's 一把手 and how many
 * its other leadership-team members, by the clear unit and position of the lead's linked reports (a lead about
 * both counts under the 一把手; a lead without a linked report has no clear unit and is not placed). The
 * leadership total per 100 staff where the directory knows the unit's headcount (else null). A count below
 * q.minCount is withheld unless every lead in it is held by an organ whose cases the viewer may open; units
 * with a withheld figure are left out of the list (their place in the order would tell). Sorted by `sort`,
 * the first CONCENTRATION_ROWS units. From lead_stats_unit (roots per organ, day, unit and kind).
 */
export async function concentration(db: Db, q: StatsQuery, sort: ConcentrationSort): Promise<Concentration> {
	if (!(await summarized(db, q))) return concentrationDirect(db, q, sort);
	const rows = rowsOf<Record<string, unknown>>(
		await db.execute(sql`with ${scopeCte(q)},
			per_unit as (select s.unit_id, bool_and(${entitled(q, sql`s.organ_id`)}) as entitled,
					coalesce(sum(s.n) filter (where s.kind = 'top'), 0)::int as top,
					coalesce(sum(s.n) filter (where s.kind = 'team'), 0)::int as team
				from lead_stats_unit s where ${inSummary(q)} and s.n > 0 group by s.unit_id),
			${concentrationTail(q, sort, sql`select coalesce(sum(s.n), 0) from lead_stats_root s where ${inSummary(q)} and not s.linked`)}`)
	);
	return concentrationOf(rows, sort);
}
