/**
 * Workflow actions on a case (docs/backoffice.md, docs/workflow.md): the pure state machine
 * (src/lib/server/workflow) decides; this module persists the result with its deadlines, events, pending
 * approvals and transfers (the report key re-sealed for the receiving organ), raises the notices and
 * appends the audit entry, all in one transaction. Refusals are typed (`ActionRefusal`); the HTTP edge
 * (src/lib/server/http/staff.ts) answers them.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { appendAudit } from '$lib/server/audit/log';
import type { Json } from '$lib/server/audit/chain';
import type { Db } from '$lib/server/db';
import {
	caseStudy,
	disciplineOrgan,
	report,
	reportDeadline,
	reportEvent,
	reportKeyWrap,
	reportPending
} from '$lib/server/db/schema';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { validate } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isContentCiphertext } from '$lib/server/reports/intake';
import { computeRecipients } from '$lib/server/reports/recipients';
import {
	ACTION_CODES,
	applyTransition,
	hasSanction,
	isOutcome,
	type ActionCode,
	type RefusalReason
} from '$lib/server/workflow';
import { isDateString } from '$lib/server/calendar';
import { outcomeCode } from '$lib/shared/vocabulary/workflow';
import type { ActionAnswer } from '$lib/shared/wire/staff';
import { Kind } from '$lib/crypto/format';
import { deploymentWire } from '$lib/server/keys/suite-wire';
import { dutyRefusal } from '$lib/server/departments/check';
import { dutiesIn } from '$lib/server/departments/store';
import { notifyApprovers } from '$lib/server/departments/approvers';
import { studyFor } from '$lib/server/departments/study';
import { sameLevelCadre } from '$lib/server/departments/committee';
import type { PositionKind } from '$lib/shared/vocabulary/report';
import { visibleReport } from './access';
import {
	caseStateOf,
	DISPOSITION_OF,
	hexOf,
	isSealed,
	loadCalendar,
	MOVE_ACTIONS,
	raiseNotices,
	todayOf,
	type CaseData
} from './case-state';
import { caseView } from './case-view';
import type { StaffCtx } from './context';

/**
 * Why an action is refused: the report is not the caller's to see (`not_found`), a malformed body
 * (`invalid_field`, `bad_content`), the workflow's reasons (403 for the role, 409 for the case, 400 for the
 * inputs: src/lib/server/http/messages.ts), or a transfer whose receiving organ or sealed keys do not fit.
 */
export type ActionRefusal =
	| 'not_found'
	| 'invalid_field'
	| 'bad_content'
	| RefusalReason
	| 'bad_target_organ'
	| 'needs_wraps'
	| 'bad_wraps'
	| 'wraps_stale';

/** The case after the action, or the note that it left the caller's sight; or why not. */
export type ActionResult = Result<ActionAnswer, ActionRefusal>;

/** A transfer proof of the deployment's suite (its content only the receiving browser can check). */
const isTransferProof = (b: Uint8Array | undefined): b is Uint8Array => {
	const wire = deploymentWire();
	return (
		b !== undefined && b.length === wire.transferProofLength && b[0] === wire.version && b[1] === Kind.transferProof
	);
};

/** Checks transfer wraps against the target organ's current recipients; the valid ones by staff, or an error. */
async function checkWraps(
	db: Db,
	target: string,
	unitId: string,
	wraps: { entryId: Uint8Array; sealed: Uint8Array; proof?: Uint8Array }[],
	now: Date
): Promise<
	| {
			ok: true;
			wraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array; proof: Uint8Array }[];
			dropped: number;
	  }
	| { ok: false }
> {
	const recipients = await computeRecipients(db, target, unitId, now);
	const byEntry = new Map<string, string>();
	for (const r of recipients.values()) for (const e of r.entries.keys()) byEntry.set(e, r.staffId);
	const out: { staffId: string; entryId: Uint8Array; sealed: Uint8Array; proof: Uint8Array }[] = [];
	const seen = new Set<string>();
	let dropped = 0;
	for (const w of wraps) {
		const staffId = byEntry.get(hexOf(w.entryId));
		// A transfer's wrap carries its sender's proof (format T, issue 16): the receiving browser checks it.
		if (!staffId || seen.has(staffId) || !isSealed(w.sealed) || !isTransferProof(w.proof)) {
			dropped++;
			continue;
		}
		seen.add(staffId);
		out.push({ staffId, entryId: w.entryId, sealed: w.sealed, proof: w.proof! });
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

/** POST /staff/api/reports/{id}/actions. */
export async function applyAction(ctx: StaffCtx, reportId: string, input: unknown): Promise<ActionResult> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.ActionBody, input);
	if (!parsed.ok) return parsed;
	const body = parsed.value;
	if (!vis.role) return refuse('forbidden_role');
	if (body.note && !isContentCiphertext(body.note)) return refuse('bad_content', { field: 'note' });
	const db = ctx.db;
	const r = vis.report;
	const [pendingRows, openRows, calendar, duty] = await Promise.all([
		db.select().from(reportPending).where(eq(reportPending.reportId, r.id)),
		db
			.select()
			.from(reportDeadline)
			.where(and(eq(reportDeadline.reportId, r.id), isNull(reportDeadline.metOn))),
		loadCalendar(db),
		dutiesIn(db, ctx.user.id, r.organId)
	]);
	// The organ's division of duties (departments/rules.ts), once it has assigned any: checked first, so a
	// member outside the department is refused whatever the state of the case.
	if (duty.enforced && (ACTION_CODES as readonly string[]).includes(body.action)) {
		const refusal = await dutyRefusal(db, ctx.user.id, r.id, body.action as ActionCode, duty.duties);
		if (refusal) return refuse(refusal);
	}
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
	if (!result.ok) return refuse(result.reason);
	// A sanction is a decision: with the rules in force, concluding with one records who decided, when, under
	// which document number.
	const decision = body.decision ?? null;
	if (duty.enforced && body.action === 'conclude' && isOutcome(body.outcome) && hasSanction(body.outcome)) {
		if (!decision || !isDateString(decision.on)) return refuse('needs_decision', { field: 'decision' });
	}
	// A disposition follows a collective study approved by the organ's leader (departments/study.ts).
	const studyDisposition = duty.enforced ? (DISPOSITION_OF[action as ActionCode] ?? null) : null;
	const studyId = studyDisposition ? await studyFor(db, r.id, studyDisposition) : null;
	if (studyDisposition && studyId === null) return refuse('needs_study');
	// Filing a case against a cadre of the same-level committee is reported to the committee's main leader
	// (报同级党委主要负责人): with the rules in force, the date and to whom are recorded with the filing.
	const committeeReport = action === 'file_case' ? (body.committeeReport ?? null) : null;
	if (
		duty.enforced &&
		action === 'file_case' &&
		!((r.caseData ?? {}) as CaseData).byRegion &&
		(await sameLevelCadre(db, r.organId, r.unitId, r.position as PositionKind)) &&
		(!committeeReport || !isDateString(committeeReport.on) || committeeReport.on > today)
	)
		return refuse('needs_committee_report', { field: 'committeeReport' });

	// Transfers up/down: the target must be the higher/lower organ and the key sealed to its recipients.
	let requestWraps: { entryId: string; sealed: string; proof: string }[] | null = null;
	if (isMoveRequest) {
		if (!(await targetFits(db, r.organId, target as string, action === 'request_report_up' ? 'up' : 'down')))
			return refuse('bad_target_organ', { field: 'targetOrgan' });
		if (!body.wraps || body.wraps.length === 0) return refuse('needs_wraps', { field: 'wraps' });
		const checked = await checkWraps(db, target as string, r.unitId, body.wraps, ctx.now);
		if (!checked.ok || checked.dropped > 0 || checked.wraps.length === 0)
			return refuse('bad_wraps', { field: 'wraps' });
		requestWraps = checked.wraps.map((w) => ({ entryId: b64(w.entryId), sealed: b64(w.sealed), proof: b64(w.proof) }));
	}
	let moveWraps: { staffId: string; entryId: Uint8Array; sealed: Uint8Array; proof: Uint8Array }[] | null = null;
	const movesOrgan = result.next.organId !== r.organId;
	if (movesOrgan) {
		const stored = (pending?.wraps ?? []).map((w) => ({
			entryId: new Uint8Array(Buffer.from(w.entryId, 'base64')),
			sealed: new Uint8Array(Buffer.from(w.sealed, 'base64')),
			proof: w.proof ? new Uint8Array(Buffer.from(w.proof, 'base64')) : undefined
		}));
		const checked = await checkWraps(db, result.next.organId, r.unitId, stored, ctx.now);
		if (!checked.ok || checked.wraps.length === 0) return refuse('wraps_stale');
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
		outcome: next.outcome,
		...(((r.caseData ?? {}) as CaseData).byRegion ? { byRegion: true } : {})
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
		if (studyId !== null) await tx.update(caseStudy).set({ usedAt: ctx.now }).where(eq(caseStudy.id, studyId));
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
					.values({
						reportId: r.id,
						staffId: w.staffId,
						entryId: w.entryId,
						sealed: w.sealed,
						grantedBy: null,
						proof: w.proof,
						proofOrgan: r.organId
					})
					.onConflictDoUpdate({
						target: [reportKeyWrap.reportId, reportKeyWrap.staffId],
						set: { entryId: w.entryId, sealed: w.sealed, grantedBy: null, proof: w.proof, proofOrgan: r.organId }
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
				ended: result.deadlinesEnded.map((d) => d.code),
				...(decision && ev.action === 'conclude' ? { decision } : {}),
				...(committeeReport ? { committeeReport } : {}),
				...(studyId !== null ? { study: studyId } : {})
			}
		});
		// The staff who may approve the request are told (by the organ's duty rules when in force, else its heads).
		if (next.pending && !cs.pending) await notifyApprovers(tx, r, ctx.user.id, today, ev.action);
		const details: Record<string, Json> = {
			from: ev.from,
			to: ev.to,
			noteId: ev.noteId,
			target: ev.target,
			outcome: outcomeCode(ev.outcome),
			started: result.deadlinesStarted.map((d) => `${d.code}:${d.due}`)
		};
		if (decision && ev.action === 'conclude') details.decision = decision;
		if (committeeReport) details.committeeReport = committeeReport;
		if (studyId !== null) details.study = studyId;
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
	if (!after) return ok({ report: { id: r.id, state: next.state, organ: { id: next.organId } }, visible: false });
	// The caller's duties in the organ were read above: not again while the case stays in it.
	return ok(await caseView(db, after, ctx.user.id, after.report.organId === r.organId ? { duty } : {}));
}
