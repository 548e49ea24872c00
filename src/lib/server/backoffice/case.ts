/**
 * One case in the back office (docs/backoffice.md): the report view, workflow transitions through the pure
 * state machine (src/lib/server/workflow) persisted with their deadlines, events, pending approvals and
 * transfers, plus assignment, grants, staff replies, internal notes, links, files and exports. Every call
 * that touches a report appends to the audit log in the same transaction. Callers have already checked
 * visibility with access.ts (`visibleReport`); this module checks what the caller's role may do.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import { Kind, FORMAT_VERSION } from '$lib/crypto/format';
import { SEALED_KEY_LENGTH } from '$lib/crypto/seal';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import type { Json } from '$lib/server/audit/chain';
import {
	calendarFrom,
	CHINA_TIME_ZONE,
	DEFAULT_CALENDAR,
	todayIn,
	type WorkingDayCalendar
} from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import {
	attachment,
	directoryEntry,
	disciplineOrgan,
	holiday,
	organStaff,
	orgUnit,
	report,
	reportDeadline,
	reportEvent,
	reportKeyWrap,
	reportLink,
	reportMessage,
	reportNote,
	reportPending,
	staffConflict,
	staffNotice,
	staffUser
} from '$lib/server/db/schema';
import { validEntriesForOrgans } from '$lib/server/keys/directory';
import { reportFile } from '$lib/server/reports/followup';
import { isContentCiphertext } from '$lib/server/reports/intake';
import { computeRecipients } from '$lib/server/reports/recipients';
import {
	allowedTransitions,
	applyTransition,
	DISPOSITION_ACTIONS,
	isWorkflowState,
	STATE_INFO,
	type ActionCode,
	type CaseFlags,
	type CaseState,
	type OpenDeadline,
	type Outcome,
	type RefusalReason,
	type WorkflowState
} from '$lib/server/workflow';
import { visibleReport, type Visible } from './access';
import { isUuid } from '$lib/shared/encoding';
import { HANDLER_ROLES, type StaffRole } from '$lib/shared/vocabulary/org';
import type { Category, MessageAuthor, PositionKind, PublicStatus, ReportKind } from '$lib/shared/vocabulary/report';
import {
	outcomeCode,
	type DeadlineCode,
	type Disposition,
	type HolidayKind,
	type LinkKind,
	type NoticeKind
} from '$lib/shared/vocabulary/workflow';
import type { CaseView } from '$lib/shared/wire/staff';
import { fail, forbidden, notFound, type Answer } from '$lib/server/http/answer';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { check } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import type { StaffCtx } from '$lib/server/http/staff';

/* ------------------------------------------------------------------ case state <-> rows */

interface CaseData {
	organReceivedOn?: string;
	flags?: Partial<CaseFlags>;
	referredTo?: string | null;
	outcome?: Outcome | null;
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

export function todayOf(now: Date): string {
	return todayIn(CHINA_TIME_ZONE, now);
}

const DISPOSITION_OF: Partial<Record<ActionCode, Disposition>> = Object.fromEntries(
	Object.entries(DISPOSITION_ACTIONS).map(([d, a]) => [a, d])
);

const MOVE_ACTIONS = new Set<ActionCode>(['request_report_up', 'request_transfer_down']);

/* ------------------------------------------------------------------ the view */

async function names(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
	const list = [...new Set(ids.filter((x): x is string => typeof x === 'string'))];
	if (list.length === 0) return new Map();
	const rows = await db
		.select({ id: staffUser.id, displayName: staffUser.displayName })
		.from(staffUser)
		.where(inArray(staffUser.id, list));
	return new Map(rows.map((r) => [r.id, r.displayName]));
}

/** The requirements the UI must collect for an allowed action (docs/backoffice.md). */
function requiresOf(action: ActionCode, inputs: readonly string[], needsApproval: boolean): string[] {
	const out: string[] = [];
	for (const i of inputs) {
		if (i === 'target') out.push(...(MOVE_ACTIONS.has(action) ? ['targetOrgan', 'wraps'] : ['target']));
		else out.push(i);
	}
	if (needsApproval) out.push('approval');
	return out;
}

/** Staff ids who may see report `reportId` now (wrap, entitled, not conflicted), among `candidates`. */
async function seersAmong(
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

export async function caseView(db: Db, vis: Visible, staffId: string): Promise<CaseView> {
	const r = vis.report;
	const [organ, unit, files, messages, notes, events, deadlines, pendingRows, links, staff, grants] = await Promise.all(
		[
			db
				.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
				.from(disciplineOrgan)
				.where(eq(disciplineOrgan.id, r.organId)),
			db
				.select({ id: orgUnit.id, name: orgUnit.name, regionPath: orgUnit.regionPath })
				.from(orgUnit)
				.where(eq(orgUnit.id, r.unitId)),
			db
				.select({ id: attachment.id, bytes: attachment.bytes, messageId: attachment.messageId })
				.from(attachment)
				.where(and(eq(attachment.reportId, r.id), isNull(attachment.intakeId)))
				.orderBy(asc(attachment.messageId), asc(attachment.fileNo)),
			db.select().from(reportMessage).where(eq(reportMessage.reportId, r.id)).orderBy(asc(reportMessage.id)),
			db.select().from(reportNote).where(eq(reportNote.reportId, r.id)).orderBy(asc(reportNote.id)),
			db.select().from(reportEvent).where(eq(reportEvent.reportId, r.id)).orderBy(asc(reportEvent.id)),
			db
				.select()
				.from(reportDeadline)
				.where(eq(reportDeadline.reportId, r.id))
				.orderBy(asc(reportDeadline.startedOn), asc(reportDeadline.code)),
			db.select().from(reportPending).where(eq(reportPending.reportId, r.id)),
			db
				.select({ id: report.id, locator: report.locator, kind: reportLink.kind })
				.from(reportLink)
				.innerJoin(report, eq(report.id, reportLink.otherId))
				.where(eq(reportLink.reportId, r.id)),
			db
				.select({ id: organStaff.staffId, role: organStaff.role, displayName: staffUser.displayName })
				.from(organStaff)
				.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
				.where(
					and(eq(organStaff.organId, r.organId), inArray(organStaff.role, HANDLER_ROLES), isNull(staffUser.disabledAt))
				)
				.orderBy(asc(staffUser.displayName)),
			db
				.select({ staffId: reportKeyWrap.staffId, grantedBy: reportKeyWrap.grantedBy })
				.from(reportKeyWrap)
				.where(and(eq(reportKeyWrap.reportId, r.id), isNotNull(reportKeyWrap.grantedBy)))
		]
	);
	const pending = pendingRows[0] ?? null;
	const open = deadlines.filter((d) => d.metOn === null);
	const cs = caseStateOf(r, pending, open);
	const who = await names(db, [
		r.handlerId,
		pending?.requestedBy ?? null,
		...notes.map((n) => n.authorId),
		...events.map((e) => e.actorId),
		...grants.flatMap((g) => [g.staffId, g.grantedBy])
	]);
	const person = (id: string | null) => (id ? { id, displayName: who.get(id) ?? '' } : null);
	const filesOf = (messageId: number | null) =>
		files.filter((f) => f.messageId === messageId).map((f) => ({ id: f.id, bytes: f.bytes }));
	const seers = await seersAmong(
		db,
		r,
		staff.map((s) => s.id)
	);
	const allowed =
		vis.role && isWorkflowState(cs.state) ? allowedTransitions(cs, { actor: { id: staffId, role: vis.role } }) : [];
	const data = (r.caseData ?? {}) as CaseData;
	// The code columns hold codes of the shared vocabularies (their CHECKs: src/lib/server/db/schema).
	return {
		report: {
			id: r.id,
			locator: r.locator,
			receivedOn: r.receivedOn,
			unit: unit[0] ?? null,
			position: r.position as PositionKind,
			kind: r.kind as ReportKind,
			category: r.category as Category,
			realName: r.realName,
			escalate: r.escalate,
			organ: organ[0] ?? { id: r.organId, name: r.organId },
			state: r.state as WorkflowState,
			stateLabel: isWorkflowState(r.state) ? { zh: STATE_INFO[r.state].zh, en: STATE_INFO[r.state].en } : null,
			publicStatus: r.publicStatus as PublicStatus,
			disposition: r.disposition as Disposition | null,
			outcome: data.outcome ?? null,
			concludedOn: r.concludedOn,
			handler: person(r.handlerId),
			content: b64(r.content),
			sealed: b64(vis.sealed),
			files: filesOf(null),
			flags: cs.flags,
			referredTo: cs.referredTo
		},
		messages: messages.map((m) => ({
			id: m.id,
			author: m.author as MessageAuthor,
			sentOn: m.sentOn,
			body: b64(m.body),
			files: filesOf(m.id)
		})),
		notes: notes.map((n) => ({ id: n.id, author: person(n.authorId), at: n.at.toISOString(), body: b64(n.body) })),
		events: events.map((e) => ({
			id: e.id,
			at: e.at.toISOString(),
			actor: person(e.actorId),
			action: e.action,
			fromState: e.fromState,
			toState: e.toState,
			organId: e.organId,
			note: e.note ? b64(e.note) : null,
			outcome: (e.outcome as Outcome | null) ?? null
		})),
		deadlines: deadlines.map((d) => ({
			code: d.code as DeadlineCode,
			startedOn: d.startedOn,
			dueOn: d.dueOn,
			metOn: d.metOn
		})),
		pending: pending
			? {
					action: pending.action as ActionCode,
					requestedBy: { id: pending.requestedBy, displayName: who.get(pending.requestedBy) ?? '' },
					requestedAt: pending.requestedAt.toISOString(),
					target: pending.target,
					outcome: (pending.outcome as Outcome | null) ?? null,
					note: b64(pending.note),
					wraps: pending.wraps?.length ?? 0
				}
			: null,
		links: links.map((l) => ({ id: l.id, locator: l.locator, kind: l.kind as LinkKind })),
		allowedActions: allowed.map((a) => ({
			action: a.action,
			label: a.label,
			to: a.to,
			requires: requiresOf(a.action, a.inputs, a.needsApproval),
			outcome: a.outcome
		})),
		organStaff: staff.map((s) => ({
			id: s.id,
			displayName: s.displayName,
			role: s.role as StaffRole,
			canSee: seers.has(s.id)
		})),
		grants: grants.map((g) => ({
			staffId: g.staffId,
			displayName: who.get(g.staffId) ?? '',
			grantedBy: person(g.grantedBy)
		})),
		role: vis.role
	};
}

/** GET /staff/api/reports/{id}: the view, audited as `report.open`. */
export async function openCase(ctx: StaffCtx, reportId: string): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Queryable, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.open',
			reportId: vis.report.id,
			organId: vis.report.organId,
			details: {}
		})
	);
	return { status: 200, body: await caseView(ctx.db, vis, ctx.user.id) };
}

/* ------------------------------------------------------------------ bodies */

const isSealed = (b: Uint8Array) =>
	b.length === SEALED_KEY_LENGTH && b[0] === FORMAT_VERSION && b[1] === Kind.sealedKey;

/** Status of a workflow refusal: 403 for the role, 409 for the case, 400 for the inputs. */
function refusal(reason: RefusalReason): Answer {
	if (reason === 'forbidden_role') return fail(403, reason);
	if (
		[
			'not_from_this_state',
			'self_approval',
			'not_requester',
			'not_real_name',
			'already_done',
			'bad_case_state',
			'unknown_state'
		].includes(reason)
	)
		return fail(409, reason);
	return fail(400, reason);
}

function hexOf(b: Uint8Array): string {
	return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Checks transfer wraps against the target organ's current recipients; the valid ones by staff, or an error. */
async function checkWraps(
	db: Db,
	target: string,
	unitId: string,
	wraps: { entryId: Uint8Array; sealed: Uint8Array }[],
	now: Date
): Promise<
	{ ok: true; wraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[]; dropped: number } | { ok: false }
> {
	const recipients = await computeRecipients(db, target, unitId, now);
	const byEntry = new Map<string, string>();
	for (const r of recipients.values()) for (const e of r.entries.keys()) byEntry.set(e, r.staffId);
	const out: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[] = [];
	const seen = new Set<string>();
	let dropped = 0;
	for (const w of wraps) {
		const staffId = byEntry.get(hexOf(w.entryId));
		if (!staffId || seen.has(staffId) || !isSealed(w.sealed)) {
			dropped++;
			continue;
		}
		seen.add(staffId);
		out.push({ staffId, entryId: w.entryId, sealed: w.sealed });
	}
	return { ok: true, wraps: out, dropped };
}

/** True when `target` is above (up) or below (down) `organId` in the organ tree. */
async function targetFits(db: Db, organId: string, target: string, direction: 'up' | 'down'): Promise<boolean> {
	const rows = await db
		.select({ id: disciplineOrgan.id, ancestorIds: disciplineOrgan.ancestorIds })
		.from(disciplineOrgan)
		.where(inArray(disciplineOrgan.id, [organId, target]));
	const current = rows.find((r) => r.id === organId);
	const other = rows.find((r) => r.id === target);
	if (!current || !other || organId === target) return false;
	return direction === 'up' ? current.ancestorIds.includes(target) : other.ancestorIds.includes(organId);
}

/* ------------------------------------------------------------------ workflow actions */

/** POST /staff/api/reports/{id}/actions. */
export async function applyAction(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.ActionBody, input);
	if (!parsed.ok) return parsed.result;
	const body = parsed.value;
	if (!vis.role) return fail(403, 'forbidden_role');
	if (body.note && !isContentCiphertext(body.note)) return fail(400, 'bad_content', 'note');
	const db = ctx.db;
	const r = vis.report;
	const [pendingRows, openRows, calendar] = await Promise.all([
		db.select().from(reportPending).where(eq(reportPending.reportId, r.id)),
		db
			.select()
			.from(reportDeadline)
			.where(and(eq(reportDeadline.reportId, r.id), isNull(reportDeadline.metOn))),
		loadCalendar(db)
	]);
	const pending = pendingRows[0] ?? null;
	const cs = caseStateOf(r, pending, openRows);
	const today = todayOf(ctx.now);
	const action = body.action;
	const isMoveRequest = MOVE_ACTIONS.has(action as ActionCode);
	const target = isMoveRequest
		? (body.targetOrgan ?? null)
		: action === 'request_transfer_out'
			? (body.target ?? null)
			: null;
	const noteId = body.note ? createHash('sha256').update(body.note).digest('hex').slice(0, 32) : null;
	const result = applyTransition(cs, action, {
		actor: { id: ctx.user.id, role: vis.role },
		today,
		noteId,
		outcome: body.outcome,
		target,
		calendar
	});
	if (!result.ok) return refusal(result.reason);

	// Transfers up/down: the target must be the higher/lower organ and the key sealed to its recipients.
	let requestWraps: { entryId: string; sealed: string }[] | null = null;
	if (isMoveRequest) {
		if (!(await targetFits(db, r.organId, target as string, action === 'request_report_up' ? 'up' : 'down')))
			return fail(400, 'bad_target_organ', 'targetOrgan');
		if (!body.wraps || body.wraps.length === 0) return fail(400, 'needs_wraps', 'wraps');
		const checked = await checkWraps(db, target as string, r.unitId, body.wraps, ctx.now);
		if (!checked.ok || checked.dropped > 0 || checked.wraps.length === 0) return fail(400, 'bad_wraps', 'wraps');
		requestWraps = checked.wraps.map((w) => ({ entryId: b64(w.entryId), sealed: b64(w.sealed) }));
	}
	let moveWraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[] | null = null;
	const movesOrgan = result.next.organId !== r.organId;
	if (movesOrgan) {
		const stored = (pending?.wraps ?? []).map((w) => ({
			entryId: new Uint8Array(Buffer.from(w.entryId, 'base64')),
			sealed: new Uint8Array(Buffer.from(w.sealed, 'base64'))
		}));
		const checked = await checkWraps(db, result.next.organId, r.unitId, stored, ctx.now);
		if (!checked.ok || checked.wraps.length === 0) return fail(409, 'wraps_stale');
		moveWraps = checked.wraps;
	}

	const next = result.next;
	const ev = result.event;
	const endedCodes = new Set(result.deadlinesEnded.map((d) => `${d.code}|${d.startedOn}`));
	const nextDue = [...next.deadlines].sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0))[0] ?? null;
	const disposition =
		ev.action === 'approve' && pending?.action === 'request_close'
			? 'close'
			: action !== 'request_close'
				? (DISPOSITION_OF[ev.action] ?? null)
				: null;
	const caseData: CaseData = {
		organReceivedOn: next.organReceivedOn,
		flags: next.flags,
		referredTo: next.referredTo,
		outcome: next.outcome
	};
	const noteBytes = body.note ?? null;

	await db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx
			.update(report)
			.set({
				state: next.state,
				organId: next.organId,
				publicStatus: result.publicStatus,
				nextDueOn: nextDue?.due ?? null,
				nextDueCode: nextDue?.code ?? null,
				...(disposition ? { disposition } : {}),
				outcome: outcomeCode(next.outcome),
				caseData: caseData as unknown as Record<string, unknown>,
				...(next.state === 'concluded' && !r.concludedOn ? { concludedOn: today } : {}),
				...(movesOrgan ? { handlerId: null } : {})
			})
			.where(eq(report.id, r.id));
		// Deadlines: those ended are met today; those started are inserted (a restart on the same day replaces).
		for (const d of openRows) {
			if (endedCodes.has(`${d.code}|${d.startedOn}`)) {
				await tx
					.update(reportDeadline)
					.set({ metOn: today })
					.where(
						and(
							eq(reportDeadline.reportId, r.id),
							eq(reportDeadline.code, d.code),
							eq(reportDeadline.startedOn, d.startedOn)
						)
					);
			}
		}
		for (const d of result.deadlinesStarted) {
			await tx
				.insert(reportDeadline)
				.values({ reportId: r.id, code: d.code, dueOn: d.due, startedOn: d.startedOn, metOn: null })
				.onConflictDoUpdate({
					target: [reportDeadline.reportId, reportDeadline.code, reportDeadline.startedOn],
					set: { dueOn: d.due, metOn: null }
				});
		}
		// The pending request.
		if (next.pending && !cs.pending) {
			await tx.insert(reportPending).values({
				reportId: r.id,
				action: ev.action,
				requestedBy: ctx.user.id,
				requestedAt: ctx.now,
				requestedOn: today,
				returnTo: next.pending.returnTo,
				target: next.pending.target,
				outcome: (next.pending.outcome as unknown as Record<string, unknown>) ?? null,
				note: noteBytes as Uint8Array,
				noteId: next.pending.noteId,
				wraps: requestWraps
			});
		} else if (!next.pending && cs.pending) {
			await tx.delete(reportPending).where(eq(reportPending.reportId, r.id));
		}
		// A transfer: the receiving organ's recipients get the key; the old organ's recipients lose it.
		if (moveWraps) {
			await tx.delete(reportKeyWrap).where(and(eq(reportKeyWrap.reportId, r.id), isNull(reportKeyWrap.grantedBy)));
			for (const w of moveWraps) {
				await tx
					.insert(reportKeyWrap)
					.values({ reportId: r.id, staffId: w.staffId, entryId: w.entryId, sealed: w.sealed, grantedBy: null })
					.onConflictDoUpdate({
						target: [reportKeyWrap.reportId, reportKeyWrap.staffId],
						set: { entryId: w.entryId, sealed: w.sealed, grantedBy: null }
					});
			}
			await raiseNotices(
				tx,
				moveWraps.map((w) => w.staffId),
				r.id,
				'transferred_in',
				today,
				{ from: r.organId }
			);
		}
		await tx.insert(reportEvent).values({
			reportId: r.id,
			at: ctx.now,
			actorId: ctx.user.id,
			action: ev.action,
			fromState: ev.from,
			toState: ev.to,
			organId: r.organId,
			note: noteBytes,
			outcome: (ev.outcome as unknown as Record<string, unknown>) ?? null,
			details: {
				target: ev.target,
				noteId: ev.noteId,
				started: result.deadlinesStarted.map((d) => d.code),
				ended: result.deadlinesEnded.map((d) => d.code)
			}
		});
		if (next.pending && !cs.pending) {
			const heads = await tx
				.select({ staffId: organStaff.staffId })
				.from(organStaff)
				.where(
					and(eq(organStaff.organId, r.organId), eq(organStaff.role, 'head'), ne(organStaff.staffId, ctx.user.id))
				);
			const seers = await seersAmong(
				tx,
				r,
				heads.map((h) => h.staffId)
			);
			await raiseNotices(tx, [...seers], r.id, 'approval_requested', today, { action: ev.action });
		}
		const details: Record<string, Json> = {
			from: ev.from,
			to: ev.to,
			noteId: ev.noteId,
			target: ev.target,
			outcome: outcomeCode(ev.outcome),
			started: result.deadlinesStarted.map((d) => `${d.code}:${d.due}`)
		};
		if (moveWraps) details.recipients = moveWraps.map((w) => w.staffId);
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: `workflow.${ev.action}`,
			reportId: r.id,
			organId: r.organId,
			details
		});
	});
	const after = await visibleReport(db, ctx.user.id, r.id);
	if (!after)
		return {
			status: 200,
			body: { report: { id: r.id, state: next.state, organ: { id: next.organId } }, visible: false }
		};
	return { status: 200, body: await caseView(db, after, ctx.user.id) };
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

/* ------------------------------------------------------------------ assignment, grants */

/** POST …/assign `{ staffId | null }`. */
export async function assign(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.AssignBody, input);
	if (!parsed.ok) return parsed.result;
	if (!vis.role) return forbidden();
	const staffId = parsed.value.staffId?.toLowerCase() ?? null;
	if (staffId) {
		const theirs = await visibleReport(ctx.db, staffId, reportId);
		if (!theirs || !theirs.role) return fail(400, 'bad_staff', 'staffId');
	}
	const r = vis.report;
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.update(report).set({ handlerId: staffId }).where(eq(report.id, r.id));
		if (staffId && staffId !== ctx.user.id) await raiseNotices(tx, [staffId], r.id, 'assigned', todayOf(ctx.now));
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.assign',
			reportId: r.id,
			organId: r.organId,
			details: { handler: staffId, previous: r.handlerId }
		});
	});
	const after = await visibleReport(ctx.db, ctx.user.id, r.id);
	return { status: 200, body: await caseView(ctx.db, after as Visible, ctx.user.id) };
}

/** POST …/grants `{ staffId, entryId, sealed }`: the key re-sealed in the caller's browser for a colleague. */
export async function grant(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.GrantBody, input);
	if (!parsed.ok) return parsed.result;
	if (!vis.role) return forbidden();
	const { entryId, sealed } = parsed.value;
	const staffId = parsed.value.staffId.toLowerCase();
	if (!isSealed(sealed)) return fail(400, 'invalid_field', 'sealed');
	const r = vis.report;
	const [existing] = await ctx.db
		.select({ staffId: reportKeyWrap.staffId })
		.from(reportKeyWrap)
		.where(and(eq(reportKeyWrap.reportId, r.id), eq(reportKeyWrap.staffId, staffId)));
	if (existing) return fail(409, 'already_granted', 'staffId');
	const [entry] = await ctx.db
		.select({ organId: directoryEntry.organId, staffId: directoryEntry.staffId })
		.from(directoryEntry)
		.where(eq(directoryEntry.entryId, entryId));
	if (!entry || entry.staffId !== staffId) return fail(400, 'bad_grant', 'entryId');
	const valid = await validEntriesForOrgans(ctx.db, [entry.organId], ctx.now);
	if (!valid.some((e) => e.staffId === staffId && Buffer.from(e.entryId).equals(Buffer.from(entryId))))
		return fail(400, 'bad_grant', 'entryId');
	const [conflict] = await ctx.db
		.select({ id: staffConflict.id })
		.from(staffConflict)
		.where(and(eq(staffConflict.staffId, staffId), eq(staffConflict.unitId, r.unitId)));
	if (conflict) return fail(400, 'bad_grant', 'staffId');
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.insert(reportKeyWrap).values({ reportId: r.id, staffId, entryId, sealed, grantedBy: ctx.user.id });
		await raiseNotices(tx, [staffId], r.id, 'granted', todayOf(ctx.now));
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.grant',
			reportId: r.id,
			organId: r.organId,
			details: { grantee: staffId, entryId: hexOf(entryId) }
		});
	});
	return { status: 201, body: { ok: true } };
}

/** DELETE …/grants/{staffId}: removes a granted wrap (head, or whoever granted it). */
export async function revoke(ctx: StaffCtx, reportId: string, staffIdRaw: string): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	if (!vis.role) return forbidden();
	if (!isUuid(staffIdRaw)) return notFound();
	const r = vis.report;
	const [w] = await ctx.db
		.select({ grantedBy: reportKeyWrap.grantedBy })
		.from(reportKeyWrap)
		.where(
			and(eq(reportKeyWrap.reportId, r.id), eq(reportKeyWrap.staffId, staffIdRaw), isNotNull(reportKeyWrap.grantedBy))
		);
	if (!w) return notFound();
	if (vis.role !== 'head' && w.grantedBy !== ctx.user.id) return forbidden();
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.delete(reportKeyWrap).where(and(eq(reportKeyWrap.reportId, r.id), eq(reportKeyWrap.staffId, staffIdRaw)));
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.revoke',
			reportId: r.id,
			organId: r.organId,
			details: { grantee: staffIdRaw }
		});
	});
	return { status: 204, body: null };
}

/* ------------------------------------------------------------------ replies, notes, links, files, export */

/** POST …/messages `{ body }`: a reply to the reporter (ciphertext of `{ text }` under the report key). */
export async function reply(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.CiphertextBody, input);
	if (!parsed.ok) return parsed.result;
	if (!vis.role) return forbidden();
	if (!isContentCiphertext(parsed.value.body)) return fail(400, 'bad_content', 'body');
	const r = vis.report;
	const sentOn = todayOf(ctx.now);
	const id = await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const [row] = await tx
			.insert(reportMessage)
			.values({ reportId: r.id, author: 'staff', staffId: ctx.user.id, sentOn, body: parsed.value.body })
			.returning({ id: reportMessage.id });
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.reply',
			reportId: r.id,
			organId: r.organId,
			details: { messageId: row!.id }
		});
		return row!.id;
	});
	return { status: 201, body: { id, sentOn } };
}

/** POST …/notes `{ body }`: an internal note (any member who can see the report, grantees included). */
export async function addNote(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.CiphertextBody, input);
	if (!parsed.ok) return parsed.result;
	if (!isContentCiphertext(parsed.value.body)) return fail(400, 'bad_content', 'body');
	const r = vis.report;
	const out = await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const [row] = await tx
			.insert(reportNote)
			.values({ reportId: r.id, authorId: ctx.user.id, at: ctx.now, body: parsed.value.body })
			.returning({ id: reportNote.id, at: reportNote.at });
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.note',
			reportId: r.id,
			organId: r.organId,
			details: { noteId: row!.id }
		});
		return row!;
	});
	return { status: 201, body: { id: out.id, at: out.at.toISOString() } };
}

/** POST …/links `{ other: locator, kind }`: both reports must be visible to the caller. */
export async function addLink(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.LinkBody, input);
	if (!parsed.ok) return parsed.result;
	if (!vis.role) return forbidden();
	const r = vis.report;
	const [o] = await ctx.db
		.select({ id: report.id })
		.from(report)
		.where(eq(report.locator, parsed.value.other.toUpperCase()));
	const other = o && o.id !== r.id ? await visibleReport(ctx.db, ctx.user.id, o.id) : null;
	if (!other) return fail(400, 'bad_link', 'other');
	const kind = parsed.value.kind;
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		for (const [a, b] of [
			[r.id, other.report.id],
			[other.report.id, r.id]
		] as const) {
			await tx
				.insert(reportLink)
				.values({ reportId: a, otherId: b, kind, createdBy: ctx.user.id, at: ctx.now })
				.onConflictDoUpdate({ target: [reportLink.reportId, reportLink.otherId], set: { kind } });
		}
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.link',
			reportId: r.id,
			organId: r.organId,
			details: { other: other.report.id, kind }
		});
	});
	return { status: 201, body: { ok: true } };
}

/** GET …/files/{fileId}: the encrypted stream, audited as `report.file`. */
export async function openFile(
	ctx: StaffCtx,
	reportId: string,
	fileId: string
): Promise<Answer | { status: 200; bytes: number; stream: AsyncIterable<Uint8Array> }> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const file = await reportFile(ctx.db, vis.report.id, fileId);
	if (!file) return notFound();
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Queryable, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.file',
			reportId: vis.report.id,
			organId: vis.report.organId,
			details: { fileId }
		})
	);
	return { status: 200, ...file };
}

/** POST …/export: records a print or an export of the case. */
export async function recordExport(ctx: StaffCtx, reportId: string, input: unknown): Promise<Answer> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return notFound();
	const parsed = check(STAFF_BODIES.ExportBody, input ?? {});
	if (!parsed.ok) return parsed.result;
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Queryable, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.export',
			reportId: vis.report.id,
			organId: vis.report.organId,
			details: { kind: parsed.value.kind ?? 'print' }
		})
	);
	return { status: 204, body: null };
}
