import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	addWorkingDays,
	calendarFrom,
	CalendarError,
	checkCalendarRow,
	coveredYears,
	DEFAULT_CALENDAR,
	isDateString,
	isWorkingDay,
	todayIn,
	weekday,
	workingDaysBetween,
	type WorkingDayCalendar
} from './index';
import { PROVISIONAL_YEARS, SHIPPED_CALENDAR_ROWS } from './holidays';

const DAY = 86_400_000;
const fromNum = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
const toNum = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY;

describe('shipped holiday data', () => {
	it('has each date once, make-up workdays only on weekends, and provisional rows only for 2027', () => {
		const dates = SHIPPED_CALENDAR_ROWS.map((r) => r.date);
		expect(new Set(dates).size).toBe(dates.length);
		for (const r of SHIPPED_CALENDAR_ROWS) {
			expect(checkCalendarRow(r), r.date).toBeNull();
			if (r.kind === 'workday') expect([0, 6], r.date).toContain(weekday(r.date));
			expect(r.provisional === true, r.date).toBe(PROVISIONAL_YEARS.includes(Number(r.date.slice(0, 4))));
		}
		expect(coveredYears()).toEqual([2025, 2026, 2027]);
	});

	it('matches the 2025 and 2026 notices', () => {
		const byYear = (y: string, kind: 'holiday' | 'workday') =>
			SHIPPED_CALENDAR_ROWS.filter((r) => r.date.startsWith(y) && r.kind === kind).map((r) => r.date);
		expect(byYear('2025', 'workday')).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
		expect(byYear('2026', 'workday')).toEqual([
			'2026-01-04',
			'2026-02-14',
			'2026-02-28',
			'2026-05-09',
			'2026-09-20',
			'2026-10-10'
		]);
		// Days off per notice: 2025 1+8+3+5+3+8, 2026 3+9+3+5+3+3+7.
		expect(byYear('2025', 'holiday')).toHaveLength(28);
		expect(byYear('2026', 'holiday')).toHaveLength(33);
		// Working days in the year (weekdays − weekday holidays + make-up days): 261 − 18 + 5 and 261 − 19 + 6.
		expect(workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
		expect(workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
	});

	it('ships the 2027 statutory days by the lunar calendar', () => {
		const h2027 = SHIPPED_CALENDAR_ROWS.filter((r) => r.date.startsWith('2027')).map((r) => `${r.date} ${r.name}`);
		expect(h2027).toContain('2027-02-05 春节'); // 除夕
		expect(h2027).toContain('2027-02-06 春节'); // 正月初一
		expect(h2027).toContain('2027-04-05 清明节');
		expect(h2027).toContain('2027-06-09 端午节');
		expect(h2027).toContain('2027-09-15 中秋节');
		expect(h2027).toContain('2027-10-07 国庆节');
		expect(isWorkingDay('2027-02-08')).toBe(false); // 初三, a Monday
		expect(isWorkingDay('2027-02-09')).toBe(true); // not fixed by law: a working day until the notice says otherwise
	});
});

describe('working days', () => {
	it('knows make-up Saturdays and Sundays and the Spring Festival 2026 week', () => {
		expect(isWorkingDay('2026-02-13')).toBe(true); // Friday
		expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday, 调休上班
		for (const d of ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-20', '2026-02-23'])
			expect(isWorkingDay(d), d).toBe(false);
		expect(isWorkingDay('2026-02-24')).toBe(true);
		expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday, 调休上班
		expect(isWorkingDay('2026-03-01')).toBe(false); // an ordinary Sunday
		expect(isWorkingDay('2026-01-04')).toBe(true); // Sunday, 调休上班 after 元旦
		expect(isWorkingDay('2026-11-27')).toBe(true);
		expect(isWorkingDay('2026-11-28')).toBe(false);
		// Outside the shipped years: plain weeks.
		expect(isWorkingDay('2030-01-01')).toBe(true);
		expect(isWorkingDay('2030-01-05')).toBe(false);
	});

	it('counts from the next working day', () => {
		// Received Friday 13 February 2026: the make-up Saturday is day 1, then 24–27 February.
		expect(addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
		expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
		expect(addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
		// Received on the holiday itself.
		expect(addWorkingDays('2026-02-17', 1)).toBe('2026-02-24');
		expect(addWorkingDays('2026-02-12', 15)).toBe('2026-03-11');
		expect(addWorkingDays('2026-02-13', 0)).toBe('2026-02-13');
		// Across New Year 2026 (Sunday 4 January is a working day) and the 2025 National Day week.
		expect(addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
		expect(addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
		expect(addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
		// An ordinary week.
		expect(addWorkingDays('2026-11-27', 5)).toBe('2026-12-04');
	});

	it('counts the working days between two dates', () => {
		expect(workingDaysBetween('2026-02-13', '2026-02-27')).toBe(5);
		expect(workingDaysBetween('2026-02-27', '2026-02-13')).toBe(-5);
		expect(workingDaysBetween('2026-02-14', '2026-02-14')).toBe(0);
		expect(workingDaysBetween('2026-02-14', '2026-02-23')).toBe(0);
		expect(workingDaysBetween('2026-02-28', '2026-03-02')).toBe(1);
	});

	it('refuses bad input with RangeError', () => {
		for (const bad of ['2026-02-30', '2026-2-1', '20260201', '', '2026-13-01', '0999-01-01', '2026-02-01T00:00:00Z']) {
			expect(isDateString(bad), bad).toBe(false);
			expect(() => isWorkingDay(bad), bad).toThrow(RangeError);
		}
		expect(() => addWorkingDays('2026-01-01', -1)).toThrow(RangeError);
		expect(() => addWorkingDays('2026-01-01', 1.5)).toThrow(RangeError);
		expect(() => addWorkingDays('2026-01-01', 1e9)).toThrow(RangeError);
		expect(() => workingDaysBetween('1026-01-01', '2026-01-01')).toThrow(RangeError);
	});
});

describe('calendarFrom', () => {
	it('builds a calendar from admin rows and refuses bad ones', () => {
		const cal = calendarFrom([
			{ date: '2030-02-04', kind: 'holiday' },
			{ date: '2030-02-09', kind: 'workday' }
		]);
		expect(isWorkingDay('2030-02-04', cal)).toBe(false);
		expect(isWorkingDay('2030-02-09', cal)).toBe(true);
		expect(isWorkingDay('2026-02-16', cal)).toBe(true); // not in these rows
		expect(coveredYears(cal)).toEqual([2030]);
		expect(() => calendarFrom([{ date: '2030-02-05', kind: 'workday' }])).toThrow(CalendarError); // a Tuesday
		expect(() => calendarFrom([{ date: '2030-02-30', kind: 'holiday' }])).toThrow(CalendarError);
		expect(() =>
			calendarFrom([
				{ date: '2030-02-04', kind: 'holiday' },
				{ date: '2030-02-04', kind: 'holiday' }
			])
		).toThrow(/duplicate_date/);
		expect(checkCalendarRow({ date: '2030-02-04', kind: 'rest' })).toBe('bad_kind');
		expect(checkCalendarRow({ date: '2030-02-05', kind: 'workday' })).toBe('workday_not_weekend');
	});
});

describe('todayIn', () => {
	it('answers the local date in a time zone', () => {
		const instant = new Date('2026-02-16T16:30:00Z');
		expect(todayIn('Asia/Shanghai', instant)).toBe('2026-02-17');
		expect(todayIn('UTC', instant)).toBe('2026-02-16');
		expect(todayIn('America/Los_Angeles', new Date('2026-01-01T07:59:59Z'))).toBe('2025-12-31');
		expect(todayIn('Asia/Shanghai', new Date('2026-12-31T15:59:59Z'))).toBe('2026-12-31');
		expect(todayIn('Asia/Shanghai', new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01');
		expect(isDateString(todayIn('Asia/Shanghai'))).toBe(true);
		expect(() => todayIn('Mars/Olympus')).toThrow(RangeError);
		expect(() => todayIn('UTC', new Date(NaN))).toThrow(RangeError);
	});
});

describe('properties', () => {
	// Dates from mid-2024 to 2028, so the shipped years and their edges are all exercised.
	const date = fc.integer({ min: toNum('2024-06-01'), max: toNum('2028-06-30') }).map(fromNum);
	const weekendDate = date.filter((d) => weekday(d) === 0 || weekday(d) === 6);
	const randomCalendar: fc.Arbitrary<WorkingDayCalendar> = fc
		.tuple(fc.uniqueArray(date, { maxLength: 60 }), fc.uniqueArray(weekendDate, { maxLength: 20 }))
		.map(([holidays, workdays]) => {
			const h = new Set(holidays);
			return calendarFrom([
				...[...h].map((d) => ({ date: d, kind: 'holiday' as const })),
				...workdays.filter((d) => !h.has(d)).map((d) => ({ date: d, kind: 'workday' as const }))
			]);
		});
	const calendar = fc.oneof(fc.constant(DEFAULT_CALENDAR), randomCalendar);
	const n = fc.integer({ min: 0, max: 300 });

	it('adding n ≥ 1 working days lands on a working day, and on the first one that completes the count', () => {
		fc.assert(
			fc.property(calendar, date, fc.integer({ min: 1, max: 300 }), (cal, a, k) => {
				const end = addWorkingDays(a, k, cal);
				expect(isWorkingDay(end, cal)).toBe(true);
				expect(workingDaysBetween(a, fromNum(toNum(end) - 1), cal)).toBe(k - 1);
			}),
			{ numRuns: 300 }
		);
	});

	it('between(a, add(a, n)) == n', () => {
		fc.assert(
			fc.property(calendar, date, n, (cal, a, k) => {
				expect(workingDaysBetween(a, addWorkingDays(a, k, cal), cal)).toBe(k);
			}),
			{ numRuns: 300 }
		);
	});

	it('is monotonic in n and in the start date', () => {
		fc.assert(
			fc.property(calendar, date, date, n, (cal, a, b, k) => {
				expect(addWorkingDays(a, k + 1, cal) > addWorkingDays(a, k, cal)).toBe(true);
				const [lo, hi] = a <= b ? [a, b] : [b, a];
				expect(addWorkingDays(lo, k, cal) <= addWorkingDays(hi, k, cal)).toBe(true);
			}),
			{ numRuns: 300 }
		);
	});

	it('between is antisymmetric and additive', () => {
		fc.assert(
			fc.property(calendar, date, date, date, (cal, a, b, c) => {
				expect(workingDaysBetween(a, b, cal)).toBe(0 - workingDaysBetween(b, a, cal));
				expect(workingDaysBetween(a, b, cal) + workingDaysBetween(b, c, cal)).toBe(workingDaysBetween(a, c, cal));
			}),
			{ numRuns: 200 }
		);
	});
});
