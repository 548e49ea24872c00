/**
 * The lead register's statistics counted directly from lead, lead_person, lead_report and report (what the
 * summaries of migration 0026 hold, see ./stats-leads.ts): used when the configured time zone is not the
 * summaries' one, and as the oracle of stats-leads.test.ts. The shaping of the rows is shared with the
 * summary path, so both answer with the same structures.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import type { Bucket, Concentration, ConcentrationSort, LeadFigures } from '$lib/shared/wire/staff-stats';
import { entitled, inScope, scopeCte, type StatsQuery } from './stats-queries';

/** How many units the 反映集中 table lists. */
export const CONCENTRATION_ROWS = 50;

/** The first instant of `from` and of the day after `to`, in the time zone (lead.received_on is a timestamp). */
function periodSql(q: StatsQuery): { start: SQL; end: SQL } {
	const tz = q.timezone ?? 'Asia/Shanghai';
	return {
		start: sql`(${q.from}::date::timestamp at time zone ${tz})`,
		end: sql`((${q.to}::date + 1)::timestamp at time zone ${tz})`
	};
}

/** The root leads of the scope and period: id, organ, category, outcome. */
function rootsCte(q: StatsQuery): SQL {
	const p = periodSql(q);
	return sql`roots as (select l.id, l.organ_id, l.category, l.outcome from lead l
		where l.organ_id in (select id from scope) and l.state <> 'merged'
			and l.received_on >= ${p.start} and l.received_on < ${p.end})`;
}

const SUBSTANTIATED = (outcome: string) => outcome.startsWith('handled:');

/** 查实率 over an outcome tally: substantiated (dealt with in one of the four forms) / concluded (any outcome). */
export function substantiation(byOutcome: readonly Bucket[]): {
	substantiated: number;
	concluded: number;
	rate: number | null;
} {
	let substantiated = 0;
	let concluded = 0;
	for (const b of byOutcome) {
		if (b.key === '') continue;
		concluded += b.n;
		if (SUBSTANTIATED(b.key)) substantiated += b.n;
	}
	return { substantiated, concluded, rate: concluded > 0 ? substantiated / concluded : null };
}

const bucketsOf = (rows: Record<string, unknown>[], key: string): Bucket[] => {
	const m = new Map<string, number>();
	for (const r of rows) {
		const k = (r[key] as string | null) ?? '';
		m.set(k, (m.get(k) ?? 0) + Number(r.n));
	}
	return [...m]
		.filter(([, n]) => n !== 0)
		.map(([k, n]) => ({ key: k, n }))
		.sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
};

/**
 * LeadFigures from (category, outcome, n) lead rows and (what, outcome, n) person rows: 'outcome' rows are
 * person-times per root outcome, 'persons' and 'repeated' the counts of distinct persons (in two roots or more).
 */
export function leadFiguresOf(leads: Record<string, unknown>[], persons: Record<string, unknown>[]): LeadFigures {
	const outcomeRows = persons.filter((r) => r.what === 'outcome');
	const one = (what: string) => Number(persons.find((r) => r.what === what)?.n ?? 0);
	const byOutcome = bucketsOf(leads, 'outcome');
	const personTimesByOutcome = bucketsOf(outcomeRows, 'outcome');
	return {
		leads: leads.reduce((a, r) => a + Number(r.n), 0),
		persons: one('persons'),
		personTimes: outcomeRows.reduce((a, r) => a + Number(r.n), 0),
		repeated: one('repeated'),
		byCategory: bucketsOf(leads, 'category'),
		byOutcome,
		personTimesByOutcome,
		leadRate: substantiation(byOutcome),
		personRate: substantiation(personTimesByOutcome)
	};
}

/** Leads, persons, person-times and their outcomes over the scope and period. */
export async function leadFiguresDirect(db: Db, q: StatsQuery): Promise<LeadFigures> {
	const head = sql`with ${scopeCte(q)}, ${rootsCte(q)}`;
	// Each person row belongs to its lead's root; one person-time per (root, blind name).
	// The roots' own persons, plus those of the leads merged into them (few: found by the partial index on
	// merged_into), rather than joining every person row to its lead first.
	const pairs = sql`pairs as (select distinct x.id, x.organ_id, x.outcome, p.blind_name from (
			select p.lead_id as root_id, p.blind_name from lead_person p where p.organ_id in (select id from scope)
			union all
			select m.merged_into, p.blind_name from lead m join lead_person p on p.lead_id = m.id
			where m.merged_into is not null and m.organ_id in (select id from scope)
		) p join roots x on x.id = p.root_id)`;
	const [leadRows, personRows] = await Promise.all([
		db.execute(sql`${head} select category, outcome, count(*)::int as n from roots group by 1, 2`),
		db.execute(sql`${head}, ${pairs},
			per as (select organ_id, blind_name, count(*) as n from pairs group by 1, 2)
			select 'outcome' as what, outcome, count(*)::int as n from pairs group by outcome
			union all select 'persons', null, count(*)::int from per
			union all select 'repeated', null, count(*)::int from per where n >= 2`)
	]);
	return leadFiguresOf(rowsOf(leadRows), rowsOf(personRows));
}

/**
 * The staff's classification (see ./stats-leads.ts reclassified), counted directly; `reports` (a query of
 * report ids) narrows the reports before their leads are read.
 */
export async function reclassifiedDirect(
	db: Db,
	q: StatsQuery,
	reports?: SQL
): Promise<{ from: string; to: string; n: number }[]> {
	const only = reports ? sql`and lr.report_id in (${reports})` : sql``;
	const rows = rowsOf<{ guess: string; staff: string; n: number }>(
		await db.execute(sql`with ${scopeCte(q)},
			staff as (select distinct on (lr.report_id) lr.report_id, l.category from lead l
				join lead_report lr on lr.lead_id = l.id
				where l.organ_id in (select id from scope) and l.category is not null and l.state <> 'merged' ${only}
				order by lr.report_id, l.received_on, l.id)
			select r.category as guess, s.category as staff, count(*)::int as n
			from staff s join report r on r.id = s.report_id
			where ${inScope(q)} and r.category <> s.category group by 1, 2`)
	);
	return rows.map((r) => ({ from: r.guess, to: r.staff, n: Number(r.n) }));
}

/**
 * The tail of the 反映集中 query over `per_unit` (unit_id, entitled, top, team): the shown units, sorted,
 * and the counts; `unplaced` counts the roots without a linked report.
 */
export function concentrationTail(q: StatsQuery, sort: ConcentrationSort, unplaced: SQL): SQL {
	const order =
		sort === 'top'
			? sql`top desc, leadership desc`
			: sort === 'leadership'
				? sql`leadership desc, top desc`
				: sql`per100 desc nulls last, leadership desc`;
	const min = q.minCount;
	return sql`shown as (select p.unit_id, p.top, p.team, p.top + p.team as leadership, u.name, u.region_path, u.headcount,
					case when u.headcount > 0 then round(100.0 * (p.top + p.team) / u.headcount, 2) end as per100,
					(p.entitled or ((p.top = 0 or p.top >= ${min}) and (p.team = 0 or p.team >= ${min}))) as visible
				from per_unit p left join org_unit u on u.id = p.unit_id where p.top + p.team > 0)
			select 'row' as what, unit_id, top, team, leadership, name, region_path, headcount, per100 from (
				select * from shown where visible order by ${order}, unit_id collate "C" limit ${CONCENTRATION_ROWS}) t
			union all select 'units', null, count(*)::int, null, null, null, null, null, null from shown
			union all select 'withheld', null, count(*)::int, null, null, null, null, null, null from shown where not visible
			union all select 'unplaced', null, (${unplaced})::int, null, null, null, null, null, null`;
}

/** Concentration from the rows of concentrationTail. */
export function concentrationOf(rows: Record<string, unknown>[], sort: ConcentrationSort): Concentration {
	const n = (what: string) => Number(rows.find((r) => r.what === what)?.top ?? 0);
	return {
		rows: rows
			.filter((r) => r.what === 'row')
			.map((r) => ({
				id: r.unit_id as string,
				name: (r.name as string | null) ?? (r.unit_id as string),
				regionPath: (r.region_path as string | null) ?? '',
				topLeader: Number(r.top),
				team: Number(r.team),
				leadership: Number(r.leadership),
				headcount: r.headcount === null || r.headcount === undefined ? null : Number(r.headcount),
				per100: r.per100 === null || r.per100 === undefined ? null : Number(r.per100)
			})),
		units: n('units'),
		withheld: n('withheld'),
		unplaced: n('unplaced'),
		sort
	};
}

/** 反映集中 (see ./stats-leads.ts concentration), counted directly. */
export async function concentrationDirect(db: Db, q: StatsQuery, sort: ConcentrationSort): Promise<Concentration> {
	const rows = rowsOf<Record<string, unknown>>(
		await db.execute(sql`with ${scopeCte(q)}, ${rootsCte(q)},
			per_lead as (select r.unit_id, x.id, bool_and(${entitled(q, sql`x.organ_id`)}) as entitled,
					bool_or(r.position = 'top_leader') as top, bool_or(r.position = 'team_member') as team
				from roots x join lead_report lr on lr.lead_id = x.id join report r on r.id = lr.report_id
				group by r.unit_id, x.id),
			per_unit as (select unit_id, bool_and(entitled) as entitled,
					count(*) filter (where top)::int as top, count(*) filter (where team and not top)::int as team
				from per_lead group by unit_id),
			${concentrationTail(q, sort, sql`select count(*) from roots x where not exists (select 1 from lead_report lr where lr.lead_id = x.id)`)}`)
	);
	return concentrationOf(rows, sort);
}
