/**
 * The region picker's data (issue 14): the regions below one region, asked by POST (no region in any URL,
 * docs/api.md), and filtered in the browser as the reporter types a name, its pinyin or its initials, so
 * what is typed never leaves the device. Nothing is stored.
 */
import { requestJson, type HttpOptions } from './http';
import type { RegionHit } from '../../shared/wire/public';

/** POST /api/v1/regions { parent? }: the regions directly below `parent` (null: the top ones). */
export function fetchRegions(parent: string | null, options: HttpOptions = {}): Promise<RegionHit[]> {
	return requestJson<RegionHit[]>('/api/v1/regions', { ...options, json: parent === null ? {} : { parent } });
}

/**
 * The regions whose name contains `q`, or (a Latin `q`: pinyin, with or without spaces, ü as v) whose
 * pinyin or initials contain it; all of them for a blank `q`. The order is kept.
 */
export function filterRegions(list: readonly RegionHit[], q: string): RegionHit[] {
	const t = q.normalize('NFC').trim();
	if (t === '') return [...list];
	if (/^[\sA-Za-z'’üÜ:-]+$/.test(t)) {
		const key = t
			.toLowerCase()
			.replace(/[üÜ]|u:/g, 'v')
			.replace(/[\s'’:-]+/g, '');
		return list.filter((r) => r.pinyin.replace(/\s+/g, '').includes(key) || r.initials.includes(key));
	}
	const name = t.replace(/\s+/g, '');
	return list.filter((r) => r.name.includes(name));
}
