/**
 * Documents attached to a lead (issue 17; docs/backoffice.md "Lead documents"): a member of the lead's
 * organ uploads an attachment stream (format A) encrypted in the browser under the lead's document key
 * (docs/crypto.md "Lead documents"); members list and fetch them. The server checks the framing only; the
 * stream's file id is the document's id. Audited `lead.document_add` and `lead.document_open`.
 */
import { and, asc, eq } from 'drizzle-orm';
import { ATTACHMENT_HEADER_LENGTH } from '$lib/crypto/attachment-format';
import { Kind } from '$lib/crypto/format';
import { framedInSuite } from '$lib/server/keys/suite-wire';
import type { Db } from '$lib/server/db';
import { lead, leadDocument } from '$lib/server/db/schema';
import { appendAudit } from '$lib/server/audit/log';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { validate } from '$lib/server/http/body';
import { nodeBase64 } from '$lib/server/http/base64';
import { Download, ok, refuse, type Result } from '$lib/server/http/result';
import { isUuid } from '$lib/shared/encoding';
import { documentBodies, type LeadDocumentRef } from '$lib/shared/wire/leads-documents';
import { currentVersion, holdsVersion, rotationDue } from './organ-key';
import { event, memberLead } from './register';

const BODIES = documentBodies(nodeBase64.decode);

/** The uuid spelled by a stream's 16-byte file id; null unless it is an attachment of the deployment's suite. */
function fileIdOf(stream: Uint8Array): string | null {
	if (stream.length <= ATTACHMENT_HEADER_LENGTH || !framedInSuite(stream, Kind.attachment)) return null;
	const h = Buffer.from(stream.subarray(2, ATTACHMENT_HEADER_LENGTH)).toString('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The documents of a lead (for its page). */
export async function documentsOf(db: Db, leadId: string): Promise<LeadDocumentRef[]> {
	const rows = await db
		.select({
			id: leadDocument.id,
			keyVersion: leadDocument.keyVersion,
			bytes: leadDocument.bytes,
			createdAt: leadDocument.createdAt
		})
		.from(leadDocument)
		.where(eq(leadDocument.leadId, leadId))
		.orderBy(asc(leadDocument.createdAt), asc(leadDocument.id));
	return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** POST …/leads/{id}/documents {keyVersion, stream}: under the organ's current key version. */
export async function addLeadDocument(
	ctx: StaffCtx,
	leadId: string,
	input: unknown
): Promise<
	Result<
		{ id: string },
		'not_found' | 'invalid_field' | 'bad_content' | 'wraps_stale' | 'forbidden' | 'not_from_this_state'
	>
> {
	const l = await memberLead(ctx, leadId);
	if (!l) return refuse('not_found');
	const parsed = validate(BODIES.DocumentBody, input);
	if (!parsed.ok) return parsed;
	const { keyVersion, stream } = parsed.value;
	if (l.state === 'merged') return refuse('not_from_this_state', { field: 'lead' });
	const id = fileIdOf(stream);
	if (!id) return refuse('bad_content', { field: 'stream' });
	const current = await currentVersion(ctx.db, l.organId);
	if (current === null || keyVersion !== current || (await rotationDue(ctx.db, l.organId, current, ctx.now)))
		return refuse('wraps_stale', { field: 'keyVersion', extra: { current } });
	if (!(await holdsVersion(ctx.db, ctx.user.id, l.organId, current))) return refuse('forbidden');
	const [taken] = await ctx.db.select({ id: leadDocument.id }).from(leadDocument).where(eq(leadDocument.id, id));
	if (taken) return refuse('invalid_field', { field: 'stream' });
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.insert(leadDocument).values({
			id,
			leadId: l.id,
			organId: l.organId,
			keyVersion,
			bytes: stream.length,
			stream,
			createdBy: ctx.user.id,
			createdAt: ctx.now
		});
		await tx.update(lead).set({ updatedAt: ctx.now }).where(eq(lead.id, l.id));
		await event(tx, ctx, l, 'document_add', { document: id, bytes: stream.length });
	});
	return ok({ id }, { status: 201 });
}

/** GET …/leads/{id}/documents/{docId}: the encrypted stream. */
export async function openLeadDocument(
	ctx: StaffCtx,
	leadId: string,
	documentId: string
): Promise<Result<Download, 'not_found'>> {
	const l = await memberLead(ctx, leadId);
	if (!l || !isUuid(documentId)) return refuse('not_found');
	const [d] = await ctx.db
		.select({ stream: leadDocument.stream })
		.from(leadDocument)
		.where(and(eq(leadDocument.id, documentId), eq(leadDocument.leadId, l.id)));
	if (!d) return refuse('not_found');
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Db, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.document_open',
			reportId: null,
			organId: l.organId,
			details: { lead: l.id, document: documentId }
		})
	);
	const bytes = new Uint8Array(d.stream);
	async function* once() {
		yield bytes;
	}
	return ok(new Download(once(), { bytes: bytes.length }));
}
