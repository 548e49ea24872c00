/**
 * Hand-down and follow-up of leads (交办、督办, 监察法实施条例 Art. 169; issue 17, docs/backoffice.md
 * "Hand-down and follow-up", docs/crypto.md "Hand-down"). A higher organ hands one of its leads to a lower
 * organ of its jurisdiction with a deadline for the result report. The lead's content travels as one
 * ciphertext (`package`) under a fresh hand-down key sealed in the higher organ's browser to each member of
 * the lower organ (`lead_handdown_wrap`); the lower organ's browser takes it into its own register under
 * its own organ key, and the server then drops the package and the wraps. The higher organ keeps the
 * hand-down key wrapped under its organ key (`from_wrap`) to read the result, which the lower organ
 * encrypts under a key derived from it. Clear columns: ids, organs, dates, state and outcome codes.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { HANDDOWN_STATES, LEAD_OUTCOMES } from '../../../shared/vocabulary/leads';
import { bytea } from '../types';
import { staffUser } from './auth';
import { inList } from './checks';
import { lead } from './leads';
import { disciplineOrgan } from './org';

export const leadHanddown = pgTable(
	'lead_handdown',
	{
		/** Chosen by the browser: the ciphertexts are bound to it. */
		id: uuid('id').primaryKey(),
		/** The higher organ's lead that was handed down. */
		leadId: uuid('lead_id')
			.notNull()
			.references(() => lead.id, { onDelete: 'cascade' }),
		fromOrganId: text('from_organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'restrict' }),
		toOrganId: text('to_organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'restrict' }),
		/** The day by which the lower organ reports the result (China time). */
		deadline: date('deadline', { mode: 'string' }).notNull(),
		state: text('state').notNull().default('pending'),
		/** The higher organ's organ-key version `from_wrap` is under. */
		fromKeyVersion: integer('from_key_version').notNull(),
		/** The hand-down key wrapped (format W) under a key derived from the higher organ's key. */
		fromWrap: bytea('from_wrap').notNull(),
		/** The lead's content for the lower organ (format C under the hand-down key); dropped on acceptance. */
		package: bytea('package'),
		/** The higher organ chose to keep its own copy of the content (else its lead's content was cleared). */
		keptCopy: boolean('kept_copy').notNull(),
		/** The lower organ's lead made from it. */
		toLeadId: uuid('to_lead_id')
			.unique('lead_handdown_to_lead_unique')
			.references(() => lead.id, { onDelete: 'set null' }),
		resultOutcome: text('result_outcome'),
		/** The result text (format C under a key derived from the hand-down key). */
		resultSealed: bytea('result_sealed'),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		acceptedBy: uuid('accepted_by').references(() => staffUser.id, { onDelete: 'set null' }),
		acceptedAt: timestamp('accepted_at', { withTimezone: true }),
		reportedBy: uuid('reported_by').references(() => staffUser.id, { onDelete: 'set null' }),
		reportedAt: timestamp('reported_at', { withTimezone: true })
	},
	(t) => [
		index('lead_handdown_from_idx').on(t.fromOrganId, t.state),
		index('lead_handdown_to_idx').on(t.toOrganId, t.state),
		index('lead_handdown_lead_idx').on(t.leadId),
		check('lead_handdown_state_check', sql`${t.state} in ${inList(HANDDOWN_STATES)}`),
		check(
			'lead_handdown_outcome_check',
			sql`${t.resultOutcome} is null or ${t.resultOutcome} in ${inList(LEAD_OUTCOMES)}`
		),
		check('lead_handdown_organs_check', sql`${t.fromOrganId} <> ${t.toOrganId}`)
	]
);

/** The hand-down key sealed (format S) to one member of the lower organ; dropped on acceptance. */
export const leadHanddownWrap = pgTable(
	'lead_handdown_wrap',
	{
		handdownId: uuid('handdown_id')
			.notNull()
			.references(() => leadHanddown.id, { onDelete: 'cascade' }),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		entryId: bytea('entry_id').notNull(),
		sealed: bytea('sealed').notNull()
	},
	(t) => [primaryKey({ columns: [t.handdownId, t.staffId] }), index('lead_handdown_wrap_staff_idx').on(t.staffId)]
);
