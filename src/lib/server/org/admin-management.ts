/**
 * Cadre-management authority in the admin UI (issue 14): for one unit, its type and, per kind of post
 * (一把手、班子成员、其他工作人员), the committee that manages it (干部管理权限): the default by unit type
 * and level (./management.ts), the unit's override if it has one (post_management rows, the import's
 * `management` records), and what holds. Admins set or clear an override here; bad input gets a typed
 * error the page turns into the reader's language.
 */
import { and, eq } from 'drizzle-orm';
import { ID_PATTERN } from '../../shared/encoding';
import { MANAGED_BY, type ManagedBy } from '../../shared/vocabulary/org';
import type { Db } from '../db/index';
import { disciplineOrgan, orgUnit, postManagement } from '../db/schema';
import { defaultManagedBy } from './management';
import { POSITION_KINDS, UNIT_TYPES, type AdminLevel, type PositionKind, type UnitType } from './types';

export interface PostManagementRow {
	position: PositionKind;
	/** What the unit's type and level give. */
	defaultManagedBy: ManagedBy;
	/** The unit's own override, if any (organ set when managedBy is 'organ'). */
	override: { managedBy: ManagedBy; organ: { id: string; name: string } | null } | null;
	/** What holds: the override, else the default. */
	managedBy: ManagedBy;
}

export interface UnitManagement {
	unitType: UnitType;
	posts: PostManagementRow[];
}

/** The unit's type and the managing committee of each kind of post; null for an unknown unit. */
export async function getUnitManagement(db: Db, unitId: string): Promise<UnitManagement | null> {
	if (!ID_PATTERN.test(unitId)) return null;
	const [unit] = await db
		.select({ type: orgUnit.unitType, level: orgUnit.level })
		.from(orgUnit)
		.where(eq(orgUnit.id, unitId));
	if (!unit) return null;
	const rows = await db
		.select({
			position: postManagement.position,
			managedBy: postManagement.managedBy,
			organId: postManagement.organId,
			organName: disciplineOrgan.name
		})
		.from(postManagement)
		.leftJoin(disciplineOrgan, eq(disciplineOrgan.id, postManagement.organId))
		.where(eq(postManagement.unitId, unitId));
	const type = (UNIT_TYPES as readonly string[]).includes(unit.type) ? (unit.type as UnitType) : 'department';
	return {
		unitType: type,
		posts: POSITION_KINDS.map((position) => {
			const d = defaultManagedBy(type, unit.level as AdminLevel, position);
			const row = rows.find((r) => r.position === position);
			const override = row
				? {
						managedBy: row.managedBy as ManagedBy,
						organ: row.organId ? { id: row.organId, name: row.organName ?? row.organId } : null
					}
				: null;
			return { position, defaultManagedBy: d, override, managedBy: override?.managedBy ?? d };
		})
	};
}

export type ManagementEditError =
	'unknown_unit' | 'invalid_position' | 'invalid_managed_by' | 'organ_required' | 'organ_not_allowed' | 'unknown_organ';
export type ManagementEdit = { ok: true; changed: 'set' | 'cleared' } | { ok: false; error: ManagementEditError };

/**
 * Sets the managing committee of `position` in a unit: `managedBy` 'default' removes the unit's override
 * (the default by type and level holds again); 'own_level' / 'level_above' set one; 'organ' sets one
 * naming `organId` (required then, refused otherwise), which must exist.
 */
export async function setPostManagement(
	db: Db,
	input: { unitId: string; position: string; managedBy: string; organId?: string | null }
): Promise<ManagementEdit> {
	const organId = (input.organId ?? '').trim();
	if (!(POSITION_KINDS as readonly string[]).includes(input.position)) return { ok: false, error: 'invalid_position' };
	const position = input.position as PositionKind;
	if (input.managedBy !== 'default' && !(MANAGED_BY as readonly string[]).includes(input.managedBy))
		return { ok: false, error: 'invalid_managed_by' };
	if (input.managedBy === 'organ' && organId === '') return { ok: false, error: 'organ_required' };
	if (input.managedBy !== 'organ' && organId !== '') return { ok: false, error: 'organ_not_allowed' };
	if (!ID_PATTERN.test(input.unitId)) return { ok: false, error: 'unknown_unit' };
	const [unit] = await db.select({ id: orgUnit.id }).from(orgUnit).where(eq(orgUnit.id, input.unitId));
	if (!unit) return { ok: false, error: 'unknown_unit' };
	if (input.managedBy === 'default') {
		await db
			.delete(postManagement)
			.where(and(eq(postManagement.unitId, input.unitId), eq(postManagement.position, position)));
		return { ok: true, changed: 'cleared' };
	}
	if (organId !== '') {
		if (!ID_PATTERN.test(organId)) return { ok: false, error: 'unknown_organ' };
		const [organ] = await db
			.select({ id: disciplineOrgan.id })
			.from(disciplineOrgan)
			.where(eq(disciplineOrgan.id, organId));
		if (!organ) return { ok: false, error: 'unknown_organ' };
	}
	const managedBy = input.managedBy as ManagedBy;
	const row = { managedBy, organId: managedBy === 'organ' ? organId : null };
	await db
		.insert(postManagement)
		.values({ unitId: input.unitId, position, ...row })
		.onConflictDoUpdate({ target: [postManagement.unitId, postManagement.position], set: row });
	return { ok: true, changed: 'set' };
}
