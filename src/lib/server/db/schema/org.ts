/**
 * Organization directory and routing (issue 4): units, leadership posts, discipline organs, their
 * jurisdictions, staff membership and conflict declarations. Routing itself is the pure function in
 * src/lib/server/org/routing.ts; src/lib/server/org/store.ts reads and writes these tables.
 */
import { sql } from 'drizzle-orm';
import {
	boolean,
	check,
	customType,
	index,
	integer,
	pgTable,
	primaryKey,
	serial,
	text,
	timestamp,
	unique,
	uuid,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';
import {
	ADMIN_LEVELS,
	MANAGED_BY,
	ORGAN_KINDS,
	POST_POSITIONS,
	STAFF_ROLES,
	UNIT_TYPES
} from '../../../shared/vocabulary/org';
import { POSITION_KINDS } from '../../../shared/vocabulary/report';
import { staffUser } from './auth';
import { inList } from './checks';

/** Byte-order ("C") collation: prefix ranges and ORDER BY use the btree index on any server locale. */
const textC = customType<{ data: string }>({
	dataType() {
		return 'text COLLATE "C"';
	}
});

/** A unit (单位) in the administrative tree; level is one of ADMIN_LEVELS in org/types.ts. */
export const orgUnit = pgTable(
	'org_unit',
	{
		id: text('id').primaryKey(),
		parentId: text('parent_id').references((): AnyPgColumn => orgUnit.id, { onDelete: 'restrict' }),
		name: text('name').notNull(),
		level: text('level').notNull(),
		/** One of UNIT_TYPES (party_government, department, township, village, soe, public_institution). */
		unitType: text('unit_type').notNull().default('department'),
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
		isDemo: boolean('is_demo').notNull().default(false),
		/** Staff of the unit (编制/在职人数), where the directory gives it: the statistics normalise by it (issue 18). */
		headcount: integer('headcount')
	},
	(t) => [
		index('org_unit_parent_idx').on(t.parentId),
		check('org_unit_headcount_check', sql`${t.headcount} is null or ${t.headcount} > 0`),
		check('org_unit_level_check', sql`${t.level} in ${inList(ADMIN_LEVELS)}`),
		check('org_unit_type_check', sql`${t.unitType} in ${inList(UNIT_TYPES)}`)
	]
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
		check('leadership_post_position_check', sql`${t.position} in ${inList(POST_POSITIONS)}`)
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
		isDemo: boolean('is_demo').notNull().default(false),
		/** The IANA time zone staff screens and printouts of this organ show times in (issue 18; checked with Intl when set). */
		timeZone: text('time_zone').notNull().default('Asia/Shanghai')
	},
	(t) => [
		index('discipline_organ_parent_idx').on(t.parentOrganId),
		index('discipline_organ_host_idx').on(t.hostUnitId),
		check('discipline_organ_kind_check', sql`${t.kind} in ${inList(ORGAN_KINDS)}`),
		check('discipline_organ_level_check', sql`${t.level} in ${inList(ADMIN_LEVELS)}`)
	]
);

/**
 * Per-unit overrides of the committee that manages a kind of post (干部管理权限); without a row the default
 * by unit type and level holds (src/lib/server/org/management.ts).
 */
export const postManagement = pgTable(
	'post_management',
	{
		unitId: text('unit_id')
			.notNull()
			.references(() => orgUnit.id, { onDelete: 'cascade' }),
		position: text('position').notNull(),
		managedBy: text('managed_by').notNull(),
		/** The managing organ when managed_by is 'organ'. */
		organId: text('organ_id').references(() => disciplineOrgan.id, { onDelete: 'cascade' })
	},
	(t) => [
		primaryKey({ columns: [t.unitId, t.position] }),
		check('post_management_position_check', sql`${t.position} in ${inList(POSITION_KINDS)}`),
		check('post_management_managed_by_check', sql`${t.managedBy} in ${inList(MANAGED_BY)}`),
		check('post_management_organ_check', sql`(${t.managedBy} = 'organ') = (${t.organId} is not null)`)
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
		check('organ_staff_role_check', sql`${t.role} in ${inList(STAFF_ROLES)}`)
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
