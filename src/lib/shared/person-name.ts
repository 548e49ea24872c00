/**
 * Normalising a person's name (and a unit's) before the blind index (issue 17, docs/crypto.md "Blind
 * index"): two staff who type the same name differently must get the same index. Steps, in order:
 *   1. Unicode NFKC (full-width letters/digits → half-width, compatibility ideographs → unified);
 *   2. traditional → simplified Chinese, when a converter is given (the staff pages load opencc-js's
 *      t2cn preset lazily, src/lib/client/staff/leads-crypto.ts; a normaliser without one is only for
 *      text that is already simplified);
 *   3. every separator dot of minority and foreign names (· • ・ ‧ ･ ⋅ and the full stop) → '·';
 *   4. all white space removed (names are written without spaces; NFKC turned U+3000 into U+0020);
 *   5. Latin letters lower-cased.
 * Pure and isomorphic.
 */

export type Converter = (text: string) => string;

const DOTS = /[·•・‧･⋅.。]+/gu;
const SPACE = /(?:\s|\u200b|\u200c|\u200d|\u2060|\ufeff)+/gu;

/** The normalised form of a name or unit (see above). */
export function normalizeName(text: string, t2s?: Converter): string {
	let s = text.normalize('NFKC');
	if (t2s) s = t2s(s).normalize('NFKC');
	return s
		.replace(DOTS, '·')
		.replace(SPACE, '')
		.replace(/^·+|·+$/gu, '')
		.toLowerCase();
}
