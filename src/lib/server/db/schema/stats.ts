/**
 * Statistics roll-ups (migration 0006; src/lib/server/backoffice/stats.ts). Kept by statement-level triggers
 * on report and report_deadline (every writer, in the writer's transaction); never written by the app.
 */
import { boolean, date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

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
