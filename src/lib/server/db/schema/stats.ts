/**
 * Statistics roll-ups (migration 0006; src/lib/server/backoffice/stats.ts). Kept by statement-level triggers
 * on report and report_deadline (every writer, in the writer's transaction); never written by the app.
 */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../types';

/**
 * Counts per scope organ, month received (yyyymm), dimension and value: for every report, one row per
 * dimension under each organ at level central or province that holds it or lies above its holder (the
 * province-wide views). Dimensions: category, position, state, disposition ('' = none), outcome
 * ('' = none), day (day of the month received), days (concluded_on − received_on), due (next_due_on of
 * an open report), met / late (its deadlines met, met after the due day). `shard` spreads concurrent
 * writers over a few rows (the reader sums them). Rebuilt after a change of discipline_organ.
 */
export const reportStatsMonth = pgTable(
	'report_stats_month',
	{
		scopeId: text('scope_id').notNull(),
		month: integer('month').notNull(),
		dim: text('dim').notNull(),
		value: text('value').notNull(),
		shard: integer('shard').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.scopeId, t.month, t.dim, t.value, t.shard] })]
);

/** Counts per holding organ, unit, month received and running due day ('infinity': none or not open). */
export const reportStatsUnit = pgTable(
	'report_stats_unit',
	{
		organId: text('organ_id').notNull(),
		unitId: text('unit_id').notNull(),
		month: integer('month').notNull(),
		due: date('due', { mode: 'string' }).notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.organId, t.unitId, t.month, t.due] })]
);

/** One row (id 1): stale = report_stats_month must be rebuilt (the organ tree changed since it was built). */
export const reportStatsState = pgTable('report_stats_state', {
	id: integer('id').primaryKey(),
	stale: boolean('stale').notNull()
});

/*
 * The lead register's summaries (src/lib/server/backoffice/stats-leads.ts, docs/backoffice.md "Statistics"),
 * kept by statement-level triggers on lead, lead_person, lead_report and report (updates only: the intake's
 * inserts gain nothing). "Root" = a lead not merged into another; "day" = its received time as a date in
 * lead_stats_state.timezone. The memo tables hold what each root (each report) currently adds to the
 * summaries, so a change subtracts exactly that and adds the new contribution.
 */

/** One row (id 1): the time zone of every `day` below. */
export const leadStatsState = pgTable('lead_stats_state', {
	id: integer('id').primaryKey(),
	timezone: text('timezone').notNull()
});

/** Per root: its organ, day, category and outcome ('' = none), and whether a report is linked to it. */
export const leadStatsRootMemo = pgTable('lead_stats_root_memo', {
	leadId: uuid('lead_id').primaryKey(),
	organId: text('organ_id').notNull(),
	day: date('day', { mode: 'string' }).notNull(),
	category: text('category').notNull(),
	outcome: text('outcome').notNull(),
	linked: boolean('linked').notNull()
});

/** Per root: the distinct blind names of its persons and of the persons of the leads merged into it. */
export const leadStatsPersonMemo = pgTable(
	'lead_stats_person_memo',
	{ leadId: uuid('lead_id').notNull(), blindName: bytea('blind_name').notNull() },
	(t) => [primaryKey({ columns: [t.leadId, t.blindName] })]
);

/**
 * Per root and unit of its linked reports, the kind: 'top' (a report about the unit's 一把手), else 'team'
 * (one about another leadership-team member), else 'other' (counted nowhere, but its organ decides whether
 * the unit's small counts may be shown).
 */
export const leadStatsUnitMemo = pgTable(
	'lead_stats_unit_memo',
	{ leadId: uuid('lead_id').notNull(), unitId: text('unit_id').notNull(), kind: text('kind').notNull() },
	(t) => [primaryKey({ columns: [t.leadId, t.unitId] })]
);

/**
 * Per report linked to a categorized root: its organ, received day and category, and the organ and category
 * of its earliest such root; multi = those roots lie in more than one organ (then the staff's category
 * depends on the scope, and the statistics read these few reports directly).
 */
export const leadStatsReportMemo = pgTable(
	'lead_stats_report_memo',
	{
		reportId: uuid('report_id').primaryKey(),
		organId: text('organ_id').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		guess: text('guess'),
		staffOrgan: text('staff_organ').notNull(),
		staff: text('staff').notNull(),
		multi: boolean('multi').notNull()
	},
	(t) => [
		index('lead_stats_report_memo_multi_idx')
			.on(t.organId, t.day)
			.where(sql`${t.multi}`)
	]
);

/** Roots per organ, day, category, outcome and linked. */
export const leadStatsRoot = pgTable(
	'lead_stats_root',
	{
		organId: text('organ_id').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		category: text('category').notNull(),
		outcome: text('outcome').notNull(),
		linked: boolean('linked').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.organId, t.day, t.category, t.outcome, t.linked] })]
);

/** Person-times per root organ, day, blind name and root outcome: distinct persons stay exact over any period. */
export const leadStatsPerson = pgTable(
	'lead_stats_person',
	{
		organId: text('organ_id').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		blindName: bytea('blind_name').notNull(),
		outcome: text('outcome').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.organId, t.day, t.blindName, t.outcome] })]
);

/** Roots per organ, day, unit and kind (as in lead_stats_unit_memo). */
export const leadStatsUnit = pgTable(
	'lead_stats_unit',
	{
		organId: text('organ_id').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		unitId: text('unit_id').notNull(),
		kind: text('kind').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.organId, t.day, t.unitId, t.kind] })]
);

/** Reports (not multi) whose staff category differs from the reporter's: per report organ, day, guess, staff organ, staff category. */
export const leadStatsReclass = pgTable(
	'lead_stats_reclass',
	{
		organId: text('organ_id').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		guess: text('guess').notNull(),
		staffOrgan: text('staff_organ').notNull(),
		staff: text('staff').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.organId, t.day, t.guess, t.staffOrgan, t.staff] })]
);
