/**
 * The region picker's look-up (issue 14, "every unit reachable"): a reporter who cannot find the unit
 * chooses a region instead, province → city → county → township, and reports to that region's own organ
 * (routing rule `by_region`), typing the unit and post into the encrypted content. A region is a unit of
 * type party_government or township (a region's own leadership). POST body only, so that no region ever
 * sits in a URL (docs/api.md).
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import * as v from 'valibot';
import { ID_PATTERN } from '../../shared/encoding';
import type { RegionHit } from '../../shared/wire/public';
import { UNIT_TYPES, type AdminLevel, type UnitType } from '../../shared/vocabulary/org';
import type { Db } from '../db/index';
import { orgUnit } from '../db/schema';
import { answerOf, type Answer } from '../http/answer';
import { ok, refuse, type Result } from '../http/result';
import { readQueryBody } from './api';

/** The unit types that are regions: a region's own leadership (party and government, or a township). */
export const REGION_TYPES: readonly UnitType[] = UNIT_TYPES.filter((t) => t === 'party_government' || t === 'township');
const REGION_TYPES_SQL = sql.join(
	REGION_TYPES.map((t) => sql`${t}`),
	sql`, `
);

/** At most this many regions below one region (a county has a few dozen townships). */
export const MAX_REGIONS = 500;

const PARENT = v.pipe(v.string(), v.regex(ID_PATTERN));
const PARENT_MESSAGE = {
	zh: '参数 parent 必须是一个地区的编号（或不填，表示最上一级）。',
	en: 'Parameter parent must be the id of a region (or absent for the top level).'
};

/**
 * The regions directly below `parentId` (null: the top ones), by id, each saying whether regions lie below
 * it. `null` when `parentId` is not a region of the directory.
 */
export async function regionsBelow(db: Db, parentId: string | null): Promise<RegionHit[] | null> {
	if (parentId !== null) {
		const [p] = await db
			.select({ id: orgUnit.id })
			.from(orgUnit)
			.where(and(eq(orgUnit.id, parentId), inArray(orgUnit.unitType, [...REGION_TYPES])));
		if (!p) return null;
	}
	const rows = await db
		.select({
			id: orgUnit.id,
			name: orgUnit.name,
			level: orgUnit.level,
			regionPath: orgUnit.regionPath,
			pinyin: orgUnit.pinyinFull,
			initials: orgUnit.pinyinInitials,
			hasChildren: sql<boolean>`exists (select 1 from org_unit c where c.parent_id = "org_unit"."id" and c.unit_type in (${REGION_TYPES_SQL}))`
		})
		.from(orgUnit)
		.where(
			and(
				parentId === null ? isNull(orgUnit.parentId) : eq(orgUnit.parentId, parentId),
				inArray(orgUnit.unitType, [...REGION_TYPES])
			)
		)
		.orderBy(asc(orgUnit.id))
		.limit(MAX_REGIONS);
	return rows.map((r) => ({ ...r, level: r.level as AdminLevel, hasChildren: r.hasChildren === true }));
}

/** POST /api/v1/regions { parent? }: the regions below `parent`, or the top ones. */
export async function findRegions(
	db: Db,
	params: URLSearchParams
): Promise<Result<RegionHit[], 'invalid_parameter' | 'unknown_unit'>> {
	for (const k of params.keys()) {
		if (k !== 'parent') return refuse('invalid_parameter', { field: k, message: PARENT_MESSAGE });
	}
	const all = params.getAll('parent');
	if (all.length > 1) return refuse('invalid_parameter', { field: 'parent', message: PARENT_MESSAGE });
	const raw = all[0];
	if (raw !== undefined && !v.safeParse(PARENT, raw).success)
		return refuse('invalid_parameter', { field: 'parent', message: PARENT_MESSAGE });
	const list = await regionsBelow(db, raw ?? null);
	return list ? ok(list) : refuse('unknown_unit', { field: 'parent' });
}

/** POST /api/v1/regions. */
export async function regionsPost(db: Db, source: Parameters<typeof readQueryBody>[0]): Promise<Answer> {
	const params = await readQueryBody(source);
	return params instanceof URLSearchParams ? answerOf(await findRegions(db, params)) : params;
}
