/**
 * The codes of the organization directory (docs/org.md): administrative levels, kinds of discipline
 * organ, staff roles and leadership posts. The database CHECKs are built from these lists
 * (src/lib/server/db/schema/checks.ts); labels live in src/lib/i18n/labels.ts.
 */
import type { PositionKind } from './report';

/** Administrative levels, from the top. The order matters: index 0 is the highest. */
export const ADMIN_LEVELS = ['central', 'province', 'city', 'county', 'township'] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

/**
 * Kinds of unit (docs/org.md): party_government: a region's own party committee and government (县委、县政府:
 * their leaders sit on the region's committee); department: a department of a region (县直部门); township: a
 * township or street's own leadership (乡镇、街道); village: a village or community (村、社区); soe: a state-owned
 * enterprise; public_institution: a school, hospital or other public institution (事业单位).
 */
export const UNIT_TYPES = [
	'party_government',
	'department',
	'township',
	'village',
	'soe',
	'public_institution'
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/**
 * Which party committee manages a post (干部管理权限): own_level: the committee of the unit's own level;
 * level_above: the committee one level up (a county's own leaders are city-managed); organ: a named organ
 * (a per-unit override, e.g. a centrally managed enterprise).
 */
export const MANAGED_BY = ['own_level', 'level_above', 'organ'] as const;
export type ManagedBy = (typeof MANAGED_BY)[number];

/** commission: 纪委监委 (or 乡镇纪委) of a level; stationed_team: 派驻纪检监察组 in a unit. */
export const ORGAN_KINDS = ['commission', 'stationed_team'] as const;
export type OrganKind = (typeof ORGAN_KINDS)[number];

/** inspector: handles reports; head: organ head/supervisor; admin: keeps the directory, receives no reports. */
export const STAFF_ROLES = ['inspector', 'head', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The roles that receive and handle reports (admins receive none). */
export const HANDLER_ROLES = ['inspector', 'head'] as const satisfies readonly StaffRole[];
export type HandlerRole = (typeof HANDLER_ROLES)[number];

/** Leadership posts are top leader or team member; "other staff" has no post of its own. */
export const POST_POSITIONS = ['top_leader', 'team_member'] as const satisfies readonly PositionKind[];
export type PostPosition = (typeof POST_POSITIONS)[number];

/** How an organ relates to a unit on the directory admin's unit page (src/lib/server/org/admin.ts). */
export const UNIT_ORGAN_RELATIONS = ['jurisdiction', 'stationed_here', 'is_organ'] as const;
export type UnitOrganRelation = (typeof UNIT_ORGAN_RELATIONS)[number];

/** Routing's warnings for the directory admin (src/lib/server/org/routing.ts `RoutingWarning`). */
export const ROUTING_WARNINGS = [
	'fell_back_to_ancestor',
	'no_higher_organ',
	'jurisdiction_inherited',
	'ambiguous_jurisdiction',
	'no_recipients',
	'managing_organ_missing'
] as const;
export type RoutingWarningCode = (typeof ROUTING_WARNINGS)[number];
