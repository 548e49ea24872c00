import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RegionHit } from '../../shared/wire/public';
import { fetchRegions, filterRegions } from './regions';

const r = (id: string, name: string, pinyin: string, initials: string): RegionHit => ({
	id,
	name,
	level: 'county',
	regionPath: `示范省/北泉市/${name}`,
	pinyin,
	initials,
	hasChildren: true
});
const LIST = [
	r('k01', '高新区', 'gao xin qu', 'gxq'),
	r('k02', '银清县', 'yin qing xian', 'yqx'),
	r('k03', '丰泉区', 'feng quan qu', 'fqq'),
	r('k04', '绿水县', 'lv shui xian', 'lsx')
];
const names = (l: RegionHit[]) => l.map((x) => x.name);

describe('filterRegions', () => {
	it('keeps everything for a blank query, in order', () => {
		expect(names(filterRegions(LIST, '  '))).toEqual(['高新区', '银清县', '丰泉区', '绿水县']);
	});
	it('matches Chinese by substring of the name', () => {
		expect(names(filterRegions(LIST, '清'))).toEqual(['银清县']);
		expect(names(filterRegions(LIST, '区'))).toEqual(['高新区', '丰泉区']);
		expect(filterRegions(LIST, '北京')).toEqual([]);
	});
	it('matches full pinyin with or without spaces, any case, and initials', () => {
		expect(names(filterRegions(LIST, 'fengquan'))).toEqual(['丰泉区']);
		expect(names(filterRegions(LIST, 'Feng Quan'))).toEqual(['丰泉区']);
		expect(names(filterRegions(LIST, 'yqx'))).toEqual(['银清县']);
		expect(names(filterRegions(LIST, 'qu'))).toEqual(['高新区', '丰泉区']);
		expect(names(filterRegions(LIST, 'lü'))).toEqual(['绿水县']);
		expect(filterRegions(LIST, 'zzz')).toEqual([]);
	});
});

describe('fetchRegions', () => {
	afterEach(() => vi.unstubAllGlobals());
	it('asks by POST with the parent in the body, never in the URL', async () => {
		const calls: { url: string; init: RequestInit }[] = [];
		vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
			calls.push({ url: String(url), init });
			return new Response(JSON.stringify(LIST), { status: 200, headers: { 'content-type': 'application/json' } });
		});
		expect(names(await fetchRegions('sf-c01'))).toEqual(names(LIST));
		await fetchRegions(null);
		expect(calls.map((c) => [c.url, c.init.method, c.init.body])).toEqual([
			['/api/v1/regions', 'POST', JSON.stringify({ parent: 'sf-c01' })],
			['/api/v1/regions', 'POST', JSON.stringify({})]
		]);
	});
});
