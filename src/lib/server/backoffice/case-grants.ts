/**
 * Who handles a case and who else may read it (docs/backoffice.md): assignment to a handler of the holding
 * organ, grants (the report key re-sealed in the granter's browser for a colleague, checked against the
 * signed key directory and the colleague's conflicts) and their revocation. Each is audited.
 */
import { and, eq, isNotNull } from 'drizzle-orm';
import { appendAudit } from '$lib/server/audit/log';
import type { Db } from '$lib/server/db';
import { directoryEntry, report, reportKeyWrap, staffConflict } from '$lib/server/db/schema';
import { validate } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { validEntriesForOrgans } from '$lib/server/keys/directory';
import { isUuid } from '$lib/shared/encoding';
import type { CaseView, ViewAnswer } from '$lib/shared/wire/staff';
import { visibleReport, type Visible } from './access';
import { hexOf, isSealed, raiseNotices, todayOf } from './case-state';
import { caseView } from './case-view';
import type { StaffCtx } from './context';

/** POST …/assign `{ staffId | null }`. */
export async function assign(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<CaseView, 'not_found' | 'invalid_field' | 'forbidden' | 'bad_staff'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.AssignBody, input);
	if (!parsed.ok) return parsed;
	if (!vis.role) return refuse('forbidden');
	const staffId = parsed.value.staffId?.toLowerCase() ?? null;
	if (staffId) {
		const theirs = await visibleReport(ctx.db, staffId, reportId);
		if (!theirs || !theirs.role) return refuse('bad_staff', { field: 'staffId' });
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
	return ok(await caseView(ctx.db, after as Visible, ctx.user.id));
}

/** POST …/grants `{ staffId, entryId, sealed }`: the key re-sealed in the caller's browser for a colleague; with the case after it. */
export async function grant(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<ViewAnswer, 'not_found' | 'invalid_field' | 'forbidden' | 'already_granted' | 'bad_grant'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.GrantBody, input);
	if (!parsed.ok) return parsed;
	if (!vis.role) return refuse('forbidden');
	const { entryId, sealed } = parsed.value;
	const staffId = parsed.value.staffId.toLowerCase();
	if (!isSealed(sealed)) return refuse('invalid_field', { field: 'sealed' });
	const r = vis.report;
	const [existing] = await ctx.db
		.select({ staffId: reportKeyWrap.staffId })
		.from(reportKeyWrap)
		.where(and(eq(reportKeyWrap.reportId, r.id), eq(reportKeyWrap.staffId, staffId)));
	if (existing) return refuse('already_granted', { field: 'staffId' });
	const [entry] = await ctx.db
		.select({ organId: directoryEntry.organId, staffId: directoryEntry.staffId })
		.from(directoryEntry)
		.where(eq(directoryEntry.entryId, entryId));
	if (!entry || entry.staffId !== staffId) return refuse('bad_grant', { field: 'entryId' });
	const valid = await validEntriesForOrgans(ctx.db, [entry.organId], ctx.now);
	if (!valid.some((e) => e.staffId === staffId && Buffer.from(e.entryId).equals(Buffer.from(entryId))))
		return refuse('bad_grant', { field: 'entryId' });
	const [conflict] = await ctx.db
		.select({ id: staffConflict.id })
		.from(staffConflict)
		.where(and(eq(staffConflict.staffId, staffId), eq(staffConflict.unitId, r.unitId)));
	if (conflict) return refuse('bad_grant', { field: 'staffId' });
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
	return ok({ ok: true as const, view: await caseView(ctx.db, vis, ctx.user.id) });
}

/** DELETE …/grants/{staffId}: removes a granted wrap (head, or whoever granted it). */
export async function revoke(
	ctx: StaffCtx,
	reportId: string,
	staffIdRaw: string
): Promise<Result<null, 'not_found' | 'forbidden'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	if (!vis.role) return refuse('forbidden');
	if (!isUuid(staffIdRaw)) return refuse('not_found');
	const r = vis.report;
	const [w] = await ctx.db
		.select({ grantedBy: reportKeyWrap.grantedBy })
		.from(reportKeyWrap)
		.where(
			and(eq(reportKeyWrap.reportId, r.id), eq(reportKeyWrap.staffId, staffIdRaw), isNotNull(reportKeyWrap.grantedBy))
		);
	if (!w) return refuse('not_found');
	if (vis.role !== 'head' && w.grantedBy !== ctx.user.id) return refuse('forbidden');
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
	return ok(null);
}
