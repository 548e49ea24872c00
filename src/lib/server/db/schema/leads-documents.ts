/**
 * Documents attached to a lead (issue 17; docs/backoffice.md "Lead documents", docs/crypto.md "Lead
 * documents"): each is an attachment stream (format A, the reporters' chunked format) encrypted in a
 * member's browser under a key derived from the lead's key; its name and type are inside the ciphertext.
 * Clear: ids, the organ-key version, the stream's size and dates.
 */
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../types';
import { staffUser } from './auth';
import { lead } from './leads';

export const leadDocument = pgTable(
	'lead_document',
	{
		id: uuid('id').primaryKey(),
		leadId: uuid('lead_id')
			.notNull()
			.references(() => lead.id, { onDelete: 'cascade' }),
		organId: text('organ_id').notNull(),
		/** The organ-key version its key is derived from. */
		keyVersion: integer('key_version').notNull(),
		bytes: integer('bytes').notNull(),
		stream: bytea('stream').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('lead_document_lead_idx').on(t.leadId, t.createdAt)]
);
