/**
 * The back office (issue 6): the case state of a report's workflow lives on `report` (./reports.ts); here
 * are its deadlines, the timeline, pending approvals, internal notes, links, the holiday calendar and
 * in-app notices. src/lib/server/backoffice/* reads and writes these; docs/backoffice.md is the contract.
 * Notes and event notes are ciphertexts under the report key (the server never sees their text).
 */
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	date,
	index,
	jsonb,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { HOLIDAY_KINDS, LINK_KINDS } from '../../../shared/vocabulary/workflow';
import { bytea } from '../types';
import { staffUser } from './auth';
import { inList } from './checks';
import { report } from './reports';

/** Deadlines of a report: open while met_on is null. */
export const reportDeadline = pgTable(
	'report_deadline',
	{
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		code: text('code').notNull(),
		dueOn: date('due_on', { mode: 'string' }).notNull(),
		startedOn: date('started_on', { mode: 'string' }).notNull(),
		metOn: date('met_on', { mode: 'string' })
	},
	(t) => [primaryKey({ columns: [t.reportId, t.code, t.startedOn] })]
);

/** The timeline of a report: one row per workflow action. */
export const reportEvent = pgTable(
	'report_event',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		actorId: uuid('actor_id').references(() => staffUser.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		fromState: text('from_state'),
		toState: text('to_state'),
		organId: text('organ_id').notNull(),
		/** Rationale note: content ciphertext under the report key. */
		note: bytea('note'),
		outcome: jsonb('outcome'),
		details: jsonb('details')
			.notNull()
			.default(sql`'{}'::jsonb`)
	},
	(t) => [index('report_event_report_idx').on(t.reportId, t.id)]
);

/** A request waiting for a head's approval (close, send up/down/out). */
export const reportPending = pgTable('report_pending', {
	reportId: uuid('report_id')
		.primaryKey()
		.references(() => report.id, { onDelete: 'cascade' }),
	action: text('action').notNull(),
	requestedBy: uuid('requested_by').notNull(),
	requestedAt: timestamp('requested_at', { withTimezone: true, precision: 3 }).notNull(),
	requestedOn: date('requested_on', { mode: 'string' }).notNull(),
	returnTo: text('return_to').notNull(),
	/** Receiving organ id (up/down) or agency name (out). */
	target: text('target'),
	outcome: jsonb('outcome'),
	note: bytea('note').notNull(),
	noteId: text('note_id').notNull(),
	/** [{ entryId: b64, sealed: b64 }] for the target organ's recipients, sealed by the requester's browser. */
	wraps: jsonb('wraps').$type<{ entryId: string; sealed: string; proof?: string }[]>()
});

/** Internal notes (staff only), ciphertext under the report key. */
export const reportNote = pgTable(
	'report_note',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		authorId: uuid('author_id').references(() => staffUser.id, { onDelete: 'set null' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		body: bytea('body').notNull()
	},
	(t) => [index('report_note_report_idx').on(t.reportId, t.id)]
);

/** Duplicate / related links between reports (written in both directions). */
export const reportLink = pgTable(
	'report_link',
	{
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		otherId: uuid('other_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull()
	},
	(t) => [
		primaryKey({ columns: [t.reportId, t.otherId] }),
		check('report_link_kind_check', sql`${t.kind} in ${inList(LINK_KINDS)}`)
	]
);

/** The working-day calendar (admin-editable; seeded with the shipped years). */
export const holiday = pgTable(
	'holiday',
	{
		day: date('day', { mode: 'string' }).primaryKey(),
		kind: text('kind').notNull(),
		name: text('name').notNull(),
		provisional: boolean('provisional').notNull().default(false)
	},
	(t) => [check('holiday_kind_check', sql`${t.kind} in ${inList(HOLIDAY_KINDS)}`)]
);

/** In-app notices for staff (deadline reminders, approval requests, assignments). */
export const staffNotice = pgTable(
	'staff_notice',
	{
		id: serial('id').primaryKey(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		reportId: uuid('report_id').references(() => report.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		createdOn: date('created_on', { mode: 'string' }).notNull(),
		seen: boolean('seen').notNull().default(false),
		details: jsonb('details')
			.notNull()
			.default(sql`'{}'::jsonb`)
	},
	(t) => [
		uniqueIndex('staff_notice_once_idx').on(t.staffId, t.reportId, t.kind, t.createdOn),
		index('staff_notice_staff_idx').on(t.staffId, t.seen, t.id)
	]
);
