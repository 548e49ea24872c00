/**
 * The five-field cron expressions jobs are registered with (minute hour day-of-month month day-of-week),
 * parsed here so a job's schedule is checked once at registration and means the same thing to both
 * runners: pg-boss on PostgreSQL (which hands the expression to its own cron parser) and the in-process
 * timer used with PGlite (which matches it minute by minute with `cronMatches`).
 *
 * Supported per field: `*`, a number, a range `a-b`, steps `*\/n` and `a-b/n`, and comma lists of those.
 * Day of week: 0–7, Sunday is 0 or 7. As in classic cron, when both day fields are restricted, a day
 * matching either one matches. Names (JAN, MON), `?`, `L`, `W`, `#` and a seconds field are not accepted.
 */

export interface CronSchedule {
	minutes: ReadonlySet<number>;
	hours: ReadonlySet<number>;
	daysOfMonth: ReadonlySet<number>;
	months: ReadonlySet<number>;
	daysOfWeek: ReadonlySet<number>;
	domRestricted: boolean;
	dowRestricted: boolean;
}

export class CronError extends Error {
	constructor(expression: string, why: string) {
		super(`cron expression ${JSON.stringify(expression)}: ${why}`);
		this.name = 'CronError';
	}
}

function field(expression: string, text: string, min: number, max: number, what: string): Set<number> {
	const out = new Set<number>();
	for (const part of text.split(',')) {
		const m = /^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/.exec(part);
		if (!m) throw new CronError(expression, `bad ${what} "${part}"`);
		let lo = min;
		let hi = max;
		if (m[1] !== '*') {
			lo = Number(m[2]);
			hi = m[3] === undefined ? (m[4] === undefined ? lo : max) : Number(m[3]);
		}
		const step = m[4] === undefined ? 1 : Number(m[4]);
		if (lo < min || hi > max || lo > hi || step < 1)
			throw new CronError(expression, `${what} "${part}" is out of range ${min}-${max}`);
		for (let v = lo; v <= hi; v += step) out.add(v);
	}
	return out;
}

/** Parses a five-field expression; throws CronError when it is not one this project accepts. */
export function parseCron(expression: string): CronSchedule {
	const parts = typeof expression === 'string' ? expression.trim().split(/\s+/) : [];
	if (parts.length !== 5)
		throw new CronError(String(expression), 'needs exactly five fields (minute hour day month weekday)');
	const [mi, h, dom, mo, dow] = parts as [string, string, string, string, string];
	const daysOfWeek = field(expression, dow, 0, 7, 'day of week');
	if (daysOfWeek.has(7)) daysOfWeek.add(0);
	daysOfWeek.delete(7);
	return {
		minutes: field(expression, mi, 0, 59, 'minute'),
		hours: field(expression, h, 0, 23, 'hour'),
		daysOfMonth: field(expression, dom, 1, 31, 'day of month'),
		months: field(expression, mo, 1, 12, 'month'),
		daysOfWeek,
		domRestricted: dom !== '*',
		dowRestricted: dow !== '*'
	};
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Minute, hour, day, month and weekday of an instant in a time zone. */
function wallClock(
	at: Date,
	timeZone: string
): { minute: number; hour: number; day: number; month: number; weekday: number } {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			minute: 'numeric',
			hour: 'numeric',
			day: 'numeric',
			month: 'numeric',
			weekday: 'short'
		});
		formatters.set(timeZone, f);
	}
	const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
	return {
		minute: Number(p.minute),
		hour: Number(p.hour),
		day: Number(p.day),
		month: Number(p.month),
		weekday: WEEKDAYS[p.weekday ?? ''] ?? -1
	};
}

/** True when the minute containing `at` (wall clock in `timeZone`) is one the schedule fires in. */
export function cronMatches(schedule: CronSchedule, at: Date, timeZone: string): boolean {
	const w = wallClock(at, timeZone);
	if (!schedule.minutes.has(w.minute) || !schedule.hours.has(w.hour) || !schedule.months.has(w.month)) return false;
	const dom = schedule.daysOfMonth.has(w.day);
	const dow = schedule.daysOfWeek.has(w.weekday);
	if (schedule.domRestricted && schedule.dowRestricted) return dom || dow;
	return dom && dow;
}
