/**
 * The inbox's saved filters (issue 18 item 3; docs/backoffice.md "The inbox"): per staff member, a name and
 * the inbox's URL filters (clear routing fields only: never a 查询码 or a person, which are searched through
 * POST bodies and never stored).
 */
import { sql } from 'drizzle-orm';
import { check, pgTable, serial, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { staffUser } from './auth';

export const staffSavedFilter = pgTable(
	'staff_saved_filter',
	{
		id: serial('id').primaryKey(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		/** The filters as a query string (`state=received&unit=…`), checked by the inbox's parser when saved. */
		query: text('query').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow()
	},
	(t) => [
		unique('staff_saved_filter_name_unique').on(t.staffId, t.name),
		check('staff_saved_filter_name_check', sql`char_length(${t.name}) between 1 and 60`),
		check('staff_saved_filter_query_check', sql`char_length(${t.query}) <= 1000`)
	]
);
