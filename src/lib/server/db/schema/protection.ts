/**
 * Protection requests (申请保护, issue 19): a reporter who is threatened or retaliated against asks for
 * protection from /follow-up. The request itself is a reporter message (its text encrypted like any); this
 * table holds only what the back office needs in clear to act on it in time: which message, the date asked,
 * the date it is due (PROTECTION_ANSWER_WORKING_DAYS) and the date staff answered (a reply to the reporter).
 * Nothing here says who the reporter is. src/lib/server/backoffice/protection.ts reads and writes it.
 */
import { date, index, pgTable, serial, uuid } from 'drizzle-orm/pg-core';
import { report, reportMessage } from './reports';

export const reportProtection = pgTable(
	'report_protection',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		messageId: uuid('message_id')
			.notNull()
			.references(() => reportMessage.id, { onDelete: 'cascade' }),
		requestedOn: date('requested_on', { mode: 'string' }).notNull(),
		dueOn: date('due_on', { mode: 'string' }).notNull(),
		/** The day staff first replied to the reporter after the request; null while open. */
		metOn: date('met_on', { mode: 'string' })
	},
	(t) => [index('report_protection_report_idx').on(t.reportId), index('report_protection_due_idx').on(t.dueOn)]
);
