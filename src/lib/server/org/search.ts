/**
 * Unit search by Chinese name substring, full pinyin or initials ("gxq" and "gaoxin" find 高新区).
 *
 * Pinyin is computed once, at write time (pinyin-pro, with context so 重庆 reads chong qing). Each unit
 * gets one org_unit_search row per character position holding the name, pinyin and initials from that
 * position on; a query is then a prefix range on one "C"-collated btree index per column, read in key
 * order and cut at a fixed number of candidates, so the cost does not grow with the directory (100,000
 * units) the way a `LIKE '%q%'` scan would.
 */
import { sql } from 'drizzle-orm';
import { pinyin } from 'pinyin-pro';
import type { Db } from '../db/index';
import type { AdminLevel } from '../../shared/vocabulary/org';
import type { UnitHit } from '../../shared/wire/public';
import { rowsOf } from './sql';

export interface PinyinFields {
	/** One toneless syllable per character, space-separated ("gao xin qu"); non-Chinese characters lower-cased. */
	pinyinFull: string;
	/** One letter per character ("gxq"). */
	pinyinInitials: string;
}

export function pinyinFields(name: string): PinyinFields {
	const chars = Array.from(name);
	const syllables = pinyin(name, { toneType: 'none', type: 'array', v: true });
	const full: string[] = [];
	let initials = '';
	chars.forEach((ch, i) => {
		const raw = syllables.length === chars.length ? (syllables[i] ?? ch) : ch;
		const syl = /\s/.test(ch) ? '' : raw.toLowerCase().replace(/\s+/g, '');
		full.push(syl);
		initials += syl === '' ? ' ' : (Array.from(syl)[0] ?? ' ');
	});
	return { pinyinFull: full.join(' '), pinyinInitials: initials };
}

export type { UnitHit };

export type SearchKey = { column: 'name'; key: string } | { column: 'pinyin'; key: string } | null;

/** Chinese (or mixed) queries search the name; pure Latin queries search pinyin and initials. */
export function searchKey(q: string): SearchKey {
	const trimmed = q.normalize('NFC').trim();
	if (trimmed === '') return null;
	if (/^[\sA-Za-z0-9'’üÜ:-]+$/.test(trimmed)) {
		const key = trimmed
			.toLowerCase()
			.replace(/[üÜ]|u:/g, 'v')
			.replace(/[\s'’:-]+/g, '');
		return key === '' ? null : { column: 'pinyin', key };
	}
	return { column: 'name', key: trimmed.replace(/\s+/g, '') };
}

export async function searchUnits(db: Db, q: string, limit = 20): Promise<UnitHit[]> {
	const k = searchKey(q);
	if (!k) return [];
	// org_search_units (drizzle/0001_org.sql): prefix ranges on the C-collated keys, at most 100
	// candidates per index, ranked (whole name, prefix, suffix, shorter name) before joining org_unit.
	const rows = rowsOf<{ id: string; name: string; level: AdminLevel; region_path: string }>(
		await db.execute(
			sql`select id, name, level, region_path from org_search_units(${k.key}, ${k.column === 'pinyin'}, ${limit})`
		)
	);
	return rows.map((r) => ({ id: r.id, name: r.name, level: r.level, regionPath: r.region_path }));
}
