/**
 * The back office's statistics (docs/backoffice.md "Statistics"), GET /staff/api/stats (and the same figures
 * as CSV, …/stats.csv, and on /staff/stats): clear metadata only, counts below the instance's minimum
 * withheld. Part of the staff API's contract (./staff.ts re-exports these types).
 */
import type { AdminLevel, StaffRole } from '../vocabulary/org';

export interface OrganRef {
	id: string;
	name: string;
	level: AdminLevel;
}

export interface Bucket {
	key: string;
	n: number;
}

export interface PlaceCount {
	id: string;
	name: string;
	regionPath: string;
	/** null: fewer than minCount (withheld). */
	n: number | null;
	overdue: number | null;
}

/** The figures of one statistics request (src/lib/server/backoffice/stats.ts). */
export interface BackofficeStats {
	from: string;
	to: string;
	today: string;
	minCount: number;
	total: number;
	open: number;
	/** Open reports whose earliest running deadline (next_due_on) is before today. */
	overdue: number;
	/** overdue / open, null when nothing is open. */
	overdueRate: number | null;
	concluded: number;
	/** Deadlines of the cohort that were met (met_on set), and of those met after the due date. */
	deadlinesMet: number;
	deadlinesMetLate: number;
	lateRate: number | null;
	/** Median of concluded_on − received_on in calendar days over the cohort's concluded reports. */
	medianDaysToConclusion: number | null;
	byMonth: Bucket[];
	byCategory: Bucket[];
	byPosition: Bucket[];
	/** key '' = no disposition yet. */
	byDisposition: Bucket[];
	/** key '' = no outcome yet. */
	byOutcome: Bucket[];
	byState: Bucket[];
	/** Per region one level below the scope's own region (each a unit: a city, a county, a department…). */
	regions: PlaceCount[];
	/** The units with the most reports (withheld counts are never in it). */
	topUnits: PlaceCount[];
	/** How many distinct units had reports. */
	unitCount: number;
}

/** Whose statistics: 'head', the organs the caller heads and below; 'admin', the whole tree (instance admins). */
export type StatsScope = Extract<StaffRole, 'head' | 'admin'>;

/** GET /staff/api/stats. */
export type StatsAnswer = {
	organ: OrganRef & { path: OrganRef[] };
	children: OrganRef[];
	scope: StatsScope;
} & BackofficeStats;
