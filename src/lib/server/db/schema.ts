/**
 * The one Drizzle schema. Migrations are generated from it into drizzle/ (`npm run db:generate`)
 * and applied at start-up.
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './types';

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

// ────────────────────────────────────────────────────────────────────────────────────────────────────
// Organization directory and routing (issue 4): units, leadership posts, discipline organs, their
// jurisdictions, staff membership and conflict declarations. Routing itself is the pure function in
// src/lib/server/org/routing.ts; src/lib/server/org/store.ts reads and writes these tables.
// ────────────────────────────────────────────────────────────────────────────────────────────────────
import { check, customType, primaryKey, unique, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Byte-order ("C") collation: prefix ranges and ORDER BY use the btree index on any server locale. */
const textC = customType<{ data: string }>({
	dataType() {
		return 'text COLLATE "C"';
	}
});

const LEVELS_SQL = sql.raw(`('central', 'province', 'city', 'county', 'township')`);

/** A unit (单位) in the administrative tree; level is one of ADMIN_LEVELS in org/types.ts. */
export const orgUnit = pgTable(
	'org_unit',
	{
		id: text('id').primaryKey(),
		parentId: text('parent_id').references((): AnyPgColumn => orgUnit.id, { onDelete: 'restrict' }),
		name: text('name').notNull(),
		level: text('level').notNull(),
		/** Names from the top, joined with "/", e.g. 示范省/青山市/高新区. */
		regionPath: text('region_path').notNull(),
		/** Ids of all ancestors, root first (kept by the writer), so routing reads a unit's chain by index. */
		ancestorIds: text('ancestor_ids')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/** Toneless pinyin, one syllable per character, space-separated ("gao xin qu"), computed at write time. */
		pinyinFull: text('pinyin_full').notNull(),
		/** First letters, one per character ("gxq"). */
		pinyinInitials: text('pinyin_initials').notNull(),
		/** Loaded by `npm run demo` (the demo refuses to overwrite anything else). */
		isDemo: boolean('is_demo').notNull().default(false)
	},
	(t) => [index('org_unit_parent_idx').on(t.parentId), check('org_unit_level_check', sql`${t.level} in ${LEVELS_SQL}`)]
);

/**
 * Search keys: one row per character position of a unit's name, holding the name, pinyin and initials
 * from that position on, so a prefix range on an index finds substrings ("gxq" in 青山市高新区).
 */
export const orgUnitSearch = pgTable(
	'org_unit_search',
	{
		unitId: text('unit_id')
			.notNull()
			.references(() => orgUnit.id, { onDelete: 'cascade' }),
		pos: integer('pos').notNull(),
		nameKey: textC('name_key').notNull(),
		pinyinKey: textC('pinyin_key').notNull(),
		initialsKey: textC('initials_key').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.unitId, t.pos] }),
		index('org_unit_search_name_idx').on(t.nameKey),
		index('org_unit_search_pinyin_idx').on(t.pinyinKey),
		index('org_unit_search_initials_idx').on(t.initialsKey)
	]
);

/** Leadership posts of a unit: its top leader (一把手) and team members; holder names are optional. */
export const leadershipPost = pgTable(
	'leadership_post',
	{
		id: serial('id').primaryKey(),
		unitId: text('unit_id')
			.notNull()
			.references(() => orgUnit.id, { onDelete: 'cascade' }),
		position: text('position').notNull(),
		title: text('title').notNull(),
		holderName: text('holder_name')
	},
	(t) => [
		index('leadership_post_unit_idx').on(t.unitId),
		check('leadership_post_position_check', sql`${t.position} in ('top_leader', 'team_member')`)
	]
);

/** Discipline organs: commissions (纪委监委, 乡镇纪委) and stationed teams (派驻纪检监察组). */
export const disciplineOrgan = pgTable(
	'discipline_organ',
	{
		id: text('id').primaryKey(),
		name: text('name').notNull(),
		kind: text('kind').notNull(),
		level: text('level').notNull(),
		/** The unit that IS this organ (its own head and members), if the directory lists it. */
		unitId: text('unit_id')
			.unique('discipline_organ_unit_unique')
			.references(() => orgUnit.id, { onDelete: 'set null' }),
		/** For a stationed team, the unit it is stationed in. */
		hostUnitId: text('host_unit_id').references(() => orgUnit.id, { onDelete: 'set null' }),
		parentOrganId: text('parent_organ_id').references((): AnyPgColumn => disciplineOrgan.id, { onDelete: 'restrict' }),
		/** Ids of all ancestor organs, top first (kept by the writer). */
		ancestorIds: text('ancestor_ids')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		isDemo: boolean('is_demo').notNull().default(false)
	},
	(t) => [
		index('discipline_organ_parent_idx').on(t.parentOrganId),
		index('discipline_organ_host_idx').on(t.hostUnitId),
		check('discipline_organ_kind_check', sql`${t.kind} in ('commission', 'stationed_team')`),
		check('discipline_organ_level_check', sql`${t.level} in ${LEVELS_SQL}`)
	]
);

/** Which organ supervises which unit. */
export const organJurisdiction = pgTable(
	'organ_jurisdiction',
	{
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		unitId: text('unit_id')
			.notNull()
			.references(() => orgUnit.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.organId, t.unitId] }), index('organ_jurisdiction_unit_idx').on(t.unitId)]
);

/** Staff membership in organs, with a role: inspector, head (organ head/supervisor) or admin. */
export const organStaff = pgTable(
	'organ_staff',
	{
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		organId: text('organ_id')
			.notNull()
			.references(() => disciplineOrgan.id, { onDelete: 'cascade' }),
		role: text('role').notNull(),
		/**
		 * Kept for the import format and the demo. Routing derives "has a key" from the signed key
		 * directory as soon as a root key exists (loadRoutingSnapshot); this column counts only before.
		 */
		hasKey: boolean('has_key').notNull().default(false)
	},
	(t) => [
		primaryKey({ columns: [t.staffId, t.organId] }),
		index('organ_staff_organ_idx').on(t.organId),
		check('organ_staff_role_check', sql`${t.role} in ('inspector', 'head', 'admin')`)
	]
);

/** A staff member's declared conflict for a unit (served there, relative in its leadership, ...). */
export const staffConflict = pgTable(
	'staff_conflict',
	{
		id: serial('id').primaryKey(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		unitId: text('unit_id')
			.notNull()
			.references(() => orgUnit.id, { onDelete: 'cascade' }),
		reason: text('reason').notNull(),
		declaredAt: timestamp('declared_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('staff_conflict_staff_unit_unique').on(t.staffId, t.unitId),
		index('staff_conflict_unit_idx').on(t.unitId)
	]
);

// ────────────────────────────────────────────────────────────────────────────────────────────────────
// Staff keys and the signed key directory (issue 3, key management). Everything here is generated or
// signed in a browser; the server only stores it after checking formats with src/lib/crypto's parsers
// (src/lib/server/keys/*). No secret key is ever stored in clear: only password- and recovery-wrapped.
// ────────────────────────────────────────────────────────────────────────────────────────────────────

import { uniqueIndex } from 'drizzle-orm/pg-core';

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

/** The organization's root Ed25519 signing key; exactly one row is active. */
export const orgRootKey = pgTable(
	'org_root_key',
	{
		id: serial('id').primaryKey(),
		/** Ed25519 public key (32 bytes). */
		publicKey: bytea('public_key').notNull().unique('org_root_key_public_key_unique'),
		/** The 32-byte seed under the creating admin's password (format P, 99 bytes). */
		passwordWrapped: bytea('password_wrapped').notNull(),
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

// ────────────────────────────────────────────────────────────────────────────────────────────────────
// Reports (issue 5): what the reporter's browser submits, as ciphertext plus the few clear fields routing
// and statistics need (architecture invariant 3). No timestamps on report rows, messages or attachments:
// only dates. Staged uploads (intake) carry an expiry and are deleted when committed or abandoned.
// src/lib/server/reports/* reads and writes these tables; docs/reporting.md is the wire contract.
// ────────────────────────────────────────────────────────────────────────────────────────────────────
import { date } from 'drizzle-orm/pg-core';

export const REPORT_STATUSES_SQL = sql.raw(`('received', 'accepted', 'handling', 'concluded', 'transferred')`);

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
		kind: text('kind').notNull(),
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
		/** talk_inquiry | preliminary_verification | hold_pending | close | to_investigation. */
		disposition: text('disposition'),
		/** closed | cleared | handled:form1..4 (the full outcome object is in caseData). */
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
		index('report_handler_due_idx').on(t.handlerId, t.nextDueOn),
		index('report_next_due_idx').on(t.nextDueOn),
		index('report_organ_category_idx').on(t.organId, t.category),
		index('report_organ_state_idx').on(t.organId, t.state),
		index('report_unit_idx').on(t.unitId),
		index('report_received_category_idx').on(t.receivedOn, t.category),
		index('report_concluded_idx').on(t.concludedOn),
		check('report_public_status_check', sql`${t.publicStatus} in ${REPORT_STATUSES_SQL}`),
		check('report_position_check', sql`${t.position} in ('top_leader', 'team_member', 'other_staff')`)
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
		grantedBy: uuid('granted_by')
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

/** Messages between the reporter and the staff: content ciphertexts under the report key, dated only. */
export const reportMessage = pgTable(
	'report_message',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		author: text('author').notNull(),
		staffId: uuid('staff_id').references(() => staffUser.id, { onDelete: 'set null' }),
		sentOn: date('sent_on', { mode: 'string' }).notNull(),
		body: bytea('body').notNull()
	},
	(t) => [
		index('report_message_report_idx').on(t.reportId, t.id),
		check('report_message_author_check', sql`${t.author} in ('reporter', 'staff')`)
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
		messageId: integer('message_id').references(() => reportMessage.id, { onDelete: 'cascade' })
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

// ────────────────────────────────────────────────────────────────────────────────────────────────────
// The back office (issue 6): the case state of a report (workflow), deadlines, the timeline, pending
// approvals, internal notes, links, the hash-chained audit log, the holiday calendar and in-app notices.
// src/lib/server/backoffice/* reads and writes these; docs/backoffice.md is the contract. Notes and event
// notes are ciphertexts under the report key (the server never sees their text).
// ────────────────────────────────────────────────────────────────────────────────────────────────────
import { bigint } from 'drizzle-orm/pg-core';

/** Deadlines of a report: open while met_on is null. */
export const reportDeadline = pgTable(
	'report_deadline',
	{
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		code: text('code').notNull(),
		dueOn: date('due_on', { mode: 'string' }).notNull(),
		startedOn: date('started_on', { mode: 'string' }).notNull(),
		metOn: date('met_on', { mode: 'string' })
	},
	(t) => [primaryKey({ columns: [t.reportId, t.code, t.startedOn] })]
);

/** The timeline of a report: one row per workflow action. */
export const reportEvent = pgTable(
	'report_event',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		actorId: uuid('actor_id').references(() => staffUser.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		fromState: text('from_state'),
		toState: text('to_state'),
		organId: text('organ_id').notNull(),
		/** Rationale note: content ciphertext under the report key. */
		note: bytea('note'),
		outcome: jsonb('outcome'),
		details: jsonb('details')
			.notNull()
			.default(sql`'{}'::jsonb`)
	},
	(t) => [index('report_event_report_idx').on(t.reportId, t.id)]
);

/** A request waiting for a head's approval (close, send up/down/out). */
export const reportPending = pgTable('report_pending', {
	reportId: uuid('report_id')
		.primaryKey()
		.references(() => report.id, { onDelete: 'cascade' }),
	action: text('action').notNull(),
	requestedBy: uuid('requested_by').notNull(),
	requestedAt: timestamp('requested_at', { withTimezone: true, precision: 3 }).notNull(),
	requestedOn: date('requested_on', { mode: 'string' }).notNull(),
	returnTo: text('return_to').notNull(),
	/** Receiving organ id (up/down) or agency name (out). */
	target: text('target'),
	outcome: jsonb('outcome'),
	note: bytea('note').notNull(),
	noteId: text('note_id').notNull(),
	/** [{ entryId: b64, sealed: b64 }] for the target organ's recipients, sealed by the requester's browser. */
	wraps: jsonb('wraps').$type<{ entryId: string; sealed: string }[]>()
});

/** Internal notes (staff only), ciphertext under the report key. */
export const reportNote = pgTable(
	'report_note',
	{
		id: serial('id').primaryKey(),
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		authorId: uuid('author_id').references(() => staffUser.id, { onDelete: 'set null' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		body: bytea('body').notNull()
	},
	(t) => [index('report_note_report_idx').on(t.reportId, t.id)]
);

/** Duplicate / related links between reports (written in both directions). */
export const reportLink = pgTable(
	'report_link',
	{
		reportId: uuid('report_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		otherId: uuid('other_id')
			.notNull()
			.references(() => report.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		createdBy: uuid('created_by').references(() => staffUser.id, { onDelete: 'set null' }),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull()
	},
	(t) => [
		primaryKey({ columns: [t.reportId, t.otherId] }),
		check('report_link_kind_check', sql`${t.kind} in ('duplicate', 'related')`)
	]
);

/** The append-only, hash-chained audit log (src/lib/server/audit/chain.ts). */
export const auditLog = pgTable(
	'audit_log',
	{
		seq: bigint('seq', { mode: 'bigint' }).primaryKey(),
		at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
		actor: text('actor').notNull(),
		action: text('action').notNull(),
		reportId: uuid('report_id'),
		organId: text('organ_id'),
		details: jsonb('details').notNull(),
		prevHash: bytea('prev_hash').notNull(),
		hash: bytea('hash').notNull()
	},
	(t) => [
		index('audit_log_report_idx').on(t.reportId, t.seq),
		index('audit_log_actor_idx').on(t.actor, t.seq),
		index('audit_log_organ_idx').on(t.organId, t.seq)
	]
);

/** The last verified count and head of the audit chain (single row, id = 1). */
export const auditAnchor = pgTable('audit_anchor', {
	id: integer('id').primaryKey(),
	count: bigint('count', { mode: 'bigint' }).notNull(),
	head: bytea('head').notNull()
});

/** The working-day calendar (admin-editable; seeded with the shipped years). */
export const holiday = pgTable(
	'holiday',
	{
		day: date('day', { mode: 'string' }).primaryKey(),
		kind: text('kind').notNull(),
		name: text('name').notNull(),
		provisional: boolean('provisional').notNull().default(false)
	},
	(t) => [check('holiday_kind_check', sql`${t.kind} in ('holiday', 'workday')`)]
);

/** In-app notices for staff (deadline reminders, approval requests, assignments). */
export const staffNotice = pgTable(
	'staff_notice',
	{
		id: serial('id').primaryKey(),
		staffId: uuid('staff_id')
			.notNull()
			.references(() => staffUser.id, { onDelete: 'cascade' }),
		reportId: uuid('report_id').references(() => report.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		createdOn: date('created_on', { mode: 'string' }).notNull(),
		seen: boolean('seen').notNull().default(false),
		details: jsonb('details')
			.notNull()
			.default(sql`'{}'::jsonb`)
	},
	(t) => [
		uniqueIndex('staff_notice_once_idx').on(t.staffId, t.reportId, t.kind, t.createdOn),
		index('staff_notice_staff_idx').on(t.staffId, t.seen, t.id)
	]
);

// Statistics roll-ups (migration 0006; src/lib/server/backoffice/stats.ts). Kept by statement-level triggers
// on report and report_deadline (every writer, in the writer's transaction); never written by the app.

/**
 * Counts per scope organ, month received (yyyymm), dimension and value: for every report, one row per
 * dimension under each organ at level central or province that holds it or lies above its holder (the
 * province-wide views). Dimensions: category, position, kind, state, disposition ('' = none), outcome
 * ('' = none), day (day of the month received), days (concluded_on − received_on), due (next_due_on of
 * an open report), met / late (its deadlines met, met after the due day). `shard` spreads concurrent
 * writers over a few rows (the reader sums them). Rebuilt after a change of discipline_organ.
 */
export const reportStatsMonth = pgTable(
	'report_stats_month',
	{
		scopeId: text('scope_id').notNull(),
		month: integer('month').notNull(),
		dim: text('dim').notNull(),
		value: text('value').notNull(),
		shard: integer('shard').notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.scopeId, t.month, t.dim, t.value, t.shard] })]
);

/** Counts per holding organ, unit, month received and running due day ('infinity': none or not open). */
export const reportStatsUnit = pgTable(
	'report_stats_unit',
	{
		organId: text('organ_id').notNull(),
		unitId: text('unit_id').notNull(),
		month: integer('month').notNull(),
		due: date('due', { mode: 'string' }).notNull(),
		n: integer('n').notNull()
	},
	(t) => [primaryKey({ columns: [t.organId, t.unitId, t.month, t.due] })]
);

/** One row (id 1): stale = report_stats_month must be rebuilt (the organ tree changed since it was built). */
export const reportStatsState = pgTable('report_stats_state', {
	id: integer('id').primaryKey(),
	stale: boolean('stale').notNull()
});
