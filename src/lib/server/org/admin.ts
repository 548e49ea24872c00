/**
 * Directory administration, one row at a time (the admin UI): reading a unit with everything that
 * decides where its reports go, listing organs with their jurisdiction and staff, and changing staff
 * membership and conflict declarations, and renaming or moving a unit (keeping its pinyin, search rows,
 * region paths and ancestor ids in step). Organs and jurisdiction change through the all-or-nothing
 * import (io.ts). Renaming and moving units: ./admin-units.ts (re-exported here).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { ID_PATTERN, UUID_PATTERN } from '../../shared/encoding';
import type { UnitOrganRelation } from '../../shared/vocabulary/org';
import type { Db } from '../db/index';
import {
	disciplineOrgan,
	leadershipPost,
	organJurisdiction,
	organStaff,
	orgUnit,
	staffConflict,
	staffUser
} from '../db/schema';
import { routeReport, type Explanation } from './routing';
import { loadRoutingSnapshot } from './store';
import {
	POSITION_KINDS,
	STAFF_ROLES,
	type AdminLevel,
	type OrganKind,
	type PositionKind,
	type PostPosition,
	type StaffRole
} from './types';

export interface UnitRow {
	id: string;
	name: string;
	level: AdminLevel;
	regionPath: string;
}

export interface OrganSummary {
	id: string;
	name: string;
	kind: OrganKind;
	level: AdminLevel;
}

export interface UnitDetail {
	unit: UnitRow & { parentId: string | null };
	/** Ancestors, top first. */
	ancestors: UnitRow[];
	children: UnitRow[];
	posts: { position: PostPosition; title: string; holderName: string | null }[];
	/** Organs whose jurisdiction lists the unit, teams stationed in it, and the organ the unit is. */
	organs: (OrganSummary & { relation: UnitOrganRelation })[];
	conflicts: { staffId: string; username: string; displayName: string; reason: string }[];
}

const unitCols = { id: orgUnit.id, name: orgUnit.name, level: orgUnit.level, regionPath: orgUnit.regionPath };
const organCols = {
	id: disciplineOrgan.id,
	name: disciplineOrgan.name,
	kind: disciplineOrgan.kind,
	level: disciplineOrgan.level
};

/** Units directly below `parentId` (null: the top of the tree), by name. */
export async function listChildUnits(db: Db, parentId: string | null, limit = 500): Promise<UnitRow[]> {
	const rows = await db
		.select(unitCols)
		.from(orgUnit)
		.where(parentId === null ? isNull(orgUnit.parentId) : eq(orgUnit.parentId, parentId))
		.orderBy(asc(orgUnit.id))
		.limit(limit);
	return rows as UnitRow[];
}

/** One unit and everything the admin needs to see about it; null when the id is unknown. */
export async function getUnitDetail(db: Db, id: string): Promise<UnitDetail | null> {
	const [u] = await db
		.select({ ...unitCols, parentId: orgUnit.parentId, ancestorIds: orgUnit.ancestorIds })
		.from(orgUnit)
		.where(eq(orgUnit.id, id));
	if (!u) return null;
	const [ancestorRows, children, posts, byJurisdiction, hosted, own, conflicts] = await Promise.all([
		u.ancestorIds.length > 0
			? db.select(unitCols).from(orgUnit).where(inArray(orgUnit.id, u.ancestorIds))
			: Promise.resolve([]),
		listChildUnits(db, u.id),
		db
			.select({ position: leadershipPost.position, title: leadershipPost.title, holderName: leadershipPost.holderName })
			.from(leadershipPost)
			.where(eq(leadershipPost.unitId, u.id))
			.orderBy(asc(leadershipPost.id)),
		db
			.select(organCols)
			.from(organJurisdiction)
			.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, organJurisdiction.organId))
			.where(eq(organJurisdiction.unitId, u.id))
			.orderBy(asc(disciplineOrgan.id)),
		db
			.select(organCols)
			.from(disciplineOrgan)
			.where(eq(disciplineOrgan.hostUnitId, u.id))
			.orderBy(asc(disciplineOrgan.id)),
		db.select(organCols).from(disciplineOrgan).where(eq(disciplineOrgan.unitId, u.id)),
		db
			.select({
				staffId: staffConflict.staffId,
				username: staffUser.username,
				displayName: staffUser.displayName,
				reason: staffConflict.reason
			})
			.from(staffConflict)
			.innerJoin(staffUser, eq(staffUser.id, staffConflict.staffId))
			.where(eq(staffConflict.unitId, u.id))
			.orderBy(asc(staffUser.username))
	]);
	const order = new Map(u.ancestorIds.map((a, i) => [a, i] as const));
	const ancestors = (ancestorRows as UnitRow[]).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
	return {
		unit: { id: u.id, name: u.name, level: u.level as AdminLevel, regionPath: u.regionPath, parentId: u.parentId },
		ancestors,
		children,
		posts: posts as UnitDetail['posts'],
		organs: [
			...own.map((o) => ({ ...(o as OrganSummary), relation: 'is_organ' as const })),
			...hosted.map((o) => ({ ...(o as OrganSummary), relation: 'stationed_here' as const })),
			...byJurisdiction.map((o) => ({ ...(o as OrganSummary), relation: 'jurisdiction' as const }))
		],
		conflicts
	};
}

export interface RoutingPreview {
	position: PositionKind;
	organ: OrganSummary | null;
	explanation: Explanation;
	/** How many staff the report key would be sealed to (admins may see this; reporters never do). */
	recipients: number;
	warnings: string[];
}

/** Where a report about each position in the unit would go, and why (what reporters are shown). */
export async function previewRouting(db: Db, unitId: string): Promise<RoutingPreview[]> {
	const snap = await loadRoutingSnapshot(db, unitId);
	return POSITION_KINDS.map((position) => {
		const r = routeReport(snap, { unitId, position, escalate: false });
		if (r.status !== 'routed')
			return {
				position,
				organ: null,
				explanation: r.explanation,
				recipients: 0,
				warnings: r.status === 'no_organ' ? r.warnings.map((w) => w.code) : []
			};
		return {
			position,
			organ: { id: r.organ.id, name: r.organ.name, kind: r.organ.kind, level: r.organ.level },
			explanation: r.explanation,
			recipients: r.recipients.length,
			warnings: r.warnings.map((w) => w.code)
		};
	});
}

export interface OrganListing extends OrganSummary {
	parentOrganId: string | null;
	jurisdictionCount: number;
	/** The first units of the jurisdiction, by id. */
	jurisdiction: { id: string; name: string }[];
	members: {
		staffId: string;
		username: string;
		displayName: string;
		role: StaffRole;
		hasKey: boolean;
		disabled: boolean;
	}[];
}

/** Every organ with (the start of) its jurisdiction and all its members, in id order. */
export async function listOrgans(db: Db, jurisdictionSample = 12): Promise<OrganListing[]> {
	const [organs, counts, sample, members] = await Promise.all([
		db
			.select({ ...organCols, parentOrganId: disciplineOrgan.parentOrganId })
			.from(disciplineOrgan)
			.orderBy(asc(disciplineOrgan.id)),
		db
			.select({ organId: organJurisdiction.organId, n: sql<number>`count(*)::int` })
			.from(organJurisdiction)
			.groupBy(organJurisdiction.organId),
		db.execute(sql`
			select organ_id, unit_id, name from (
				select j.organ_id, j.unit_id, u.name, row_number() over (partition by j.organ_id order by j.unit_id) as rn
				from organ_jurisdiction j join org_unit u on u.id = j.unit_id
			) s where rn <= ${jurisdictionSample} order by organ_id, unit_id`),
		db
			.select({
				organId: organStaff.organId,
				staffId: organStaff.staffId,
				username: staffUser.username,
				displayName: staffUser.displayName,
				role: organStaff.role,
				hasKey: organStaff.hasKey,
				disabledAt: staffUser.disabledAt
			})
			.from(organStaff)
			.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
			.orderBy(asc(organStaff.organId), asc(staffUser.username))
	]);
	const countOf = new Map(counts.map((c) => [c.organId, Number(c.n)] as const));
	const sampleOf = new Map<string, { id: string; name: string }[]>();
	const sampleRows = (Array.isArray(sample) ? sample : (sample as { rows: unknown[] }).rows) as {
		organ_id: string;
		unit_id: string;
		name: string;
	}[];
	for (const r of sampleRows) {
		const list = sampleOf.get(r.organ_id) ?? [];
		list.push({ id: r.unit_id, name: r.name });
		sampleOf.set(r.organ_id, list);
	}
	const membersOf = new Map<string, OrganListing['members']>();
	for (const m of members) {
		const list = membersOf.get(m.organId) ?? [];
		list.push({
			staffId: m.staffId,
			username: m.username,
			displayName: m.displayName,
			role: m.role as StaffRole,
			hasKey: m.hasKey,
			disabled: m.disabledAt !== null
		});
		membersOf.set(m.organId, list);
	}
	return organs.map((o) => ({
		id: o.id,
		name: o.name,
		kind: o.kind as OrganKind,
		level: o.level as AdminLevel,
		parentOrganId: o.parentOrganId,
		jurisdictionCount: countOf.get(o.id) ?? 0,
		jurisdiction: sampleOf.get(o.id) ?? [],
		members: membersOf.get(o.id) ?? []
	}));
}

/** Active staff accounts (for the membership and conflict forms), by username. */
export async function listActiveStaff(db: Db): Promise<{ id: string; username: string; displayName: string }[]> {
	return db
		.select({ id: staffUser.id, username: staffUser.username, displayName: staffUser.displayName })
		.from(staffUser)
		.where(isNull(staffUser.disabledAt))
		.orderBy(asc(staffUser.username));
}

export type AdminChangeError =
	'unknown_staff' | 'unknown_organ' | 'unknown_unit' | 'invalid_role' | 'invalid_reason' | 'not_found';
export type AdminChange = { ok: true } | { ok: false; error: AdminChangeError };

const UUID_RE = UUID_PATTERN;
const ID_RE = ID_PATTERN;
/** Longest conflict reason kept (characters). */
export const MAX_REASON_LENGTH = 500;

async function activeStaffExists(db: Db, staffId: string): Promise<boolean> {
	if (!UUID_RE.test(staffId)) return false;
	const [row] = await db
		.select({ id: staffUser.id })
		.from(staffUser)
		.where(and(eq(staffUser.id, staffId), isNull(staffUser.disabledAt)));
	return row !== undefined;
}

/** Adds a staff member to an organ with a role, or changes the role and key flag of an existing membership. */
export async function setMembership(
	db: Db,
	m: { staffId: string; organId: string; role: string; hasKey: boolean }
): Promise<AdminChange> {
	if (!(STAFF_ROLES as readonly string[]).includes(m.role)) return { ok: false, error: 'invalid_role' };
	if (!(await activeStaffExists(db, m.staffId))) return { ok: false, error: 'unknown_staff' };
	if (!ID_RE.test(m.organId)) return { ok: false, error: 'unknown_organ' };
	const [organ] = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, m.organId));
	if (!organ) return { ok: false, error: 'unknown_organ' };
	await db
		.insert(organStaff)
		.values({ staffId: m.staffId, organId: m.organId, role: m.role, hasKey: m.hasKey })
		.onConflictDoUpdate({ target: [organStaff.staffId, organStaff.organId], set: { role: m.role, hasKey: m.hasKey } });
	return { ok: true };
}

export async function removeMembership(db: Db, m: { staffId: string; organId: string }): Promise<AdminChange> {
	if (!UUID_RE.test(m.staffId) || !ID_RE.test(m.organId)) return { ok: false, error: 'not_found' };
	const gone = await db
		.delete(organStaff)
		.where(and(eq(organStaff.staffId, m.staffId), eq(organStaff.organId, m.organId)))
		.returning({ id: organStaff.staffId });
	return gone.length > 0 ? { ok: true } : { ok: false, error: 'not_found' };
}

/** Normalizes a conflict reason: trimmed, inner whitespace runs collapsed; null when empty or too long. */
export function normalizeReason(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	const s = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
	return s.length === 0 || Array.from(s).length > MAX_REASON_LENGTH ? null : s;
}

/** Declares (or updates the reason of) a staff member's conflict for a unit. */
export async function declareConflict(
	db: Db,
	c: { staffId: string; unitId: string; reason: string }
): Promise<AdminChange> {
	const reason = normalizeReason(c.reason);
	if (reason === null) return { ok: false, error: 'invalid_reason' };
	if (!(await activeStaffExists(db, c.staffId))) return { ok: false, error: 'unknown_staff' };
	if (!ID_RE.test(c.unitId)) return { ok: false, error: 'unknown_unit' };
	const [unit] = await db.select({ id: orgUnit.id }).from(orgUnit).where(eq(orgUnit.id, c.unitId));
	if (!unit) return { ok: false, error: 'unknown_unit' };
	await db
		.insert(staffConflict)
		.values({ staffId: c.staffId, unitId: c.unitId, reason })
		.onConflictDoUpdate({ target: [staffConflict.staffId, staffConflict.unitId], set: { reason } });
	return { ok: true };
}

export async function removeConflict(db: Db, c: { staffId: string; unitId: string }): Promise<AdminChange> {
	if (!UUID_RE.test(c.staffId) || !ID_RE.test(c.unitId)) return { ok: false, error: 'not_found' };
	const gone = await db
		.delete(staffConflict)
		.where(and(eq(staffConflict.staffId, c.staffId), eq(staffConflict.unitId, c.unitId)))
		.returning({ id: staffConflict.id });
	return gone.length > 0 ? { ok: true } : { ok: false, error: 'not_found' };
}

export { MAX_UNIT_NAME_LENGTH, normalizeUnitName, updateUnit, type UnitEdit, type UnitEditError } from './admin-units';
