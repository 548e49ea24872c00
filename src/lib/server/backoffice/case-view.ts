/**
 * The case view of the back office (docs/backoffice.md): one report as the caller may see it, with its
 * messages, notes, events, deadlines, pending request, links, the organ's handlers and the actions the
 * workflow allows the caller now. Opening it is audited. Callers of `caseView` have checked visibility
 * with access.ts (`visibleReport`).
 */
import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
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
import type { BlockedAction, CaseView, TransferTargets } from '$lib/shared/wire/staff';
import { ACTION_DUTIES, dutyAllows, REVIEW_ACTIONS } from '$lib/server/departments/rules';
import { dutiesIn } from '$lib/server/departments/store';
import { studiesOf } from '$lib/server/departments/study';
import { mustReportUp } from '$lib/server/org/report-up';
import { sameLevelCadre } from '$lib/server/departments/committee';
import { loadRoutingSnapshot } from '$lib/server/org/store';
import { visibleReport, type Visible } from './access';
import { caseStateOf, MOVE_ACTIONS, seersAmong, type CaseData } from './case-state';
import type { StaffCtx } from './context';
import { protectionRequestsOf } from './protection';

/**
 * mustReportUp (org/report-up.ts) on the directory slice around the unit (its ancestors and the organs
 * above them). An organ outside the slice is not the unit's own-level commission: false, as for a unit gone.
 */
async function reportUpFlag(db: Db, organId: string, unitId: string, position: PositionKind): Promise<boolean> {
	return mustReportUp(await loadRoutingSnapshot(db, unitId), organId, unitId, position);
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

/** The case as staff member `staffId` may see it (`vis`: access.ts `visibleReport`). */
export async function caseView(db: Db, vis: Visible, staffId: string): Promise<CaseView> {
	const r = vis.report;
	const [organ, unit, files, messages, notes, events, deadlines, pendingRows, links, staff, grants, protection] =
		await Promise.all([
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
			protectionRequestsOf(db, r.id)
		]);
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
	const filesOf = (messageId: string | null) =>
		files.filter((f) => f.messageId === messageId).map((f) => ({ id: f.id, bytes: f.bytes }));
	const seers = await seersAmong(
		db,
		r,
		staff.map((s) => s.id)
	);
	const possible =
		vis.role && isWorkflowState(cs.state) ? allowedTransitions(cs, { actor: { id: staffId, role: vis.role } }) : [];
	// The organ's division of duties (departments/rules.ts): what the caller's duties do not allow is shown disabled.
	const [duty, studies] = await Promise.all([dutiesIn(db, staffId, r.organId), studiesOf(db, r.id)]);
	const studyNames = await names(db, [...studies.flatMap((st) => [st.recordedBy, st.approvedBy, ...st.participants])]);
	const studyPerson = (id: string) => ({ id, displayName: studyNames.get(id) ?? '' });
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
	const data = (r.caseData ?? {}) as CaseData;
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
			// A report by region names the region, not the accused's unit: the flag would be a guess.
			mustReportUp: data.byRegion !== true && (await reportUpFlag(db, r.organId, r.unitId, r.position as PositionKind)),
			sameLevelCadre:
				data.byRegion !== true && (await sameLevelCadre(db, r.organId, r.unitId, r.position as PositionKind))
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

/** GET /staff/api/reports/{id}: the view, audited as `report.open`; `not_found` unless the caller may see it. */
export async function openCase(ctx: StaffCtx, reportId: string): Promise<Result<CaseView, 'not_found'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
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
	return ok(await caseView(ctx.db, vis, ctx.user.id));
}

/** The organs a report can be sent to from `organId`: its ancestors (nearest first) and its children. */
export async function transferTargets(db: Db, organId: string): Promise<TransferTargets> {
	const [self] = await db.select().from(disciplineOrgan).where(eq(disciplineOrgan.id, organId));
	if (!self) return { up: [], down: [] };
	const upIds = [...self.ancestorIds].reverse();
	const ups = upIds.length
		? await db
				.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
				.from(disciplineOrgan)
				.where(inArray(disciplineOrgan.id, upIds))
		: [];
	const byId = new Map(ups.map((o) => [o.id, o]));
	const down = await db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.parentOrganId, organId))
		.orderBy(disciplineOrgan.id);
	return { up: upIds.map((id) => byId.get(id)).filter((o): o is { id: string; name: string } => !!o), down };
}
