/**
 * Staff accounts and sign-in (issue 2): instance settings, staff users with their browser-derived auth
 * key hashes, sessions, recovery codes, enrolment and reset invitations, first-run setup links.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../types';

/** Instance-wide values generated on first start (e.g. the key behind fake salts for unknown users). */
export const appSetting = pgTable('app_setting', {
	key: text('key').primaryKey(),
	value: bytea('value').notNull()
});

export interface KdfParams {
	/** Argon2id memory in KiB, iterations, parallelism. */
	m: number;
	t: number;
	p: number;
}

export const staffUser = pgTable('staff_user', {
	id: uuid('id').primaryKey().defaultRandom(),
	/** Lower-case sign-in name. */
	username: text('username').notNull().unique(),
	displayName: text('display_name').notNull(),
	isAdmin: boolean('is_admin').notNull().default(false),
	/** Salt and parameters of the browser-side Argon2id that turns the password into the auth key. */
	authSalt: bytea('auth_salt').notNull(),
	authParams: jsonb('auth_params').$type<KdfParams>().notNull(),
	/** Server-side slow hash (Argon2id, encoded) of the auth key; the password itself never arrives. */
	authHash: text('auth_hash').notNull(),
	totpKey: bytea('totp_key'),
	/** Last accepted TOTP time step, so a code cannot be replayed. */
	totpLastStep: integer('totp_last_step'),
	failedSignins: integer('failed_signins').notNull().default(0),
	lastFailedAt: timestamp('last_failed_at', { withTimezone: true }),
	disabledAt: timestamp('disabled_at', { withTimezone: true }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

export const staffSession = pgTable(
	'staff_session',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		/** SHA-256 of the token's secret part. */
		secretHash: bytea('secret_hash').notNull(),
		twoFactorVerified: boolean('two_factor_verified').notNull().default(false),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('staff_session_user_idx').on(t.userId)]
);

export const staffRecoveryCode = pgTable(
	'staff_recovery_code',
	{
		id: serial('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		codeHash: bytea('code_hash').notNull(),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(t) => [index('staff_recovery_code_user_idx').on(t.userId)]
);

/**
 * One-time enrolment links an admin hands to new staff (only a hash of the token is kept). The account
 * is created when the invitee chooses a password; nobody else ever knows it.
 */
export const staffInvitation = pgTable('staff_invitation', {
	tokenHash: bytea('token_hash').primaryKey(),
	username: text('username').notNull(),
	displayName: text('display_name').notNull(),
	isAdmin: boolean('is_admin').notNull().default(false),
	createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
	/** Set on a password-reset link: the existing account whose sign-in password it replaces. */
	resetUserId: uuid('reset_user_id').references(() => staffUser.id, { onDelete: 'cascade' }),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	createdAt: timestamp('created_at', { withTimezone: true })
		.notNull()
		.default(sql`now()`)
});

/**
 * First-run setup links (only the token's SHA-256 is kept). Every app server that starts while there is no
 * administrator adds one and prints its link; creating the first administrator deletes them all in the same
 * transaction, so the links work once in total, whichever server printed them (src/lib/server/auth/setup.ts).
 */
export const setupToken = pgTable('setup_token', {
	tokenHash: bytea('token_hash').primaryKey(),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	createdAt: timestamp('created_at', { withTimezone: true })
		.notNull()
		.default(sql`now()`)
});
