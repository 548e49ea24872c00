/**
 * Deadlines as the back office shows them: "剩 N 个工作日" / "已超期 N 个工作日", counted in the browser
 * against the working-day calendar the page's server load passes in (holidays and make-up workdays, the
 * same rule as src/lib/server/calendar: the start day is not counted, Monday–Friday work unless a holiday,
 * a make-up workday works).
 */
export interface CalendarLists {
	/** Weekdays that are days off, 'YYYY-MM-DD'. */
	holidays: readonly string[];
	/** Weekend days that are working days. */
	workdays: readonly string[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY = 86_400_000;

function dayNumber(date: string): number {
	const m = DATE.exec(date);
	if (!m) throw new RangeError(`not a date: ${date}`);
	return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY;
}

function dateOf(n: number): string {
	return new Date(n * DAY).toISOString().slice(0, 10);
}

export function makeWorkingDay(cal: CalendarLists): (date: string) => boolean {
	const holidays = new Set(cal.holidays);
	const workdays = new Set(cal.workdays);
	return (date) => {
		if (workdays.has(date)) return true;
		if (holidays.has(date)) return false;
		const wd = new Date(dayNumber(date) * DAY).getUTCDay();
		return wd !== 0 && wd !== 6;
	};
}

export type DeadlineStatus = { kind: 'left'; days: number } | { kind: 'today' } | { kind: 'overdue'; days: number };

/**
 * Where `today` stands against a due date: working days left after today up to and including `due`;
 * due today; or working days overdue (working days after `due` up to and including today).
 */
export function deadlineStatus(today: string, due: string, cal: CalendarLists): DeadlineStatus {
	const isWorking = makeWorkingDay(cal);
	const a = dayNumber(today);
	const b = dayNumber(due);
	if (a === b) return { kind: 'today' };
	const [from, to] = a < b ? [a, b] : [b, a];
	let n = 0;
	for (let d = from + 1; d <= to && d - from <= 36_600; d++) if (isWorking(dateOf(d))) n++;
	return a < b ? { kind: 'left', days: n } : { kind: 'overdue', days: Math.max(n, 1) };
}
