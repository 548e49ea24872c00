/**
 * How to recognise the GM library (`sm-crypto-v2`) inside served JavaScript, minified or not (issue 21):
 * constants no other code of the app carries. Used by tests/e2e/suite-bundle.e2e.ts (a NaCl reporter never
 * fetches it) and tests/bench/suite-weight.ts (the reporter page's JS per suite). Each pattern is checked
 * against the build's GM chunk as well, so a library upgrade that changed them fails loudly rather than
 * making the absence check vacuous.
 */
export const GM_LIBRARY_MARKERS: readonly { name: string; pattern: RegExp }[] = [
	// sm2Fp: the SM2 prime p = 2^256 − 2^224 − 2^96 + 2^64 − 1, as the BigInt literal sm-crypto-v2 writes.
	{ name: 'SM2 prime p', pattern: /115792089210356248756420345214020892766250353991924191454421193933289684991999/ },
	// The SM2 curve's b coefficient.
	{ name: 'SM2 curve b', pattern: /18505919022281880113072981827955639221458448578012075254857346196103069175443/ },
	// The first bytes of the SM4 S-box (GB/T 32907), d6 90 e9 fe cc e1 3d b7, in decimal or hex.
	{
		name: 'SM4 S-box',
		pattern: /214,\s*144,\s*233,\s*254,\s*204,\s*225,\s*61,\s*183|0xd6,\s*0x90,\s*0xe9,\s*0xfe,\s*0xcc,\s*0xe1/i
	},
	// The first word of the SM3 initial value (GB/T 32905), 7380166f.
	{ name: 'SM3 IV', pattern: /\b1937774191\b|0x7380166f/i }
];

/** The names of the markers `code` contains (empty: no sign of the GM library). */
export function gmMarkersIn(code: string): string[] {
	return GM_LIBRARY_MARKERS.filter((m) => m.pattern.test(code)).map((m) => m.name);
}
