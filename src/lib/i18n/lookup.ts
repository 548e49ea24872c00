/**
 * The names of the shared codes (src/lib/shared/vocabulary) in the reader's language live in this folder,
 * through paraglide (messages/*.json: zh-CN first, en second): one module per set of pages, so each page
 * loads only the names it shows (the reporter's pages are weighed: tests/bench/page-weight.ts). Each map is
 * typed `satisfies Record<Code, …>`, so a code without its name fails the type check. Isomorphic: pages and
 * server loads (the statistics' CSV) use the same maps. This module has the shared helpers.
 */

/** A message of paraglide, in the current locale. */
export type Msg = () => string;

/** A choice's name and the hint under it. */
export interface Described {
	label: Msg;
	hint: Msg;
}

/** The label of `code` in `table`, or the code itself when this version does not know it. */
export function labelIn(table: Readonly<Record<string, Msg>>, code: string | null | undefined): string {
	if (code === null || code === undefined) return '';
	return Object.prototype.hasOwnProperty.call(table, code) ? (table[code] as Msg)() : code;
}
