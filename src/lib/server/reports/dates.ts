/**
 * Received dates: a calendar date in the configured time zone, never a time (architecture invariant 3).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

/** The date (YYYY-MM-DD) that `now` falls on in `timeZone`. */
export function dateIn(timeZone: string, now: Date): string {
	let f = formats.get(timeZone);
	if (!f) {
		// en-CA formats as YYYY-MM-DD.
		f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
		formats.set(timeZone, f);
	}
	const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
	return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The month (YYYY-MM) `offset` months before the month of `day` (YYYY-MM-DD). */
export function monthBefore(day: string, offset: number): string {
	const y = Number(day.slice(0, 4));
	const m = Number(day.slice(5, 7)) - 1 - offset;
	const yy = y + Math.floor(m / 12);
	const mm = ((m % 12) + 12) % 12;
	return `${String(yy).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}`;
}
