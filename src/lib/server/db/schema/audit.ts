/**
 * The append-only, hash-chained audit log (src/lib/server/audit/chain.ts) and its anchor.
 */
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../types';

/** The append-only, hash-chained audit log (src/lib/server/audit/chain.ts). */
export const auditLog = pgTable(
	'audit_log',
	{
		seq: bigint('seq', { mode: 'bigint' }).primaryKey(),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		actor: text('actor').notNull(),
		action: text('action').notNull(),
		reportId: uuid('report_id'),
		organId: text('organ_id'),
		details: jsonb('details').notNull(),
		prevHash: bytea('prev_hash').notNull(),
		hash: bytea('hash').notNull()
	},
	(t) => [
		index('audit_log_report_idx').on(t.reportId, t.seq),
		index('audit_log_actor_idx').on(t.actor, t.seq),
		index('audit_log_organ_idx').on(t.organId, t.seq)
	]
);

/** The last verified count and head of the audit chain (single row, id = 1). */
export const auditAnchor = pgTable('audit_anchor', {
	id: integer('id').primaryKey(),
	count: bigint('count', { mode: 'bigint' }).notNull(),
	head: bytea('head').notNull()
});
