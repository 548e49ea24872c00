/**
 * The codes of the organization directory (docs/org.md): administrative levels, kinds of discipline
 * organ, staff roles and leadership posts. The database CHECKs are built from these lists
 * (src/lib/server/db/schema/checks.ts); labels live in src/lib/i18n/labels.ts.
 */
import type { PositionKind } from './report';

/** Administrative levels, from the top. The order matters: index 0 is the highest. */
export const ADMIN_LEVELS = ['central', 'province', 'city', 'county', 'township'] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

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
	'no_recipients'
] as const;
export type RoutingWarningCode = (typeof ROUTING_WARNINGS)[number];
