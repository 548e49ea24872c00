/**
 * Organization directory: the shapes routing works on. Pure data, no database, no framework, so the
 * routing function can be tested exhaustively and the same snapshot can come from the database, an
 * import file or the demo generator.
 */

import type { AdminLevel, ManagedBy, OrganKind, PostPosition, StaffRole, UnitType } from '../../shared/vocabulary/org';
import { ADMIN_LEVELS } from '../../shared/vocabulary/org';
import type { PositionKind } from '../../shared/vocabulary/report';

// The codes are the shared vocabulary's (src/lib/shared/vocabulary); re-exported for the directory's modules.
export {
	ADMIN_LEVELS,
	MANAGED_BY,
	ORGAN_KINDS,
	UNIT_TYPES,
	type ManagedBy,
	type UnitType,
	POST_POSITIONS,
	STAFF_ROLES,
	type AdminLevel,
	type OrganKind,
	type PostPosition,
	type StaffRole
} from '../../shared/vocabulary/org';
export { POSITION_KINDS, REPORT_KINDS, type PositionKind, type ReportKind } from '../../shared/vocabulary/report';

export interface OrgUnit {
	id: string;
	parentId: string | null;
	name: string;
	level: AdminLevel;
	/** Human-readable path of names from the top, e.g. "示范省/青山市/高新区". */
	regionPath: string;
	/** Kind of unit; absent (older data) -> inferred by {@link inferUnitType}. */
	type?: UnitType;
	/** Staff of the unit, where known (the statistics normalise by it). */
	headcount?: number;
}

/** A unit whose type is known (the snapshot fills it in). */
export type TypedUnit = OrgUnit & { type: UnitType };

/**
 * Who manages one kind of post of a unit (干部管理权限), overriding the default by unit type and level
 * (src/lib/server/org/management.ts). organId is set exactly when managedBy is 'organ'.
 */
export interface PostManagement {
	unitId: string;
	position: PositionKind;
	managedBy: ManagedBy;
	organId: string | null;
}

export interface Organ {
	id: string;
	name: string;
	kind: OrganKind;
	level: AdminLevel;
	/**
	 * The directory unit that IS this organ (its own head and members), when the directory has one.
	 * Reports about that unit go to the parent organ.
	 */
	unitId: string | null;
	/** For a stationed team: the unit it is stationed in. Null for commissions. */
	hostUnitId: string | null;
	parentOrganId: string | null;
}

export interface StaffMember {
	/** staff_user id. */
	id: string;
	organId: string;
	role: StaffRole;
	/** True when the staff member has a published public key reports can be sealed to. */
	hasKey: boolean;
}

export interface ConflictDeclaration {
	staffId: string;
	unitId: string;
	reason: string;
}

export interface LeadershipPost {
	unitId: string;
	position: PostPosition;
	title: string;
	holderName: string | null;
}

/** Plain, serializable form of a directory (demo generator, import/export, loader). */
export interface OrgData {
	units: OrgUnit[];
	organs: Organ[];
	/** Which organ supervises which unit. */
	jurisdiction: { organId: string; unitId: string }[];
	staff: StaffMember[];
	conflicts: ConflictDeclaration[];
	posts: LeadershipPost[];
	/** Per-unit overrides of the managing committee; absent -> none. */
	management?: PostManagement[];
}

/**
 * Indexed, read-only view routing needs. It may be the whole directory or only the slice around one
 * unit (the unit, its ancestors, the organs above them, their staff and the unit's conflicts).
 */
export interface OrgSnapshot {
	units: ReadonlyMap<string, TypedUnit>;
	organs: ReadonlyMap<string, Organ>;
	/** unit id -> organs whose jurisdiction includes it. */
	organsByUnit: ReadonlyMap<string, readonly string[]>;
	/** unit id -> the organ that unit is (Organ.unitId inverted). */
	organByOwnUnit: ReadonlyMap<string, string>;
	/** organ id -> its staff. */
	staffByOrgan: ReadonlyMap<string, readonly StaffMember[]>;
	/** unit id -> staff ids that declared a conflict for it. */
	conflictsByUnit: ReadonlyMap<string, ReadonlySet<string>>;
	/** unit id -> its posts (titles name the accused's post in explanations); may be empty. */
	postsByUnit: ReadonlyMap<string, readonly LeadershipPost[]>;
	/** unit id -> per-position overrides of the managing committee. */
	managementByUnit: ReadonlyMap<string, ReadonlyMap<PositionKind, PostManagement>>;
}

/**
 * The type of a unit that does not say: the root or a unit whose level differs from its parent's is a
 * region's own leadership (a township, or a party and government body); any other unit is a department.
 */
export function inferUnitType(unit: OrgUnit, parent: OrgUnit | undefined): UnitType {
	if (unit.type) return unit.type;
	if (parent && parent.level === unit.level) return 'department';
	return unit.level === 'township' ? 'township' : 'party_government';
}

export function makeSnapshot(
	data: Omit<OrgData, 'posts'> & { posts?: readonly LeadershipPost[] | unknown }
): OrgSnapshot {
	const raw = new Map(data.units.map((u) => [u.id, u] as const));
	const units = new Map<string, TypedUnit>();
	for (const u of data.units) {
		const parent = u.parentId === null ? undefined : raw.get(u.parentId);
		units.set(u.id, { ...u, type: inferUnitType(u, parent) });
	}
	const organs = new Map(data.organs.map((o) => [o.id, o] as const));
	const organsByUnit = new Map<string, string[]>();
	for (const j of data.jurisdiction) {
		const list = organsByUnit.get(j.unitId);
		if (list) {
			if (!list.includes(j.organId)) list.push(j.organId);
		} else organsByUnit.set(j.unitId, [j.organId]);
	}
	for (const list of organsByUnit.values()) list.sort();
	const organByOwnUnit = new Map<string, string>();
	for (const o of [...data.organs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
		if (o.unitId !== null && !organByOwnUnit.has(o.unitId)) organByOwnUnit.set(o.unitId, o.id);
	}
	const staffByOrgan = new Map<string, StaffMember[]>();
	for (const s of data.staff) {
		const list = staffByOrgan.get(s.organId);
		if (list) list.push(s);
		else staffByOrgan.set(s.organId, [s]);
	}
	for (const list of staffByOrgan.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const conflictsByUnit = new Map<string, Set<string>>();
	for (const c of data.conflicts) {
		const set = conflictsByUnit.get(c.unitId);
		if (set) set.add(c.staffId);
		else conflictsByUnit.set(c.unitId, new Set([c.staffId]));
	}
	const postsByUnit = new Map<string, LeadershipPost[]>();
	for (const p of Array.isArray(data.posts) ? (data.posts as LeadershipPost[]) : []) {
		const list = postsByUnit.get(p.unitId);
		if (list) list.push(p);
		else postsByUnit.set(p.unitId, [p]);
	}
	const managementByUnit = new Map<string, Map<PositionKind, PostManagement>>();
	for (const m of data.management ?? []) {
		const map = managementByUnit.get(m.unitId) ?? new Map<PositionKind, PostManagement>();
		if (!map.has(m.position)) map.set(m.position, m);
		managementByUnit.set(m.unitId, map);
	}
	return {
		units,
		organs,
		organsByUnit,
		organByOwnUnit,
		staffByOrgan,
		conflictsByUnit,
		postsByUnit,
		managementByUnit
	};
}

export function levelIndex(level: AdminLevel): number {
	return ADMIN_LEVELS.indexOf(level);
}
