/**
 * Renaming and moving a unit in the admin UI (split out of ./admin.ts): its pinyin, search rows, region
 * paths and ancestor ids follow in one transaction.
 */
import { eq, sql } from 'drizzle-orm';
import { ID_PATTERN } from '../../shared/encoding';
import type { Db } from '../db/index';
import { orgUnit, orgUnitSearch } from '../db/schema';
import { pinyinFields } from './search';
import { levelIndex, type AdminLevel } from './types';

const ID_RE = ID_PATTERN;

export type UnitEditError = 'unknown_unit' | 'unknown_parent' | 'invalid_name' | 'cycle' | 'level_above_parent';
export type UnitEdit = { ok: true } | { ok: false; error: UnitEditError };

/** Longest unit name accepted (characters). */
export const MAX_UNIT_NAME_LENGTH = 100;

/** Normalizes a unit name: NFC, whitespace runs collapsed, trimmed; null when empty, too long or with control characters. */
export function normalizeUnitName(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	const s = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
	// eslint-disable-next-line no-control-regex -- finding control characters is the point
	if (s.length === 0 || Array.from(s).length > MAX_UNIT_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(s)) return null;
	return s;
}

/**
 * Renames and/or moves a unit, keeping the derived data in step in one transaction: its pinyin columns
 * and search rows (when renamed), and the region path and ancestor ids of the unit and every unit below
 * it. A unit cannot move below itself or one of its descendants, nor below a unit of a lower level.
 * `parentId: null` makes it a top unit; leaving `parentId` out keeps the parent.
 */
export async function updateUnit(
	db: Db,
	id: string,
	change: { name?: string; parentId?: string | null }
): Promise<UnitEdit> {
	let name: string | undefined;
	if (change.name !== undefined) {
		const n = normalizeUnitName(change.name);
		if (n === null) return { ok: false, error: 'invalid_name' };
		name = n;
	}
	return db.transaction(async (tx) => {
		const t = tx as unknown as Db;
		const [unit] = await t
			.select({ id: orgUnit.id, name: orgUnit.name, level: orgUnit.level, parentId: orgUnit.parentId })
			.from(orgUnit)
			.where(eq(orgUnit.id, id))
			.for('update');
		if (!unit) return { ok: false, error: 'unknown_unit' } as const;
		const parentId = change.parentId === undefined ? unit.parentId : change.parentId;
		let parent: { id: string; level: string; regionPath: string; ancestorIds: string[] } | null = null;
		if (parentId !== null) {
			if (!ID_RE.test(parentId)) return { ok: false, error: 'unknown_parent' } as const;
			const [p] = await t
				.select({
					id: orgUnit.id,
					level: orgUnit.level,
					regionPath: orgUnit.regionPath,
					ancestorIds: orgUnit.ancestorIds
				})
				.from(orgUnit)
				.where(eq(orgUnit.id, parentId));
			if (!p) return { ok: false, error: 'unknown_parent' } as const;
			if (p.id === unit.id || p.ancestorIds.includes(unit.id)) return { ok: false, error: 'cycle' } as const;
			if (levelIndex(p.level as AdminLevel) > levelIndex(unit.level as AdminLevel))
				return { ok: false, error: 'level_above_parent' } as const;
			parent = p;
		}
		const newName = name ?? unit.name;
		if (name !== undefined && name !== unit.name) {
			await t
				.update(orgUnit)
				.set({ name, ...pinyinFields(name) })
				.where(eq(orgUnit.id, unit.id));
			await t.delete(orgUnitSearch).where(eq(orgUnitSearch.unitId, unit.id));
			await t.execute(sql`
				insert into org_unit_search (unit_id, pos, name_key, pinyin_key, initials_key)
				select u.id, g.k, substr(u.name, g.k),
					array_to_string((string_to_array(u.pinyin_full, ' '))[g.k:], ''),
					substr(u.pinyin_initials, g.k)
				from org_unit u cross join lateral generate_series(1, char_length(u.name)) as g(k)
				where u.id = ${unit.id}`);
		}
		// The subtree (the unit and everything below it), then its paths recomputed top-down.
		const subtree = await t
			.select({ id: orgUnit.id, parentId: orgUnit.parentId, name: orgUnit.name })
			.from(orgUnit)
			.where(sql`${orgUnit.id} = ${unit.id} or ${unit.id} = any(${orgUnit.ancestorIds})`);
		const childrenOf = new Map<string, { id: string; name: string }[]>();
		for (const r of subtree) {
			if (r.id === unit.id || r.parentId === null) continue;
			const list = childrenOf.get(r.parentId) ?? [];
			list.push(r);
			childrenOf.set(r.parentId, list);
		}
		const updates: { id: string; regionPath: string; ancestorIds: string[] }[] = [];
		const walk = (nodeId: string, nodeName: string, ancestors: string[], parentPath: string | null) => {
			const regionPath = parentPath === null ? nodeName : `${parentPath}/${nodeName}`;
			updates.push({ id: nodeId, regionPath, ancestorIds: ancestors });
			for (const c of childrenOf.get(nodeId) ?? []) walk(c.id, c.name, [...ancestors, nodeId], regionPath);
		};
		walk(unit.id, newName, parent ? [...parent.ancestorIds, parent.id] : [], parent ? parent.regionPath : null);
		await t.update(orgUnit).set({ parentId }).where(eq(orgUnit.id, unit.id));
		for (const u of updates) {
			await t.update(orgUnit).set({ regionPath: u.regionPath, ancestorIds: u.ancestorIds }).where(eq(orgUnit.id, u.id));
		}
		return { ok: true } as const;
	});
}
