/**
 * Staff keys and the signed key directory (issue 3, key management). Everything here is generated or
 * signed in a browser; the server only stores it after checking formats with src/lib/crypto's parsers
 * (src/lib/server/keys/*). No secret key is ever stored in clear: only password- and recovery-wrapped.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, serial, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { bytea } from '../types';
import { staffUser } from './auth';
import { disciplineOrgan } from './org';

/** One key bundle per staff member: X25519 public key and its secret wrapped twice. */
export const staffKey = pgTable('staff_key', {
	staffId: uuid('staff_id')
		.primaryKey()
		.references(() => staffUser.id, { onDelete: 'cascade' }),
	/** X25519 public key (32 bytes). */
	publicKey: bytea('public_key').notNull().unique('staff_key_public_key_unique'),
	/** Secret key under the password KEK (password-wrapped key, 99 bytes, format P). */
	passwordWrapped: bytea('password_wrapped').notNull(),
	/** Secret key under the recovery KEK (wrapped key, 74 bytes, format W). */
	recoveryWrapped: bytea('recovery_wrapped').notNull(),
	/** The KDF spec (27 bytes, format K) read from passwordWrapped, kept for reporting parameters. */
	kdfSpec: bytea('kdf_spec').notNull(),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	/** Last time either wrap was replaced (password change, recovery). */
	rotatedAt: timestamp('rotated_at', { withTimezone: true })
});

/**
 * The organization's root Ed25519 public key; exactly one row is active. Only a copy of the key pinned in
 * the deployment's configuration (ROOT_PUBLIC_KEY), so entries can name the root they were signed under;
 * the server refuses to start when the active row differs from the pin. The seed is never stored here.
 */
export const orgRootKey = pgTable(
	'org_root_key',
	{
		id: serial('id').primaryKey(),
		/** Ed25519 public key (32 bytes). */
		publicKey: bytea('public_key').notNull().unique('org_root_key_public_key_unique'),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		active: boolean('active').notNull().default(true),
		retiredAt: timestamp('retired_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('org_root_key_one_active')
			.on(t.active)
			.where(sql`${t.active}`)
	]
);

/** Signed directory entries: a staff member's public key bound to an organ and role for a period. */
export const directoryEntry = pgTable(
	'directory_entry',
	{
		/** The entry id inside the signed bytes (16 bytes). */
		entryId: bytea('entry_id').primaryKey(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		publicKey: bytea('public_key').notNull(),
		notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
		notAfter: timestamp('not_after', { withTimezone: true }).notNull(),
		/** The root key that signed it. */
		rootKeyId: integer('root_key_id')
			.notNull()
			.references(() => orgRootKey.id, { onDelete: 'cascade' }),
		/** The signed entry exactly as the admin's browser produced it (body ‖ signature). */
		signed: bytea('signed').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('directory_entry_organ_idx').on(t.organId), index('directory_entry_staff_idx').on(t.staffId)]
);

/** Revoked directory entries or public keys, with the root-signed revocation list that carries them. */
export const keyRevocation = pgTable(
	'key_revocation',
	{
		id: serial('id').primaryKey(),
		rootKeyId: integer('root_key_id')
			.notNull()
			.references(() => orgRootKey.id, { onDelete: 'cascade' }),
		/** Issue time written inside the signed list. */
		issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
		/** The signed revocation list (format R); the newest one per root key is the one served. */
		signed: bytea('signed').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('key_revocation_root_idx').on(t.rootKeyId, t.issuedAt)]
);

/**
 * Server-side revocations of single directory entries (issue 16): written by database triggers when a
 * member leaves the entry's organ (organ_staff row deleted) or their account is disabled, so no code path
 * can forget them. Recipients (validEntriesForOrgans) leave these entries out; the admin key page lists
 * them so the admin can also put them on the next root-signed revocation list (which browsers check).
 * No foreign keys: the row outlives the entry, the membership and the account it records.
 */
export const entryRevocation = pgTable(
	'directory_entry_revocation',
	{
		entryId: bytea('entry_id').primaryKey(),
		staffId: uuid('staff_id').notNull(),
		organId: text('organ_id').notNull(),
		/** membership_removed | account_disabled */
		reason: text('reason').notNull(),
		revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('directory_entry_revocation_staff_idx').on(t.staffId)]
);
