/**
 * The case view of the back office (docs/backoffice.md): one report as the caller may see it, with its
 * messages, notes, events, deadlines, pending request, links, the organ's handlers and the actions the
 * workflow allows the caller now. Opening it is audited. Callers of `caseView` have checked visibility
 * with access.ts (`visibleReport`).
 */
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import type { Db } from '$lib/server/db';
import {
	attachment,
	disciplineOrgan,
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
	staffUser
} from '$lib/server/db/schema';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { ok, refuse, type Result } from '$lib/server/http/result';
import {
	allowedTransitions,
	isWorkflowState,
	STATE_INFO,
	type ActionCode,
	type Outcome,
	type WorkflowState
} from '$lib/server/workflow';
import { HANDLER_ROLES, type StaffRole } from '$lib/shared/vocabulary/org';
import type { Category, MessageAuthor, PositionKind, PublicStatus } from '$lib/shared/vocabulary/report';
import type { DeadlineCode, Disposition, LinkKind } from '$lib/shared/vocabulary/workflow';
import type { BlockedAction, CaseView } from '$lib/shared/wire/staff';
import { ACTION_DUTIES, dutyAllows, REVIEW_ACTIONS } from '$lib/server/departments/rules';
import { dutiesIn } from '$lib/server/departments/store';
import { studiesOf } from '$lib/server/departments/study';
import { mustReportUp } from '$lib/server/org/report-up';
import { isSameLevelCadre } from '$lib/server/departments/committee';
import { rowsOf } from '$lib/server/org/sql';
import { makeSnapshot, type OrgData } from '$lib/server/org/types';
import { visibleReport, type Visible } from './access';
import { caseStateOf, MOVE_ACTIONS, seersAmong, type CaseData } from './case-state';
import type { StaffCtx } from './context';
import { protectionRequestsOf } from './protection';

/**
 * The two flags of a report about a leader (issue 18): mustReportUp (org/report-up.ts) and the same-level
 * committee cadre (departments/committee.ts), both from one read of the directory slice around the unit (its
 * ancestors and the organs above them; org_routing_slice). Neither needs the staff's keys, so the slice's
 * organs stand in as staffed (as committee.ts `sameLevelCadre` does). Other positions: no read at all. An
 * organ outside the slice is not the unit's own-level commission: false, as for a unit gone.
 */
async function leaderFlags(
	db: Db,
	organId: string,
	unitId: string,
	position: PositionKind
): Promise<{ mustReportUp: boolean; sameLevelCadre: boolean }> {
	if (position !== 'top_leader' && position !== 'team_member') return { mustReportUp: false, sameLevelCadre: false };
	const [row] = rowsOf<{ data: string | null }>(await db.execute(sql`select org_routing_slice(${unitId}) as data`));
	const data = JSON.parse(row?.data ?? '{}') as Partial<OrgData>;
	const organs = data.organs ?? [];
	const snap = makeSnapshot({
		units: data.units ?? [],
		organs,
		jurisdiction: data.jurisdiction ?? [],
		staff: organs.map((o) => ({ id: `staffed:${o.id}`, organId: o.id, role: 'inspector' as const, hasKey: true })),
		conflicts: [],
		posts: data.posts ?? [],
		management: data.management ?? []
	});
	return {
		mustReportUp: mustReportUp(snap, organId, unitId, position),
		sameLevelCadre: isSameLevelCadre(snap, organId, unitId, position)
	};
}

/** The decision and the report to the committee recorded with an event (issue 18), from its details. */
function recordedWith(details: unknown): Pick<CaseView['events'][number], 'decision' | 'committeeReport'> {
	const d = (details ?? {}) as { decision?: unknown; committeeReport?: unknown };
	const obj = (x: unknown) => (x && typeof x === 'object' ? x : null);
	return {
		decision: obj(d.decision) as CaseView['events'][number]['decision'],
		committeeReport: obj(d.committeeReport) as CaseView['events'][number]['committeeReport']
	};
}

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

/** What the caller of `caseView` has read already for the same report and organ (not read again). */
export interface CaseKnown {
	duty?: Awaited<ReturnType<typeof dutiesIn>>;
}

/** The case as staff member `staffId` may see it (`vis`: access.ts `visibleReport`). */
export async function caseView(db: Db, vis: Visible, staffId: string, known: CaseKnown = {}): Promise<CaseView> {
	const r = vis.report;
	const data = (r.caseData ?? {}) as CaseData;
	// Every read that needs only the report row goes out at once (issue 18: one round of statements, then one
	// for the names and who can see the report).
	const [
		organ,
		unit,
		files,
		messages,
		notes,
		events,
		deadlines,
		pendingRows,
		links,
		staff,
		grants,
		protection,
		duty,
		studies,
		flags
	] = await Promise.all([
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
			.orderBy(asc(attachment.fileNo)),
		db.select().from(reportMessage).where(eq(reportMessage.reportId, r.id)).orderBy(asc(reportMessage.seq)),
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
			.where(and(eq(reportKeyWrap.reportId, r.id), isNotNull(reportKeyWrap.grantedBy))),
		protectionRequestsOf(db, r.id),
		known.duty ?? dutiesIn(db, staffId, r.organId),
		studiesOf(db, r.id),
		// A report by region names the region, not the accused's unit: the flags would be a guess.
		data.byRegion === true
			? { mustReportUp: false, sameLevelCadre: false }
			: leaderFlags(db, r.organId, r.unitId, r.position as PositionKind)
	]);
	const pending = pendingRows[0] ?? null;
	const open = deadlines.filter((d) => d.metOn === null);
	const cs = caseStateOf(r, pending, open);
	// The organ's staff are named already; the names of anyone else (a former member, a grantee) in one read.
	const staffNames = new Map(staff.map((s) => [s.id, s.displayName]));
	const [other, seers] = await Promise.all([
		names(
			db,
			[
				r.handlerId,
				pending?.requestedBy ?? null,
				...notes.map((n) => n.authorId),
				...events.map((e) => e.actorId),
				...grants.flatMap((g) => [g.staffId, g.grantedBy]),
				...studies.flatMap((st) => [st.recordedBy, st.approvedBy, ...st.participants])
			].filter((id) => id === null || !staffNames.has(id))
		),
		seersAmong(
			db,
			r,
			staff.map((s) => s.id)
		)
	]);
	const who = new Map([...staffNames, ...other]);
	const person = (id: string | null) => (id ? { id, displayName: who.get(id) ?? '' } : null);
	const filesOf = (messageId: string | null) =>
		files.filter((f) => f.messageId === messageId).map((f) => ({ id: f.id, bytes: f.bytes }));
	const possible =
		vis.role && isWorkflowState(cs.state) ? allowedTransitions(cs, { actor: { id: staffId, role: vis.role } }) : [];
	// The organ's division of duties (departments/rules.ts): what the caller's duties do not allow is shown disabled.
	const studyPerson = (id: string) => ({ id, displayName: who.get(id) ?? '' });
	const investigators = new Set(events.filter((e) => e.fromState === 'investigation').map((e) => e.actorId));
	const blockedReason = (a: ActionCode): BlockedAction['reason'] | null =>
		!duty.enforced
			? null
			: !dutyAllows(duty.duties, a)
				? 'forbidden_duty'
				: REVIEW_ACTIONS.has(a) && investigators.has(staffId)
					? 'investigator_reviews'
					: null;
	const allowed = possible.filter((a) => blockedReason(a.action) === null);
	const blocked: BlockedAction[] = possible.flatMap((a) => {
		const reason = blockedReason(a.action);
		if (!reason) return [];
		const rule = ACTION_DUTIES[a.action];
		return [{ action: a.action, label: a.label, reason, by: [...rule.departments, ...rule.leaders] }];
	});
	// The code columns hold codes of the shared vocabularies (their CHECKs: src/lib/server/db/schema).
	return {
		report: {
			id: r.id,
			locator: r.locator,
			receivedOn: r.receivedOn,
			unit: unit[0] ?? null,
			position: r.position as PositionKind,
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
			wrapEntryId: b64(vis.entryId),
			transfer: vis.proofOrgan ? { proof: vis.proof ? b64(vis.proof) : null, fromOrgan: vis.proofOrgan } : null,
			files: filesOf(null),
			flags: cs.flags,
			referredTo: cs.referredTo,
			byRegion: data.byRegion === true,
			mustReportUp: flags.mustReportUp,
			sameLevelCadre: flags.sameLevelCadre
		},
		messages: messages.map((m) => ({
			id: m.id,
			seq: m.seq,
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
			outcome: (e.outcome as Outcome | null) ?? null,
			...recordedWith(e.details)
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
		protection,
		allowedActions: allowed.map((a) => ({
			action: a.action,
			label: a.label,
			to: a.to,
			requires: requiresOf(a.action, a.inputs, a.needsApproval),
			outcome: a.outcome
		})),
		blockedActions: blocked,
		studies: studies.map((st) => ({
			id: st.id,
			studiedOn: st.studiedOn,
			participants: st.participants.map(studyPerson),
			conclusion: st.conclusion as Disposition,
			minutes: b64(st.minutes),
			recordedBy: studyPerson(st.recordedBy),
			approvedBy: st.approvedBy ? studyPerson(st.approvedBy) : null,
			used: st.usedAt !== null
		})),
		duties: duty.duties.map((d) => ({ departmentKind: d.departmentKind, role: d.role })),
		dutiesEnforced: duty.enforced,
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

/** The audit entry of opening a case (`report.open`). */
export async function auditOpen(ctx: StaffCtx, vis: Visible): Promise<void> {
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
}

/**
 * GET /staff/api/reports/{id}: the view, audited as `report.open`; `not_found` unless the caller may see it.
 * The audit entry and the view's reads go out side by side (the entry is written whatever the view holds).
 */
export async function openCase(ctx: StaffCtx, reportId: string): Promise<Result<CaseView, 'not_found'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const [, view] = await Promise.all([auditOpen(ctx, vis), caseView(ctx.db, vis, ctx.user.id)]);
	return ok(view);
}
