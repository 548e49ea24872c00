/**
 * Cadre-management authority (干部管理权限): which party committee manages a kind of post of a unit, by
 * default from the unit's type and level, else from the unit's own override (import records of type
 * `management`). Pure; routing (./routing.ts) turns the answer into the handling organ. See docs/org.md.
 *
 * Defaults (../shared/domain/supervision.md, "Who handles what"):
 *  - a region's own leaders (party_government, township: 县委书记、县长、常委, 乡镇党委书记…) are managed by the
 *    committee one level up; the other officials of those bodies by their own level;
 *  - departments, villages and communities, state-owned enterprises: their own level (a county department's
 *    head is county-managed; a village is handled by the township organ);
 *  - public institutions: their own level, except those placed at township level, whose heads (中心学校校长,
 *    卫生院院长) are managed by the county.
 */
import type { ManagedBy, UnitType } from '../../shared/vocabulary/org';
import type { PositionKind } from '../../shared/vocabulary/report';
import type { OrgSnapshot, TypedUnit } from './types';

export interface Management {
	managedBy: ManagedBy;
	/** Set when managedBy is 'organ'. */
	organId: string | null;
	/** True when the unit's own override decided, false for the default. */
	override: boolean;
}

const LEADERS: readonly PositionKind[] = ['top_leader', 'team_member'];

/** The default managing committee of a post, by unit type, level and kind of post. */
export function defaultManagedBy(type: UnitType, level: TypedUnit['level'], position: PositionKind): ManagedBy {
	const leader = LEADERS.includes(position);
	switch (type) {
		case 'party_government':
		case 'township':
			return leader ? 'level_above' : 'own_level';
		case 'public_institution':
			return leader && level === 'township' ? 'level_above' : 'own_level';
		case 'department':
		case 'village':
		case 'soe':
			return 'own_level';
	}
}

/** The managing committee of `position` in `unit`: the unit's override if it has one, else the default. */
export function managementOf(snap: OrgSnapshot, unit: TypedUnit, position: PositionKind): Management {
	const o = snap.managementByUnit.get(unit.id)?.get(position);
	if (o && (o.managedBy !== 'organ' || o.organId !== null)) {
		return { managedBy: o.managedBy, organId: o.managedBy === 'organ' ? o.organId : null, override: true };
	}
	return { managedBy: defaultManagedBy(unit.type, unit.level, position), organId: null, override: false };
}

/**
 * The party committee's name of a region's own unit: 县 -> 县委, 镇/乡 -> 镇党委, 街道 -> 街道党工委,
 * 高新区/开发区 -> 党工委.
 */
export function committeeName(regionName: string): string {
	if (/(镇|乡)$/.test(regionName)) return `${regionName}党委`;
	if (/(街道|高新区|开发区|新区)$/.test(regionName)) return `${regionName}党工委`;
	return `${regionName}委`;
}
