/**
 * The received date of a commit (../dates.ts dateIn) without formatting a date per report (issue 20): every
 * time zone's offset is a whole number of quarter hours, so the local date can only change at a quarter hour
 * of UTC; the date is kept per zone for the quarter hour it was computed in.
 */
import { dateIn } from '../dates';

const QUARTER_MS = 15 * 60_000;
const known = new Map<string, { quarter: number; day: string }>();

/** `dateIn(timeZone, now)`, computed once per zone and quarter hour. */
export function dayIn(timeZone: string, now: Date): string {
	const quarter = Math.floor(now.getTime() / QUARTER_MS);
	const hit = known.get(timeZone);
	if (hit && hit.quarter === quarter) return hit.day;
	const day = dateIn(timeZone, now);
	if (known.size > 64) known.clear();
	known.set(timeZone, { quarter, day });
	return day;
}
