/**
 * Departments of a discipline organ and the duties of its staff in them (issue 18; docs/backoffice.md
 * "Departments and duties"). Every organ gets the default departments when it is created (a trigger, see
 * the migration); the rules of who may take which action are src/lib/server/departments/rules.ts.
 */
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	date,
	foreignKey,
	index,
	integer,
	pgTable,
	serial,
	text,
	timestamp,
	unique,
	uuid
} from 'drizzle-orm/pg-core';
import { DISPOSITIONS } from '../../../shared/vocabulary/workflow';
import { DEPARTMENT_KINDS, DUTY_ROLES, LEADER_ROLES } from '../../../shared/vocabulary/departments';
import { staffUser } from './auth';
import { inList } from './checks';
import { disciplineOrgan } from './org';
import { report } from './reports';
import { bytea } from '../types';

/** A department of an organ (信访室, 案管室, one or more 监督检查室, 审查调查室, 审理室). */
export const organDepartment = pgTable(
	'organ_department',
	{
		id: serial('id').primaryKey(),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		name: text('name').notNull(),
		position: integer('position').notNull().default(0)
	},
	(t) => [
		unique('organ_department_name_unique').on(t.organId, t.name),
		unique('organ_department_organ_unique').on(t.id, t.organId),
		check('organ_department_kind_check', sql`${t.kind} in ${inList(DEPARTMENT_KINDS)}`)
	]
);

/**
 * A staff member's duty in an organ: a role in one of its departments (member, dept_head), or a leader's
 * role (organ_leader, main_leader) with no department.
 */
export const staffDuty = pgTable(
	'staff_duty',
	{
		id: serial('id').primaryKey(),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		/** A department of the same organ (the foreign key is on both columns). */
		departmentId: integer('department_id'),
		role: text('role').notNull()
	},
	(t) => [
		foreignKey({
			name: 'staff_duty_department_fk',
			columns: [t.departmentId, t.organId],
			foreignColumns: [organDepartment.id, organDepartment.organId]
		}).onDelete('cascade'),
		unique('staff_duty_unique').on(t.organId, t.staffId, t.departmentId, t.role).nullsNotDistinct(),
		index('staff_duty_staff_idx').on(t.staffId, t.organId),
		check('staff_duty_role_check', sql`${t.role} in ${inList(DUTY_ROLES)}`),
		check('staff_duty_leader_check', sql`(${t.role} in ${inList(LEADER_ROLES)}) = (${t.departmentId} is null)`)
	]
);

/**
 * A collective study (集体排查) of a lead: when, who took part (staff ids), the disposition it concluded
 * on, the minutes encrypted in the browser under the report key (the server never sees them), and the
 * leader's approval. With the rules in force a disposition needs an approved, unused study concluding on
 * it; taking the disposition uses it (`used_at`).
 */
export const caseStudy = pgTable(
	'case_study',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		studiedOn: date('studied_on', { mode: 'string' }).notNull(),
		participants: uuid('participants').array().notNull(),
		conclusion: text('conclusion').notNull(),
		minutes: bytea('minutes').notNull(),
		recordedBy: uuid('recorded_by')
			.notNull()
			.references(() => staffUser.id),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
		approvedBy: uuid('approved_by').references(() => staffUser.id),
		approvedAt: timestamp('approved_at', { withTimezone: true }),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(t) => [
		index('case_study_report_idx').on(t.reportId),
		check('case_study_conclusion_check', sql`${t.conclusion} in ${inList(DISPOSITIONS)}`)
	]
);

/**
 * Whether an organ works by its division of duties (issue 18): an explicit setting the admin switches on
 * at /staff/admin/departments once the duties are assigned (audited `admin.duties_enforce`). Without a row,
 * or with `enforced` false, the organ works as before: any inspector handles, heads approve.
 */
export const organDutyRule = pgTable('organ_duty_rule', {
	organId: text('organ_id')
		.primaryKey()
		.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
	enforced: boolean('enforced').notNull().default(false),
	changedBy: uuid('changed_by').references(() => staffUser.id, { onDelete: 'set null' }),
	changedAt: timestamp('changed_at', { withTimezone: true }).notNull()
});
