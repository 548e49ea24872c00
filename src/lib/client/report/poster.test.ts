import { describe, expect, it } from 'vitest';
import { takePosterUnitId } from './poster';

function fakePage(hash: string) {
	const calls: { state: unknown; url: string }[] = [];
	const loc = { hash, pathname: '/report', search: '' };
	const hist = {
		state: { 'sveltekit:history': 3 },
		replaceState(state: unknown, _unused: string, url?: string | URL | null) {
			calls.push({ state, url: String(url) });
		}
	};
	return { loc, hist, calls };
}

describe('takePosterUnitId', () => {
	it('takes the unit id from #u=… and replaces the history entry by the URL without the fragment', () => {
		const p = fakePage('#u=sf-c01-k02-d04');
		expect(takePosterUnitId(p.loc, p.hist)).toBe('sf-c01-k02-d04');
		expect(p.calls).toEqual([{ state: { 'sveltekit:history': 3 }, url: '/report' }]);
	});

	it('decodes a percent-encoded id; clears but ignores a malformed one; leaves other fragments alone', () => {
		const enc = fakePage(`#u=${encodeURIComponent('a.b:c_d')}`);
		expect(takePosterUnitId(enc.loc, enc.hist)).toBe('a.b:c_d');
		for (const bad of ['#u=', '#u=has space', '#u=%E0%A4%A', '#u=a&x=1']) {
			const p = fakePage(bad);
			expect(takePosterUnitId(p.loc, p.hist), bad).toBeNull();
			expect(
				p.calls.map((c) => c.url),
				bad
			).toEqual(['/report']);
		}
		for (const other of ['', '#main', '#x=1']) {
			const p = fakePage(other);
			expect(takePosterUnitId(p.loc, p.hist)).toBeNull();
			expect(p.calls).toEqual([]);
		}
	});
});
