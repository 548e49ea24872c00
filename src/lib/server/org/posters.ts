/**
 * 码上监督 posters (issue 22): who may print a unit's poster, the units of a county for the batch view, and
 * the QR code's URL. The URL carries the unit only in its fragment (`/report#u=<unit id>`), which browsers
 * never send: the report page reads it, clears it from the address bar and history, and asks for the
 * unit's name in a POST body (`POST /api/v1/units { id }`). Nothing counts or logs scans.
 *
 * Who may print: instance administrators, for every unit; an organ's administrators (organ_staff role
 * `admin`), for the units in their organ's jurisdiction and everything below them (routing inherits a
 * jurisdiction downwards the same way).
 */
import { sql } from 'drizzle-orm';
import { encode as qrEncode } from 'uqr';
import type { UnitHit } from '../../shared/wire/public';
import type { Db } from '../db/index';
import type { AdminLevel } from './types';
import { rowsOf } from './sql';

/** The fragment key of the unit in a poster's URL. */
export const POSTER_FRAGMENT_KEY = 'u';

/** At most this many posters in one batch view (a county has tens to a few hundred units). */
export const POSTER_BATCH_MAX = 1000;

export interface PosterUser {
	id: string;
	isAdmin: boolean;
}

type UnitRow = { id: string; name: string; level: AdminLevel; region_path: string };
const hitOf = (r: UnitRow): UnitHit => ({ id: r.id, name: r.name, level: r.level, regionPath: r.region_path });

/** One unit as the public unit search answers it, or `[]` when no unit has that id. */
export async function unitById(db: Db, id: string): Promise<UnitHit[]> {
	const rows = rowsOf<UnitRow>(
		await db.execute(sql`select id, name, level, region_path from org_unit where id = ${id}`)
	);
	return rows.map(hitOf);
}

/** The SQL condition "the user may print posters for unit `u`" (u: an org_unit row alias). */
function mayPrint(user: PosterUser) {
	if (user.isAdmin) return sql`true`;
	return sql`exists (
		select 1 from organ_staff s join organ_jurisdiction j on j.organ_id = s.organ_id
		where s.staff_id = ${user.id} and s.role = 'admin'
			and (j.unit_id = u.id or j.unit_id = any(u.ancestor_ids)))`;
}

/** True when the user may print posters at all (an instance admin, or an admin of some organ). */
export async function mayPrintAny(db: Db, user: PosterUser): Promise<boolean> {
	if (user.isAdmin) return true;
	const rows = rowsOf<{ n: number }>(
		await db.execute(sql`select 1 as n from organ_staff where staff_id = ${user.id} and role = 'admin' limit 1`)
	);
	return rows.length > 0;
}

/** The unit, if it exists and the user may print its poster; null otherwise (the page answers 404 for both). */
export async function posterUnit(db: Db, user: PosterUser, unitId: string): Promise<UnitHit | null> {
	const rows = rowsOf<UnitRow>(
		await db.execute(
			sql`select u.id, u.name, u.level, u.region_path from org_unit u where u.id = ${unitId} and ${mayPrint(user)}`
		)
	);
	return rows[0] ? hitOf(rows[0]) : null;
}

/** Counties (a county-level region's own unit) the user may batch-print, by region path; at most `limit`. */
export async function posterCounties(db: Db, user: PosterUser, limit = 500): Promise<UnitHit[]> {
	const rows = rowsOf<UnitRow>(
		await db.execute(sql`select u.id, u.name, u.level, u.region_path from org_unit u
			where u.level = 'county' and u.unit_type = 'party_government' and ${mayPrint(user)}
			order by u.region_path, u.id limit ${limit}`)
	);
	return rows.map(hitOf);
}

/**
 * A county and every unit below it, the county first, then by region path and name; null when the county is
 * unknown, not a county, or not the user's to print. `truncated` when more than POSTER_BATCH_MAX.
 */
export async function countyPosterUnits(
	db: Db,
	user: PosterUser,
	countyId: string
): Promise<{ county: UnitHit; units: UnitHit[]; truncated: boolean } | null> {
	const [county] = rowsOf<UnitRow>(
		await db.execute(sql`select u.id, u.name, u.level, u.region_path from org_unit u
			where u.id = ${countyId} and u.level = 'county' and u.unit_type = 'party_government' and ${mayPrint(user)}`)
	);
	if (!county) return null;
	const rows = rowsOf<UnitRow>(
		await db.execute(sql`select u.id, u.name, u.level, u.region_path from org_unit u
			where ${countyId} = any(u.ancestor_ids)
			order by u.region_path, u.name, u.id limit ${POSTER_BATCH_MAX}`)
	);
	const units = [hitOf(county), ...rows.map(hitOf)].slice(0, POSTER_BATCH_MAX);
	return { county: hitOf(county), units, truncated: rows.length >= POSTER_BATCH_MAX };
}

/** The poster's QR URL: the report page of `origin` (`reportPath`, localized) with the unit in the fragment only. */
export function posterUrl(origin: string, reportPath: string, unitId: string): string {
	return `${origin.replace(/\/+$/, '')}${reportPath}#${POSTER_FRAGMENT_KEY}=${encodeURIComponent(unitId)}`;
}

/** The QR matrix of a URL (rows of dark modules), drawn by QrCode.svelte; ECC level M survives a worn sticker. */
export function qrMatrix(text: string): boolean[][] {
	return qrEncode(text, { ecc: 'M', border: 4 }).data;
}
