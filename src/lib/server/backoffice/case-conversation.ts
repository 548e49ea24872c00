/**
 * The conversation around a case (docs/backoffice.md): replies to the reporter and internal notes (both
 * ciphertexts made in the browser), links between reports, the encrypted files, and the record of a print
 * or export. Each is audited in the same transaction.
 */
import { eq } from 'drizzle-orm';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import type { Db } from '$lib/server/db';
import { report, reportLink, reportMessage, reportNote } from '$lib/server/db/schema';
import { validate } from '$lib/server/http/body';
import { STAFF_BODIES } from '$lib/server/http/bodies';
import { Download, ok, refuse, type Result } from '$lib/server/http/result';
import { reportFile } from '$lib/server/reports/followup';
import { isNoteInSuite } from '$lib/server/keys/suite-wire';
import { isContentCiphertext } from '$lib/server/reports/intake';
import type { NoteAnswer, ReplyAnswer, ViewAnswer } from '$lib/shared/wire/staff';
import { visibleReport } from './access';
import { todayOf } from './case-state';
import { caseView } from './case-view';
import { meetProtectionRequests } from './protection';
import type { StaffCtx } from './context';

/** POST …/messages `{ body }`: a reply to the reporter (ciphertext of `{ text }` under the report key); with the case after it. */
export async function reply(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<ReplyAnswer, 'not_found' | 'invalid_field' | 'forbidden' | 'bad_content'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.CiphertextBody, input);
	if (!parsed.ok) return parsed;
	if (!vis.role) return refuse('forbidden');
	if (!isContentCiphertext(parsed.value.body)) return refuse('bad_content', { field: 'body' });
	const r = vis.report;
	const sentOn = todayOf(ctx.now);
	const out = await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const [row] = await tx
			.insert(reportMessage)
			.values({ reportId: r.id, author: 'staff', staffId: ctx.user.id, sentOn, body: parsed.value.body })
			.returning({ id: reportMessage.id, seq: reportMessage.seq });
		await meetProtectionRequests(tx, r.id, sentOn);
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'report.reply',
			reportId: r.id,
			organId: r.organId,
			details: { messageId: row!.id }
		});
		return row!;
	});
	return ok({ id: out.id, seq: out.seq, sentOn, view: await caseView(ctx.db, vis, ctx.user.id) });
}

/**
 * POST …/notes `{ body }`: an internal note (any member who can see the report, grantees included), answered
 * with the case after it (the page shows the new note from this one answer).
 */
export async function addNote(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<NoteAnswer, 'not_found' | 'invalid_field' | 'bad_content'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.CiphertextBody, input);
	if (!parsed.ok) return parsed;
	// A note of format N (issue 16: bound to report, author and kind) or, from a page of before, format C; of the
	// deployment's suite only (issue 21).
	if (!isContentCiphertext(parsed.value.body) && !isNoteInSuite(parsed.value.body))
		return refuse('bad_content', { field: 'body' });
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
	return ok({ id: out.id, at: out.at.toISOString(), view: await caseView(ctx.db, vis, ctx.user.id) });
}

/** POST …/links `{ other: locator, kind }`: both reports must be visible to the caller; with the case after it. */
export async function addLink(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<ViewAnswer, 'not_found' | 'invalid_field' | 'forbidden' | 'bad_link'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.LinkBody, input);
	if (!parsed.ok) return parsed;
	if (!vis.role) return refuse('forbidden');
	const r = vis.report;
	const [o] = await ctx.db
		.select({ id: report.id })
		.from(report)
		.where(eq(report.locator, parsed.value.other.toUpperCase()));
	const other = o && o.id !== r.id ? await visibleReport(ctx.db, ctx.user.id, o.id) : null;
	if (!other) return refuse('bad_link', { field: 'other' });
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
	return ok({ ok: true as const, view: await caseView(ctx.db, vis, ctx.user.id) });
}

/** GET …/files/{fileId}: the encrypted stream, audited as `report.file`. */
export async function openFile(
	ctx: StaffCtx,
	reportId: string,
	fileId: string
): Promise<Result<Download, 'not_found'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const file = await reportFile(ctx.db, vis.report.id, fileId);
	if (!file) return refuse('not_found');
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
	return ok(new Download(file.stream, { bytes: file.bytes }));
}

/** POST …/export: records a print or an export of the case. */
export async function recordExport(
	ctx: StaffCtx,
	reportId: string,
	input: unknown
): Promise<Result<null, 'not_found' | 'invalid_field'>> {
	const vis = await visibleReport(ctx.db, ctx.user.id, reportId);
	if (!vis) return refuse('not_found');
	const parsed = validate(STAFF_BODIES.ExportBody, input ?? {});
	if (!parsed.ok) return parsed;
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
	return ok(null);
}
