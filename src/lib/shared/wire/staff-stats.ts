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
	/** null: fewer than minCount, withheld (unless the viewer may open every case it counts: then exact). */
	n: number | null;
	overdue: number | null;
}

/** 查实率: substantiated (dealt with in one of the four forms) over concluded (any outcome); rate null when none concluded. */
export interface Substantiation {
	substantiated: number;
	concluded: number;
	rate: number | null;
}

/** The lead register's figures over the scope and period (src/lib/server/backoffice/stats-leads.ts). */
export interface LeadFigures {
	/** Leads (a merged lead counts in the one it joined). */
	leads: number;
	/** Persons reported: distinct blind names within each organ (two organs' blind values never match). */
	persons: number;
	/** Person-times (人次): one per person of each lead. */
	personTimes: number;
	/** Persons in two or more leads. */
	repeated: number;
	/** Leads by the staff's classification (key '' = not classified yet). */
	byCategory: Bucket[];
	/** Leads by outcome (key '' = none yet). */
	byOutcome: Bucket[];
	/** Person-times by outcome: the four forms per person (key '' = none yet). */
	personTimesByOutcome: Bucket[];
	leadRate: Substantiation;
	personRate: Substantiation;
}

/** How the 反映集中 table is sorted: leads about the 一把手, about the whole team, or the team's per 100 staff. */
export type ConcentrationSort = 'top' | 'leadership' | 'rate';

/** One unit of the 反映集中 view. */
export interface ConcentrationRow {
	id: string;
	name: string;
	regionPath: string;
	/** Leads about the unit's 一把手. */
	topLeader: number;
	/** Leads about other members of its leadership team (not about the 一把手). */
	team: number;
	/** topLeader + team. */
	leadership: number;
	/** Staff of the unit, where the directory knows it. */
	headcount: number | null;
	/** leadership per 100 staff (null: headcount unknown). */
	per100: number | null;
}

export interface Concentration {
	sort: ConcentrationSort;
	/** The first units in that order (units with a withheld figure are never listed). */
	rows: ConcentrationRow[];
	/** Units with leads about their leadership; of them, with a withheld figure (not listed). */
	units: number;
	withheld: number;
	/** Leads without a linked report: no clear unit, not placed. */
	unplaced: number;
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
	/** 查实率 of the reports. */
	reportRate: Substantiation;
	/** Reports whose category is the staff's classification (a lead's) rather than the reporter's guess. */
	reclassified: number;
	leads: LeadFigures;
	concentration: Concentration;
}

/** Whose statistics: 'head', the organs the caller heads and below; 'admin', the whole tree (instance admins). */
export type StatsScope = Extract<StaffRole, 'head' | 'admin'>;

/** GET /staff/api/stats. */
export type StatsAnswer = {
	organ: OrganRef & { path: OrganRef[] };
	children: OrganRef[];
	scope: StatsScope;
} & BackofficeStats;
