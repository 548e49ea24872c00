/**
 * The interference register (插手干预重大事项记录, issue 19 item 3; docs/reporting.md "The interference
 * register"). An official approached to interfere enrols once with the organ that supervises their unit
 * and then files records and periodic 零报告 ("nothing to report") entries. Everything the official
 * writes, their own name included, is encrypted in their browser under a register key sealed to the
 * organ's recipients; the server keeps only what it needs to accept entries and to remind: the organ,
 * the period length, a handle and an auth hash derived from the official's register key (never the
 * key), and per entry its kind and period.
 */
import { sql } from 'drizzle-orm';
import { check, date, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../types';
import { staffUser } from './auth';
import { disciplineOrgan } from './org';
import { inList } from './checks';
import { REGISTER_ENTRY_KINDS, REGISTER_PERIODS } from '../../../shared/vocabulary/register';

/** One official's place in an organ's register. */
export const registerEnrolment = pgTable(
	'register_enrolment',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id),
		/** 'month' or 'quarter': how often a 零报告 is expected. */
		period: text('period').notNull(),
		/** SHA-256 of the handle derived from the register key (lookup), and of the auth token (check). */
		handleHash: bytea('handle_hash').notNull(),
		authHash: bytea('auth_hash').notNull(),
		/** The first period a 零报告 is due for (the one enrolled in). */
		firstPeriod: text('first_period').notNull(),
		/** Name, post and unit of the official: content format under the register key. */
		identity: bytea('identity').notNull(),
		createdOn: date('created_on', { mode: 'string' }).notNull()
	},
	(t) => [
		uniqueIndex('register_enrolment_handle_idx').on(t.handleHash),
		index('register_enrolment_organ_idx').on(t.organId),
		check('register_enrolment_period_check', sql`${t.period} in ${inList(REGISTER_PERIODS)}`)
	]
);

/** The register key sealed to each recipient of the organ (as report_key_wrap is for a report key). */
export const registerKeyWrap = pgTable(
	'register_key_wrap',
	{
		enrolmentId: uuid('enrolment_id')
			.notNull()
			.references(() => registerEnrolment.id, { onDelete: 'cascade' }),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		entryId: bytea('entry_id').notNull(),
		sealed: bytea('sealed').notNull()
	},
	(t) => [primaryKey({ columns: [t.enrolmentId, t.staffId] }), index('register_key_wrap_staff_idx').on(t.staffId)]
);

/** A record or a 零报告 of one period. */
export const registerEntry = pgTable(
	'register_entry',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		enrolmentId: uuid('enrolment_id')
			.notNull()
			.references(() => registerEnrolment.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		/** '2026-11' (month) or '2026-Q4' (quarter), in the enrolment's period length. */
		period: text('period').notNull(),
		content: bytea('content').notNull(),
		receivedAt: timestamp('received_at', { withTimezone: true }).notNull()
	},
	(t) => [
		index('register_entry_enrolment_idx').on(t.enrolmentId, t.period),
		check('register_entry_kind_check', sql`${t.kind} in ${inList(REGISTER_ENTRY_KINDS)}`)
	]
);
