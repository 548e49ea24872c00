/**
 * Working days, counted against China's holiday arrangements (holidays.ts) or an admin-edited calendar.
 *
 * Pure functions on 'YYYY-MM-DD' strings: a date here is a calendar day in China, never an instant. Turn an
 * instant into such a date with `todayIn(CHINA_TIME_ZONE, now)` first.
 *
 * A day is a working day when it is a make-up workday (调休上班), or a Monday–Friday that is not a holiday.
 * Years the calendar does not cover fall back to plain Monday–Friday weeks (see `coveredYears`).
 *
 * Counting follows the rules on handling reports ("within 5 working days"): the day something arrives is
 * not counted; counting starts with the next working day. So `addWorkingDays('2026-02-13', 5)` (a Friday
 * before 春节 2026) is the 5th working day after it, '2026-02-27'.
 */
import { SHIPPED_CALENDAR_ROWS, type CalendarDayKind, type CalendarRow } from './holidays';

export {
	SHIPPED_CALENDAR_ROWS,
	SHIPPED_YEARS,
	PROVISIONAL_YEARS,
	type CalendarRow,
	type CalendarDayKind
} from './holidays';

/** The time zone deadlines are counted in. */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

/**
 * A working-day calendar: the dates that are days off although they fall on Monday–Friday (or that are
 * named holidays on a weekend, which changes nothing), and the weekend dates that are working days.
 */
export interface WorkingDayCalendar {
	readonly holidays: ReadonlySet<string>;
	readonly workdays: ReadonlySet<string>;
}

/** Largest `n` for `addWorkingDays` and largest span for `workingDaysBetween` (in days): about 100 years. */
export const MAX_SPAN_DAYS = 36_600;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid 'YYYY-MM-DD'; throws RangeError otherwise. */
function dayNumber(date: string): number {
	const m = typeof date === 'string' ? DATE.exec(date) : null;
	if (m) {
		const y = Number(m[1]);
		const mo = Number(m[2]);
		const d = Number(m[3]);
		if (y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
			const t = Date.UTC(y, mo - 1, d);
			const back = new Date(t);
			if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return t / DAY_MS;
		}
	}
	throw new RangeError(`not a date in the form YYYY-MM-DD: ${JSON.stringify(date)}`);
}

function fromDayNumber(n: number): string {
	return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** True for a valid 'YYYY-MM-DD' date (year 1000 or later). */
export function isDateString(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	try {
		dayNumber(value);
		return true;
	} catch {
		return false;
	}
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
	return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

function isWeekend(date: string): boolean {
	const w = weekday(date);
	return w === 0 || w === 6;
}

/** Why a calendar row cannot be used, or null when it is fine (for the admin form and for `calendarFrom`). */
export function checkCalendarRow(row: {
	date: unknown;
	kind: unknown;
}): 'bad_date' | 'bad_kind' | 'workday_not_weekend' | null {
	if (!isDateString(row.date)) return 'bad_date';
	if (row.kind !== 'holiday' && row.kind !== 'workday') return 'bad_kind';
	// A make-up workday only means something on a Saturday or Sunday.
	if (row.kind === 'workday' && !isWeekend(row.date)) return 'workday_not_weekend';
	return null;
}

export class CalendarError extends Error {
	constructor(
		readonly date: string,
		readonly reason: NonNullable<ReturnType<typeof checkCalendarRow>> | 'duplicate_date'
	) {
		super(`calendar row ${JSON.stringify(date)}: ${reason}`);
		this.name = 'CalendarError';
	}
}

/**
 * Builds a calendar from rows (the shipped ones, or the rows of the admin-edited table, which hold the
 * complete arrangement: seeded from the shipped rows, then edited). Each date may appear once; a bad row
 * throws CalendarError (rows are meant to be checked with `checkCalendarRow` when they are written).
 */
export function calendarFrom(rows: Iterable<{ date: string; kind: CalendarDayKind }>): WorkingDayCalendar {
	const holidays = new Set<string>();
	const workdays = new Set<string>();
	for (const row of rows) {
		const problem = checkCalendarRow(row);
		if (problem) throw new CalendarError(String(row.date), problem);
		if (holidays.has(row.date) || workdays.has(row.date)) throw new CalendarError(row.date, 'duplicate_date');
		(row.kind === 'holiday' ? holidays : workdays).add(row.date);
	}
	return { holidays, workdays };
}

/** The shipped arrangement (2025, 2026, provisional 2027). */
export const DEFAULT_CALENDAR: WorkingDayCalendar = calendarFrom(SHIPPED_CALENDAR_ROWS as readonly CalendarRow[]);

/** The years a calendar has any row for (outside them only weekends are days off). */
export function coveredYears(cal: WorkingDayCalendar = DEFAULT_CALENDAR): number[] {
	const years = new Set<number>();
	for (const d of cal.holidays) years.add(Number(d.slice(0, 4)));
	for (const d of cal.workdays) years.add(Number(d.slice(0, 4)));
	return [...years].sort((a, b) => a - b);
}

/** True when `date` is a working day. Throws RangeError for anything but a valid 'YYYY-MM-DD'. */
export function isWorkingDay(date: string, cal: WorkingDayCalendar = DEFAULT_CALENDAR): boolean {
	const w = weekday(date);
	if (cal.holidays.has(date)) return false;
	if (cal.workdays.has(date)) return true;
	return w !== 0 && w !== 6;
}

function checkCount(n: number, what: string): void {
	if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SPAN_DAYS)
		throw new RangeError(`${what} must be a whole number from 0 to ${MAX_SPAN_DAYS}`);
}

/**
 * The n-th working day after `from` (`from` itself is never counted, working day or not). n = 0 answers
 * `from` unchanged.
 */
export function addWorkingDays(from: string, n: number, cal: WorkingDayCalendar = DEFAULT_CALENDAR): string {
	checkCount(n, 'n');
	let day = dayNumber(from);
	let left = n;
	while (left > 0) {
		day++;
		if (isWorkingDay(fromDayNumber(day), cal)) left--;
	}
	return fromDayNumber(day);
}

/**
 * Working days after `a` up to and including `b` (so `workingDaysBetween(a, addWorkingDays(a, n)) === n`);
 * negative when `b` is before `a`, 0 when they are the same day.
 */
export function workingDaysBetween(a: string, b: string, cal: WorkingDayCalendar = DEFAULT_CALENDAR): number {
	const x = dayNumber(a);
	const y = dayNumber(b);
	if (Math.abs(y - x) > MAX_SPAN_DAYS) throw new RangeError(`dates more than ${MAX_SPAN_DAYS} days apart`);
	const [lo, hi, sign] = x <= y ? [x, y, 1] : [y, x, -1];
	let count = 0;
	for (let d = lo + 1; d <= hi; d++) if (isWorkingDay(fromDayNumber(d), cal)) count++;
	return count === 0 ? 0 : sign * count;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Today's date ('YYYY-MM-DD') in `timeZone` (an IANA name such as 'Asia/Shanghai') at the instant `now`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
	let f = formatters.get(timeZone);
	if (!f) {
		// Throws RangeError for an unknown time zone.
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			calendar: 'gregory',
			numberingSystem: 'latn'
		});
		formatters.set(timeZone, f);
	}
	if (Number.isNaN(now.getTime())) throw new RangeError('invalid date');
	const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
	return `${String(parts.year).padStart(4, '0')}-${parts.month}-${parts.day}`;
}
