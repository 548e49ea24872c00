/**
 * China's official holiday arrangements as data: every day off (`holiday`) and every make-up workday
 * (`workday`, 调休上班: a Saturday or Sunday that is a working day), one row per date.
 *
 * Sources:
 * - 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 12 November 2024).
 * - 2026: 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025).
 * - 2027: no notice was available when this file was written. The rows are the statutory holidays of
 *   《全国年节及纪念日放假办法》 (as revised in 2024: 春节 = eve + 初一…初三, 劳动节 = 1–2 May) on the
 *   2027 lunar dates, plus the National Day week (1–7 October, the arrangement of every year since 1999),
 *   all marked `provisional: true`. They carry no make-up workdays and no substitute days for statutory
 *   holidays that fall on a weekend (1–2 May, 6–7 February, 2–3 October 2027), because those are only
 *   fixed by the notice. Replace them with the notice's arrangement when it is published (an admin edit, or
 *   a new release of this file); docs/operations.md says so too.
 *
 * Lunar dates used for 2027: 春节 (正月初一) Saturday 6 February, so 除夕 is Friday 5 February; 清明 Monday
 * 5 April; 端午 Wednesday 9 June; 中秋 Wednesday 15 September.
 */
import type { HolidayKind } from '../../shared/vocabulary/workflow';

export type CalendarDayKind = HolidayKind;

/** One calendar row: the shape shipped here and the shape an admin-edited table will hold. */
export interface CalendarRow {
	/** 'YYYY-MM-DD' (a date in China, no time and no zone). */
	date: string;
	kind: CalendarDayKind;
	/** Festival name (元旦, 春节, …); for a workday, the festival it makes up for. */
	name: string;
	/** True for dates not yet confirmed by a State Council notice. */
	provisional?: boolean;
}

/** Years whose arrangement is in `SHIPPED_CALENDAR_ROWS` (provisional ones included). */
export const SHIPPED_YEARS = [2025, 2026, 2027] as const;

/** Years whose rows are provisional (statutory dates only, no official notice yet). */
export const PROVISIONAL_YEARS: readonly number[] = [2027];

function range(first: string, last: string): string[] {
	const out: string[] = [];
	const end = Date.parse(`${last}T00:00:00Z`);
	for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000)
		out.push(new Date(t).toISOString().slice(0, 10));
	return out;
}

const off = (name: string, first: string, last = first, provisional = false): CalendarRow[] =>
	range(first, last).map((date) =>
		provisional ? { date, kind: 'holiday' as const, name, provisional } : { date, kind: 'holiday' as const, name }
	);

const work = (name: string, ...dates: string[]): CalendarRow[] =>
	dates.map((date) => ({ date, kind: 'workday' as const, name }));

/** The shipped arrangement, in date order within each year. */
export const SHIPPED_CALENDAR_ROWS: readonly CalendarRow[] = Object.freeze(
	[
		// 2025 (国办发明电〔2024〕12号)
		...off('元旦', '2025-01-01'),
		...work('春节', '2025-01-26', '2025-02-08'),
		...off('春节', '2025-01-28', '2025-02-04'),
		...off('清明节', '2025-04-04', '2025-04-06'),
		...work('劳动节', '2025-04-27'),
		...off('劳动节', '2025-05-01', '2025-05-05'),
		...off('端午节', '2025-05-31', '2025-06-02'),
		...work('国庆节、中秋节', '2025-09-28', '2025-10-11'),
		...off('国庆节、中秋节', '2025-10-01', '2025-10-08'),

		// 2026 (notice of 4 November 2025)
		...off('元旦', '2026-01-01', '2026-01-03'),
		...work('元旦', '2026-01-04'),
		...work('春节', '2026-02-14', '2026-02-28'),
		...off('春节', '2026-02-15', '2026-02-23'),
		...off('清明节', '2026-04-04', '2026-04-06'),
		...off('劳动节', '2026-05-01', '2026-05-05'),
		...work('劳动节', '2026-05-09'),
		...off('端午节', '2026-06-19', '2026-06-21'),
		...work('国庆节', '2026-09-20', '2026-10-10'),
		...off('中秋节', '2026-09-25', '2026-09-27'),
		...off('国庆节', '2026-10-01', '2026-10-07'),

		// 2027: provisional (statutory days by the lunar calendar; see the note at the top)
		...off('元旦', '2027-01-01', '2027-01-01', true),
		...off('春节', '2027-02-05', '2027-02-08', true),
		...off('清明节', '2027-04-05', '2027-04-05', true),
		...off('劳动节', '2027-05-01', '2027-05-02', true),
		...off('端午节', '2027-06-09', '2027-06-09', true),
		...off('中秋节', '2027-09-15', '2027-09-15', true),
		...off('国庆节', '2027-10-01', '2027-10-07', true)
	].map((r) => Object.freeze(r))
);
