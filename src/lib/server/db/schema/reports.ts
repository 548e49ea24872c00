/**
 * Reports (issue 5): what the reporter's browser submits, as ciphertext plus the few clear fields routing
 * and statistics need (architecture invariant 3). No timestamps on report rows, messages or attachments:
 * only dates. Staged uploads (intake) carry an expiry and are deleted when committed or abandoned.
 * src/lib/server/reports/* reads and writes these tables; docs/reporting.md is the wire contract.
 */
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { CATEGORIES, MESSAGE_AUTHORS, POSITION_KINDS, PUBLIC_STATUSES } from '../../../shared/vocabulary/report';
import { DISPOSITIONS, OUTCOME_CODES, WORKFLOW_STATES } from '../../../shared/vocabulary/workflow';
import { bytea } from '../types';
import { staffUser } from './auth';
import { inList } from './checks';

/** One report: clear routing fields, the content ciphertext and what the receipt needs. */
export const report = pgTable(
	'report',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** The receipt's public locator (10 Crockford characters). */
		locator: text('locator').notNull().unique('report_locator_unique'),
		/** Target unit (no foreign key: the directory may be replaced, reports stay). */
		unitId: text('unit_id').notNull(),
		position: text('position').notNull(),
		// No `kind` column since migration 0015 (issue 19): the report kind, like the reporter's role, is inside
		// the content ciphertext only (a team member's report would otherwise narrow the reporter to a handful).
		category: text('category').notNull(),
		realName: boolean('real_name').notNull(),
		escalate: boolean('escalate').notNull(),
		/** The organ currently responsible (routing's choice at submission; transfers change it). */
		organId: text('organ_id').notNull(),
		/** The date received, in the configured time zone. Never a time. */
		receivedOn: date('received_on', { mode: 'string' }).notNull(),
		/** What the reporter sees of the handling. */
		publicStatus: text('public_status').notNull().default('received'),
		concludedOn: date('concluded_on', { mode: 'string' }),
		/** Content ciphertext (format C, a padded bucket). */
		content: bytea('content').notNull(),
		contentBytes: integer('content_bytes').notNull(),
		/**
		 * The inbox summary (format I, src/lib/crypto/summary.ts; issue 16, migration 0012): the one ciphertext
		 * of a report the inbox serves. Null for reports of before (the inbox shows a placeholder).
		 */
		summary: bytea('summary'),
		/** Receipt KDF spec (format K), hash of the receipt auth key, report key wrapped for the receipt (format W). */
		kdfSpec: bytea('kdf_spec').notNull(),
		authHash: bytea('auth_hash').notNull(),
		receiptWrapped: bytea('receipt_wrapped').notNull(),
		// Back office (issue 6, migration 0005; docs/backoffice.md): the workflow case state.
		/** A state of src/lib/server/workflow. */
		state: text('state').notNull().default('received'),
		/** Assigned handler (work distribution only). */
		handlerId: uuid('handler_id'),
		/** Earliest open deadline (kept by the writer for fast inbox filters). */
		nextDueOn: date('next_due_on', { mode: 'string' }),
		nextDueCode: text('next_due_code'),
		/** A disposition (DISPOSITIONS), once one was chosen. */
		disposition: text('disposition'),
		/** closed | cleared | handled:form1..4 (OUTCOME_CODES; the full outcome object is in caseData). */
		outcome: text('outcome'),
		/** The rest of the workflow CaseState: organReceivedOn, flags, referredTo, outcome. */
		caseData: jsonb('case_data')
			.notNull()
			.default(sql`'{}'::jsonb`)
	},
	(t) => [
		index('report_organ_received_idx').on(t.organId, t.receivedOn),
		index('report_inbox_received_idx').on(t.organId, t.receivedOn.desc(), t.id),
		index('report_inbox_due_idx').on(t.organId, t.nextDueOn, t.id),
		index('report_inbox_unit_idx').on(t.organId, t.unitId, t.receivedOn.desc(), t.id),
		// The inbox's sortable columns (issue 18): state and category, then the newest first, for stable keyset pages.
		index('report_inbox_state_idx').on(t.organId, t.state, t.receivedOn.desc(), t.id),
		index('report_inbox_category_idx').on(t.organId, t.category, t.receivedOn.desc(), t.id),
		index('report_handler_due_idx').on(t.handlerId, t.nextDueOn),
		index('report_next_due_idx').on(t.nextDueOn),
		index('report_organ_category_idx').on(t.organId, t.category),
		index('report_organ_state_idx').on(t.organId, t.state),
		index('report_unit_idx').on(t.unitId),
		index('report_received_category_idx').on(t.receivedOn, t.category),
		index('report_concluded_idx').on(t.concludedOn),
		check('report_public_status_check', sql`${t.publicStatus} in ${inList(PUBLIC_STATUSES)}`),
		check('report_position_check', sql`${t.position} in ${inList(POSITION_KINDS)}`),
		// Migration 0008 (these columns had no CHECK before): every writer already took its codes from these lists.
		check('report_category_check', sql`${t.category} in ${inList(CATEGORIES)}`),
		check('report_state_check', sql`${t.state} in ${inList(WORKFLOW_STATES)}`),
		check('report_disposition_check', sql`${t.disposition} in ${inList(DISPOSITIONS)}`),
		check('report_outcome_check', sql`${t.outcome} in ${inList(OUTCOME_CODES)}`)
	]
);

/** The report key sealed to one recipient (format S): the access list of a report. */
export const reportKeyWrap = pgTable(
	'report_key_wrap',
	{
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		/** The directory entry whose public key it was sealed to. */
		entryId: bytea('entry_id').notNull(),
		sealed: bytea('sealed').notNull(),
		/** Null: sealed by the reporter's browser or applied from an approved transfer; set: an explicit grant. */
		grantedBy: uuid('granted_by'),
		/** A transfer's wrap: the proof (format T) its sender made, and the organ it came from (issue 16). */
		proof: bytea('proof'),
		proofOrgan: text('proof_organ')
	},
	(t) => [
		primaryKey({ columns: [t.reportId, t.staffId] }),
		index('report_key_wrap_staff_idx').on(t.staffId),
		/** The inbox counts: the caller's wrapped report ids without touching the heap (migration 0006). */
		index('report_key_wrap_staff_report_idx').on(t.staffId, t.reportId),
		index('report_key_wrap_granted_idx')
			.on(t.staffId)
			.where(sql`${t.grantedBy} is not null`)
	]
);

/**
 * Messages between the reporter and the staff: content ciphertexts under the report key, dated only. The id
 * is random and `seq` counts the report's messages (1, 2, …): nothing orders a message against other reports'
 * messages (issue 16; a serial id did, and with the staff replies' audited times bracketed when a reporter
 * wrote). `seq` is set by a trigger (migration 0015) with the report row locked, when the insert leaves it out.
 */
export const reportMessage = pgTable(
	'report_message',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		seq: integer('seq')
			.notNull()
			.default(sql`null`),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		author: text('author').notNull(),
		staffId: uuid('staff_id').references(() => staffUser.id, { onDelete: 'set null' }),
		sentOn: date('sent_on', { mode: 'string' }).notNull(),
		body: bytea('body').notNull()
	},
	(t) => [
		unique('report_message_report_seq_unique').on(t.reportId, t.seq),
		check('report_message_author_check', sql`${t.author} in ${inList(MESSAGE_AUTHORS)}`)
	]
);

/**
 * A staged upload: files announced, parts arriving. Deleted in the transaction that commits it (so no
 * time is ever linked to a report), or by the cleanup job once expired.
 */
export const intake = pgTable(
	'intake',
	{
		/** 16 random bytes: the capability to upload and commit. */
		id: bytea('id').primaryKey(),
		/** Set for files added to an existing report (follow-up message). */
		reportId: uuid('report_id').references(() => report.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		files: integer('files').notNull()
	},
	(t) => [index('intake_expires_idx').on(t.expiresAt)]
);

/** One encrypted file (the attachment stream of docs/crypto.md), staged in an intake, then committed. */
export const attachment = pgTable(
	'attachment',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		intakeId: bytea('intake_id').references(() => intake.id, { onDelete: 'set null' }),
		fileNo: integer('file_no').notNull(),
		/** Stored stream length (already a padded bucket). */
		bytes: integer('bytes').notNull(),
		parts: integer('parts').notNull(),
		reportId: uuid('report_id').references(() => report.id, { onDelete: 'cascade' }),
		messageId: uuid('message_id').references(() => reportMessage.id, { onDelete: 'cascade' })
	},
	(t) => [
		unique('attachment_intake_file_unique').on(t.intakeId, t.fileNo),
		index('attachment_report_idx').on(t.reportId),
		index('attachment_message_idx').on(t.messageId)
	]
);

/** Attachment bytes in parts (src/lib/server/reports/storage.ts; an object store could replace it). */
export const attachmentPart = pgTable(
	'attachment_part',
	{
		attachmentId: uuid('attachment_id')
			.notNull()
			.references(() => attachment.id, { onDelete: 'cascade' }),
		idx: integer('idx').notNull(),
		data: bytea('data').notNull()
	},
	(t) => [primaryKey({ columns: [t.attachmentId, t.idx] })]
);

/** Proof-of-work challenge ids already used (purged after they expire). */
export const powSpent = pgTable(
	'pow_spent',
	{
		id: bytea('id').primaryKey(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
	},
	(t) => [index('pow_spent_expires_idx').on(t.expiresAt)]
);
