/** The interference register's codes (src/lib/server/db/schema/register.ts; docs/reporting.md). */

/** How often an enrolled official files a 零报告 when nothing happened. */
export const REGISTER_PERIODS = ['month', 'quarter'] as const;
export type RegisterPeriod = (typeof REGISTER_PERIODS)[number];

/** A record of an approach, or a 零报告 (nothing to report) for a period. */
export const REGISTER_ENTRY_KINDS = ['record', 'zero'] as const;
export type RegisterEntryKind = (typeof REGISTER_ENTRY_KINDS)[number];

/** What the official answered (inside the ciphertext only). */
export const REGISTER_ANSWERS = ['refused', 'reported', 'partly', 'other'] as const;
export type RegisterAnswer = (typeof REGISTER_ANSWERS)[number];

/** The period a day (YYYY-MM-DD, China time) falls in: '2026-11' or '2026-Q4'. */
export function periodOf(day: string, length: RegisterPeriod): string {
	const y = day.slice(0, 4);
	const mo = Number(day.slice(5, 7));
	return length === 'month' ? `${y}-${day.slice(5, 7)}` : `${y}-Q${Math.ceil(mo / 3)}`;
}

/** The period before `period` (same length). */
export function previousPeriod(period: string): string {
	const y = Number(period.slice(0, 4));
	if (period[5] === 'Q') {
		const q = Number(period.slice(6));
		return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
	}
	const mo = Number(period.slice(5, 7));
	return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
}

/** True if `period` is well formed for `length`. */
export function isPeriod(period: string, length: RegisterPeriod): boolean {
	return length === 'month' ? /^\d{4}-(0[1-9]|1[0-2])$/.test(period) : /^\d{4}-Q[1-4]$/.test(period);
}
