/**
 * The statistics as CSV (GET /staff/api/stats.csv): one table with a `section` column, the same numbers
 * the page draws (both come from backofficeStats), plus every unit. UTF-8 with a byte-order mark so Excel
 * opens Chinese text correctly; CRLF line ends (RFC 4180).
 *
 * Formula injection: a text cell starting with = + - @ (or a tab / carriage return) is prefixed with an
 * apostrophe so a spreadsheet shows it as text instead of evaluating it (unit and organ names come from an
 * imported directory). Numbers are written as numbers.
 */
import type { BackofficeStats, Bucket, PlaceCount } from './stats';

export type CsvDimension = 'summary' | 'month' | 'category' | 'position' | 'disposition' | 'outcome' | 'state';

export function csvCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	let s = value;
	if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
	if (/[",\r\n]/.test(s) || /^\s|\s$/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
	return s;
}

/** A rate as a decimal with four places (0.6667), or empty. */
export function rateCell(r: number | null): string {
	return r === null ? '' : r.toFixed(4);
}

/** The summary figures in the order the page shows them (keys are stable for the CSV). */
export function summaryRows(s: BackofficeStats): [string, number | string | null][] {
	return [
		['total', s.total],
		['open', s.open],
		['overdue', s.overdue],
		['overdue_rate', s.overdueRate === null ? null : rateCell(s.overdueRate)],
		['concluded', s.concluded],
		['deadlines_met', s.deadlinesMet],
		['deadlines_met_late', s.deadlinesMetLate],
		['late_rate', s.lateRate === null ? null : rateCell(s.lateRate)],
		['median_days', s.medianDaysToConclusion]
	];
}

export function statsCsv(
	s: BackofficeStats,
	units: readonly PlaceCount[],
	opts: { organ: string; labels: (dimension: CsvDimension, key: string) => string }
): string {
	const lines: string[] = [];
	const line = (...cells: (string | number | null)[]) => lines.push(cells.map((c) => csvCell(c)).join(','));
	const withheld = `<${s.minCount}`;
	line('section', 'key', 'label', 'count', 'overdue');
	line('scope', 'organ', opts.organ, null, null);
	line('scope', 'from', s.from, null, null);
	line('scope', 'to', s.to, null, null);
	line('scope', 'today', s.today, null, null);
	for (const [key, value] of summaryRows(s)) {
		// Rates are pre-formatted strings of digits: written raw (they never start with a formula character).
		lines.push(
			[
				csvCell('summary'),
				csvCell(key),
				csvCell(opts.labels('summary', key)),
				value === null ? '' : String(value),
				''
			].join(',')
		);
	}
	const dims: [CsvDimension, Bucket[]][] = [
		['month', s.byMonth],
		['category', s.byCategory],
		['position', s.byPosition],
		['disposition', s.byDisposition],
		['outcome', s.byOutcome],
		['state', s.byState]
	];
	for (const [dim, buckets] of dims) {
		for (const b of buckets) line(dim, b.key, opts.labels(dim, b.key), b.n, null);
	}
	// Per lead and per person (issue 17 item 6), 查实率 with numerator and denominator (keys are codes).
	const rates = { reports: s.reportRate, leads: s.leads.leadRate, person_times: s.leads.personRate };
	for (const [key, r] of Object.entries(rates)) {
		line('rate', `${key}_substantiated`, `${key}_substantiated`, r.substantiated, null);
		line('rate', `${key}_concluded`, `${key}_concluded`, r.concluded, null);
	}
	const persons = { leads: s.leads.leads, persons: s.leads.persons, person_times: s.leads.personTimes };
	for (const [key, n] of Object.entries({ ...persons, repeated: s.leads.repeated })) line('persons', key, key, n, null);
	for (const b of s.leads.personTimesByOutcome) line('person_outcome', b.key, opts.labels('outcome', b.key), b.n, null);
	for (const r of s.regions) line('region', r.id, r.regionPath || r.name, r.n ?? withheld, r.overdue);
	for (const u of units) line('unit', u.id, u.regionPath || u.name, u.n ?? withheld, u.overdue);
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}
