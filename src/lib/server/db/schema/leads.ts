/**
 * The lead register (问题线索台账, issue 17; docs/backoffice.md "Lead register", docs/crypto.md "Organ key
 * and blind index"). Everything that names a person or tells the matter is a ciphertext under the organ
 * key (generated and sealed to the organ's members in a staff browser); the clear columns are codes
 * (source, state, category, outcome), dates, ids and the blind-index values (keyed hashes of normalised
 * names under a key the server never sees).
 */
import { sql } from 'drizzle-orm';
import {
	check,
	foreignKey,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { LEAD_OUTCOMES, LEAD_SOURCES, LEAD_STATES } from '../../../shared/vocabulary/leads';
import { CATEGORIES } from '../../../shared/vocabulary/report';
import { bytea } from '../types';
import { staffUser } from './auth';
import { inList } from './checks';
import { disciplineOrgan } from './org';
import { report } from './reports';

/** One version of an organ's key: created in a browser when the organ starts its register or its membership changes. */
export const organKey = pgTable(
	'organ_key',
	{
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		version: integer('version').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.organId, t.version] }), check('organ_key_version_check', sql`${t.version} >= 1`)]
);

/** An organ-key version sealed (format S) to one member's box key: who can open it. */
export const organKeyWrap = pgTable(
	'organ_key_wrap',
	{
		organId: text('organ_id').notNull(),
		version: integer('version').notNull(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		/** The directory entry whose public key it was sealed to. */
		entryId: bytea('entry_id').notNull(),
		sealed: bytea('sealed').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.organId, t.version, t.staffId] }),
		foreignKey({ columns: [t.organId, t.version], foreignColumns: [organKey.organId, organKey.version] }).onDelete(
			'cascade'
		),
		index('organ_key_wrap_staff_idx').on(t.staffId)
	]
);

/** A lead (问题线索). The id is chosen by the browser (its ciphertexts are bound to it). */
export const lead = pgTable(
	'lead',
	{
		id: uuid('id').primaryKey(),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'restrict' }),
		/** The department holding it (issue 18's departments; no foreign key here). */
		departmentId: text('department_id'),
		source: text('source').notNull(),
		state: text('state').notNull().default('registered'),
		/** The staff's classification (report categories), may differ from the reporter's guess. */
		category: text('category'),
		outcome: text('outcome'),
		/** The organ-key version its ciphertexts are under. */
		keyVersion: integer('key_version').notNull(),
		/** Details (format C under the lead's key): matter, source fields, documents' keys. */
		details: bytea('details').notNull(),
		/** Set when merged into another lead (state 'merged'). */
		mergedInto: uuid('merged_into'),
		/** Split off this lead. */
		splitFrom: uuid('split_from'),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		receivedOn: timestamp('received_on', { withTimezone: true }).notNull().defaultNow(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('lead_organ_idx').on(t.organId, t.createdAt),
		index('lead_merged_into_idx')
			.on(t.mergedInto)
			.where(sql`${t.mergedInto} is not null`),
		check('lead_source_check', sql`${t.source} in ${inList(LEAD_SOURCES)}`),
		check('lead_state_check', sql`${t.state} in ${inList(LEAD_STATES)}`),
		check('lead_category_check', sql`${t.category} is null or ${t.category} in ${inList(CATEGORIES)}`),
		check('lead_outcome_check', sql`${t.outcome} is null or ${t.outcome} in ${inList(LEAD_OUTCOMES)}`),
		foreignKey({ columns: [t.organId, t.keyVersion], foreignColumns: [organKey.organId, organKey.version] })
	]
);

/** An accused person (被反映人) of a lead: ciphertext plus the two blind-index values. */
export const leadPerson = pgTable(
	'lead_person',
	{
		id: uuid('id').primaryKey(),
		leadId: uuid('lead_id')
			.notNull()
			.references(() => lead.id, { onDelete: 'cascade' }),
		/** Copied from the lead, so the look-up is one index scan per organ. */
		organId: text('organ_id').notNull(),
		keyVersion: integer('key_version').notNull(),
		/** Name, post, unit, cadre level (format C under the lead's key, bound to the person id). */
		sealed: bytea('sealed').notNull(),
		blindName: bytea('blind_name').notNull(),
		blindNameUnit: bytea('blind_name_unit').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('lead_person_blind_name_idx').on(t.organId, t.blindName),
		index('lead_person_blind_name_unit_idx').on(t.organId, t.blindNameUnit),
		index('lead_person_lead_idx').on(t.leadId)
	]
);

/** A report linked to a lead. */
export const leadReport = pgTable(
	'lead_report',
	{
		leadId: uuid('lead_id')
			.notNull()
			.references(() => lead.id, { onDelete: 'cascade' }),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		addedBy: uuid('added_by').references(() => staffUser.id, { onDelete: 'set null' }),
		addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.leadId, t.reportId] }), index('lead_report_report_idx').on(t.reportId)]
);

/** The lead's own history (the audit chain holds the same actions): created, joined, split, merged, state. */
export const leadEvent = pgTable(
	'lead_event',
	{
		id: serial('id').primaryKey(),
		leadId: uuid('lead_id')
			.notNull()
			.references(() => lead.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		actor: uuid('actor').references(() => staffUser.id, { onDelete: 'set null' }),
		kind: text('kind').notNull(),
		/** Ids and codes only. */
		details: jsonb('details').notNull().default({})
	},
	(t) => [index('lead_event_lead_idx').on(t.leadId, t.id)]
);

/**
 * An organ's blind-index key escrowed to a member of one of its ancestor organs (issue 17, docs/crypto.md
 * "Across the jurisdiction"): K_index sealed (format S) in a browser of `organId` to the box key of a member of
 * `holderOrganId`, so that organ's integrity opinions can search `organId`'s register. The server checks that
 * the holder is an ancestor of the organ and the recipient one of its current members; it never sees K_index.
 */
export const organIndexEscrow = pgTable(
	'organ_index_escrow',
	{
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		holderOrganId: text('holder_organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		/** The directory entry whose public key it was sealed to. */
		entryId: bytea('entry_id').notNull(),
		sealed: bytea('sealed').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.organId, t.holderOrganId, t.staffId] }),
		index('organ_index_escrow_holder_idx').on(t.holderOrganId, t.staffId),
		check('organ_index_escrow_not_self', sql`${t.organId} <> ${t.holderOrganId}`)
	]
);
