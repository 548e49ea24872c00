/**
 * What the case modules (case-view, case-actions, case-grants, case-conversation) share: the workflow's
 * CaseState read from the stored rows, the working-day calendar and today's date, who may see a report
 * among a few staff members, and the notices raised to them. No HTTP here: operations return `Result`s
 * (src/lib/server/http/result.ts) and the edge turns them into answers.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { Kind } from '$lib/crypto/format';
import type { Queryable } from '$lib/server/audit/log';
import { deploymentWire } from '$lib/server/keys/suite-wire';
import {
	calendarFrom,
	CHINA_TIME_ZONE,
	DEFAULT_CALENDAR,
	todayIn,
	type WorkingDayCalendar
} from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import {
	holiday,
	organStaff,
	report,
	reportKeyWrap,
	reportPending,
	staffConflict,
	staffNotice
} from '$lib/server/db/schema';
import {
	DISPOSITION_ACTIONS,
	type ActionCode,
	type CaseFlags,
	type CaseState,
	type OpenDeadline,
	type Outcome,
	type WorkflowState
} from '$lib/server/workflow';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { Disposition, HolidayKind, NoticeKind } from '$lib/shared/vocabulary/workflow';

/** The report's `case_data` column: what the workflow keeps beyond the columns. */
export interface CaseData {
	organReceivedOn?: string;
	flags?: Partial<CaseFlags>;
	referredTo?: string | null;
	outcome?: Outcome | null;
	/** Sent by region (the reporter could not find the unit; it is named in the encrypted content). Kept. */
	byRegion?: boolean;
}

const NO_FLAGS: CaseFlags = {
	acceptanceNotified: false,
	feedbackGiven: false,
	nameCleared: false,
	falseAccusationReferred: false
};

type ReportRow = typeof report.$inferSelect;
type PendingRow = typeof reportPending.$inferSelect;

/** The workflow's CaseState from the stored rows. */
export function caseStateOf(
	r: ReportRow,
	pending: PendingRow | null,
	open: { code: string; startedOn: string; dueOn: string }[]
): CaseState {
	const data = (r.caseData ?? {}) as CaseData;
	return {
		state: r.state as WorkflowState,
		organId: r.organId,
		realName: r.realName,
		receivedOn: r.receivedOn,
		organReceivedOn: data.organReceivedOn ?? r.receivedOn,
		deadlines: open.map((d) => ({ code: d.code as OpenDeadline['code'], startedOn: d.startedOn, due: d.dueOn })),
		pending: pending
			? {
					action: pending.action as ActionCode,
					requestedBy: pending.requestedBy,
					requestedOn: pending.requestedOn,
					returnTo: pending.returnTo as WorkflowState,
					noteId: pending.noteId,
					target: pending.target,
					outcome: (pending.outcome as Outcome | null) ?? null
				}
			: null,
		outcome: data.outcome ?? null,
		referredTo: data.referredTo ?? null,
		flags: { ...NO_FLAGS, ...(data.flags ?? {}) }
	};
}

/** The admin-edited working-day calendar (the holiday table; the shipped rows if it is empty). */
export async function loadCalendar(db: Db | Queryable): Promise<WorkingDayCalendar> {
	const rows = await (db as Db).select({ date: holiday.day, kind: holiday.kind }).from(holiday);
	if (rows.length === 0) return DEFAULT_CALENDAR;
	return calendarFrom(rows as { date: string; kind: HolidayKind }[]);
}

/** Today's date in China (deadlines and notices count in China's days). */
export function todayOf(now: Date): string {
	return todayIn(CHINA_TIME_ZONE, now);
}

/** The disposition each disposition action records. */
export const DISPOSITION_OF: Partial<Record<ActionCode, Disposition>> = Object.fromEntries(
	Object.entries(DISPOSITION_ACTIONS).map(([d, a]) => [a, d])
);

/** The requests that move a report to another organ (their key is sealed for the receiving organ). */
export const MOVE_ACTIONS = new Set<ActionCode>(['request_report_up', 'request_transfer_down']);

/** A sealed report key of the current format. */
/** A sealed key (format S) of the deployment's suite. */
export const isSealed = (b: Uint8Array) => {
	const wire = deploymentWire();
	return b.length === wire.sealedKeyLength && b[0] === wire.version && b[1] === Kind.sealedKey;
};

export function hexOf(b: Uint8Array): string {
	return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Staff ids who may see report `r` now (wrap, entitled, not conflicted), among `candidates`. */
export async function seersAmong(
	db: Db | Queryable,
	r: { id: string; organId: string; unitId: string },
	candidates: string[]
): Promise<Set<string>> {
	if (candidates.length === 0) return new Set();
	const q = db as Db;
	const [wraps, members, conflicts] = await Promise.all([
		q
			.select({ staffId: reportKeyWrap.staffId, grantedBy: reportKeyWrap.grantedBy })
			.from(reportKeyWrap)
			.where(and(eq(reportKeyWrap.reportId, r.id), inArray(reportKeyWrap.staffId, candidates))),
		q
			.select({ staffId: organStaff.staffId })
			.from(organStaff)
			.where(
				and(
					eq(organStaff.organId, r.organId),
					inArray(organStaff.role, HANDLER_ROLES),
					inArray(organStaff.staffId, candidates)
				)
			),
		q
			.select({ staffId: staffConflict.staffId })
			.from(staffConflict)
			.where(and(eq(staffConflict.unitId, r.unitId), inArray(staffConflict.staffId, candidates)))
	]);
	const member = new Set(members.map((m) => m.staffId));
	const conflicted = new Set(conflicts.map((c) => c.staffId));
	return new Set(
		wraps
			.filter((w) => !conflicted.has(w.staffId) && (w.grantedBy !== null || member.has(w.staffId)))
			.map((w) => w.staffId)
	);
}

/** Inserts notices once per staff × report × kind × day. */
export async function raiseNotices(
	tx: Db,
	staffIds: string[],
	reportId: string,
	kind: NoticeKind,
	createdOn: string,
	details: Record<string, unknown> = {}
): Promise<number> {
	if (staffIds.length === 0) return 0;
	const rows = await tx
		.insert(staffNotice)
		.values([...new Set(staffIds)].map((staffId) => ({ staffId, reportId, kind, createdOn, details })))
		.onConflictDoNothing()
		.returning({ id: staffNotice.id });
	return rows.length;
}
