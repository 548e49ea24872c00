/**
 * Collective study (集体排查) and the leader's approval of the disposition it proposes (issue 18;
 * supervision.md "Departments and who decides"). POST …/studies records a study (date, participants,
 * the disposition it concluded on, minutes encrypted in the browser); POST …/studies/{sid}/approve is the
 * organ leader's (or main leader's) approval, never by the one who recorded it. With the rules in force
 * (./rules.ts) a disposition action needs an approved, unused study concluding on it (`studyFor`), which the
 * action then uses. Both steps are audited; the server never sees the minutes.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import { appendAudit } from '$lib/server/audit/log';
import { isDateString } from '$lib/server/calendar';
import type { Db } from '$lib/server/db';
import { caseStudy, organStaff, staffDuty } from '$lib/server/db/schema';
import { validate } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isContentCiphertext } from '$lib/server/reports/intake';
import { visibleReport } from '$lib/server/backoffice/access';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { raiseNotices, seersAmong, todayOf } from '$lib/server/backoffice/case-state';
import type { LeaderRole } from '$lib/shared/vocabulary/departments';
import type { Disposition } from '$lib/shared/vocabulary/workflow';
import { dutiesIn } from './store';

type StudyRefusal = 'not_found' | 'invalid_field' | 'bad_content' | 'forbidden_duty' | 'self_approval' | 'already_done';

/** POST /staff/api/reports/{id}/studies: a member of the supervision office records the study. */
export async function recordStudy(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<{ id: number }, StudyRefusal>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis || !vis.role) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.StudyBody, input);
	if (!parsed.ok) return parsed;
	const body = parsed.value;
	const r = vis.report;
	if (!isDateString(body.studiedOn) || body.studiedOn > todayOf(ctx.now))
		return refuse('invalid_field', { field: 'studiedOn' });
	if (!isContentCiphertext(body.minutes)) return refuse('bad_content', { field: 'minutes' });
	const participants = [...new Set(body.participants)];
	if (participants.length < 2) return refuse('invalid_field', { field: 'participants' });
	const members = await ctx.db
		.select({ staffId: organStaff.staffId })
		.from(organStaff)
		.where(and(eq(organStaff.organId, r.organId), inArray(organStaff.staffId, participants)));
	if (members.length !== participants.length) return refuse('invalid_field', { field: 'participants' });
	const duty = await dutiesIn(ctx.db, ctx.user.id, r.organId);
	if (duty.enforced && !duty.duties.some((d) => d.departmentKind === 'supervision')) return refuse('forbidden_duty');
	const id = await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const [row] = await tx
			.insert(caseStudy)
			.values({
				reportId: r.id,
				organId: r.organId,
				studiedOn: body.studiedOn,
				participants,
				conclusion: body.conclusion,
				minutes: body.minutes,
				recordedBy: ctx.user.id,
				recordedAt: ctx.now
			})
			.returning({ id: caseStudy.id });
		// The organ's leaders who see the case are told a proposal awaits their approval.
		await notifyLeaders(tx, r, ['organ_leader', 'main_leader'], ctx.user.id, todayOf(ctx.now), 'study');
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'workflow.study_record',
			reportId: r.id,
			organId: r.organId,
			details: { studyId: row!.id, conclusion: body.conclusion, participants: participants.length }
		});
		return row!.id;
	});
	return ok({ id }, { status: 201 });
}

/** POST /staff/api/reports/{id}/studies/{sid}/approve: the organ leader or main leader approves. */
export async function approveStudy(
	ctx: StaffCtx,
	reportId: string,
	studyId: string
): Promise<Result<{ id: number }, StudyRefusal>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis || !vis.role) return refuse('not_found');
	if (!/^\d{1,9}$/.test(studyId)) return refuse('not_found');
	const r = vis.report;
	const [study] = await ctx.db
		.select()
		.from(caseStudy)
		.where(and(eq(caseStudy.id, Number(studyId)), eq(caseStudy.reportId, r.id), eq(caseStudy.organId, r.organId)));
	if (!study) return refuse('not_found');
	const duty = await dutiesIn(ctx.db, ctx.user.id, r.organId);
	if (!duty.duties.some((d) => d.role === 'organ_leader' || d.role === 'main_leader')) return refuse('forbidden_duty');
	if (study.recordedBy === ctx.user.id) return refuse('self_approval');
	if (study.approvedBy !== null) return refuse('already_done');
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const done = await tx
			.update(caseStudy)
			.set({ approvedBy: ctx.user.id, approvedAt: ctx.now })
			.where(and(eq(caseStudy.id, study.id), isNull(caseStudy.approvedBy)))
			.returning({ id: caseStudy.id });
		if (done.length === 0) return;
		// A proposal to file a case, approved, goes to the main leader, who decides the filing.
		if (study.conclusion === 'to_investigation')
			await notifyLeaders(tx, r, ['main_leader'], ctx.user.id, todayOf(ctx.now), 'file_case');
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'workflow.study_approve',
			reportId: r.id,
			organId: r.organId,
			details: { studyId: study.id, conclusion: study.conclusion }
		});
	});
	return ok({ id: study.id });
}

/** Raises `approval_requested` for the staff of the organ holding `roles` (not `except`) who see the case. */
async function notifyLeaders(
	tx: Db,
	r: { id: string; organId: string; unitId: string },
	roles: LeaderRole[],
	except: string,
	today: string,
	action: string
): Promise<void> {
	const rows = await tx
		.selectDistinct({ staffId: staffDuty.staffId })
		.from(staffDuty)
		.where(and(eq(staffDuty.organId, r.organId), inArray(staffDuty.role, roles), ne(staffDuty.staffId, except)));
	const seers = await seersAmong(
		tx,
		r,
		rows.map((x) => x.staffId)
	);
	await raiseNotices(tx, [...seers], r.id, 'approval_requested', today, { action });
}

/** The approved, unused study of report `reportId` concluding on `disposition` (the newest), or null. */
export async function studyFor(db: Db, reportId: string, disposition: Disposition): Promise<number | null> {
	const [row] = await db
		.select({ id: caseStudy.id })
		.from(caseStudy)
		.where(
			and(
				eq(caseStudy.reportId, reportId),
				eq(caseStudy.conclusion, disposition),
				isNotNull(caseStudy.approvedBy),
				isNull(caseStudy.usedAt)
			)
		)
		.orderBy(desc(caseStudy.id))
		.limit(1);
	return row?.id ?? null;
}

/** The studies of a report for the case view (minutes stay ciphertext). */
export async function studiesOf(db: Db, reportId: string) {
	return db.select().from(caseStudy).where(eq(caseStudy.reportId, reportId)).orderBy(asc(caseStudy.id));
}
