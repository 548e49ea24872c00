/**
 * Hand-down and follow-up (交办、督办, 监察法实施条例 Art. 169; issue 17, docs/backoffice.md "Hand-down and
 * follow-up"). A member of a higher organ hands one of its leads to a lower organ of its jurisdiction with a
 * deadline for the result report; the content travels re-sealed in the browser (docs/crypto.md "Hand-down");
 * a member of the lower organ takes it into the lower organ's register (a new lead, source `higher_organ`),
 * then reports the result (outcome + a result text the higher organ can open), which closes the follow-up.
 * The higher organ sees the state and outcome codes of the lower organ's lead, never its content. Every step
 * is audited on both sides (an entry under each organ), in the same transaction as the change.
 * Reading (the list, the overdue notices): ./handdown-read.ts.
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { disciplineOrgan, lead, leadEvent, leadHanddown, leadHanddownWrap, leadPerson } from '$lib/server/db/schema';
import { appendAudit } from '$lib/server/audit/log';
import type { Json } from '$lib/server/audit/chain';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { todayOf } from '$lib/server/backoffice/case-state';
import { validate } from '$lib/server/http/body';
import { nodeBase64 } from '$lib/server/http/base64';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { validEntriesForOrgans } from '$lib/server/keys/directory';
import { isSealedKeyInSuite, isWrappedKeyInSuite } from '$lib/server/keys/suite-wire';
import { isUuid } from '$lib/shared/encoding';
import { handdownBodies } from '$lib/shared/wire/leads-handdown';
import { currentVersion, holdsVersion, isLeadMember, rotationDue } from './organ-key';
import { checkNewLead, event, insertLead, isContentCiphertext, memberLead, type CreateRefusal } from './register';
import { handdownMembers, raiseHanddownNotice } from './handdown-read';

export const STAFF_BODIES_HANDDOWN = handdownBodies(nodeBase64.decode);

type Handdown = typeof leadHanddown.$inferSelect;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** One audit entry under each organ (the higher and the lower), for the same step. */
async function auditBoth(
	tx: Db,
	ctx: StaffCtx,
	h: { id: string; fromOrganId: string; toOrganId: string },
	action: string,
	details: Record<string, Json>
) {
	for (const [organId, side] of [
		[h.fromOrganId, 'higher'],
		[h.toOrganId, 'lower']
	] as const)
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: `lead.${action}`,
			reportId: null,
			organId,
			details: { handdown: h.id, side, from: h.fromOrganId, to: h.toOrganId, ...details }
		});
}

/** True if `lower` is in the jurisdiction of `higher` (below it in the organ tree). */
export async function isLowerOrgan(db: Db, higher: string, lower: string): Promise<boolean> {
	const [row] = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(and(eq(disciplineOrgan.id, lower), sql`${higher} = any(${disciplineOrgan.ancestorIds})`));
	return !!row;
}

type HanddownRefusal =
	| 'not_found'
	| 'invalid_field'
	| 'forbidden'
	| 'wraps_stale'
	| 'bad_content'
	| 'recipients_changed'
	| 'unknown_organ'
	| 'not_from_this_state';

/**
 * POST …/leads/{id}/handdown: the lead handed to a lower organ. The hand-down key must be sealed to exactly
 * the lower organ's current members (valid directory entries), wrapped under the caller's current organ-key
 * version; without a copy the lead's persons are dropped and its details replaced by `redactedDetails`.
 * Audited `lead.hand_down` under both organs; the lower organ's members get a `handdown_in` notice.
 */
export async function handDown(
	ctx: StaffCtx,
	leadId: string,
	input: unknown
): Promise<Result<{ id: string }, HanddownRefusal>> {
	const l = await memberLead(ctx, leadId);
	if (!l) return refuse('not_found');
	const parsed = validate(STAFF_BODIES_HANDDOWN.HanddownBody, input);
	if (!parsed.ok) return parsed;
	const b = parsed.value;
	if (l.state === 'merged') return refuse('not_from_this_state', { field: 'lead' });
	if (!(await isLowerOrgan(ctx.db, l.organId, b.toOrganId))) return refuse('unknown_organ', { field: 'toOrganId' });
	if (b.deadline <= todayOf(ctx.now)) return refuse('invalid_field', { field: 'deadline' });
	const current = await currentVersion(ctx.db, l.organId);
	if (current === null || b.keyVersion !== current || (await rotationDue(ctx.db, l.organId, current, ctx.now)))
		return refuse('wraps_stale', { field: 'keyVersion', extra: { current } });
	if (!(await holdsVersion(ctx.db, ctx.user.id, l.organId, current))) return refuse('forbidden');
	if (!isContentCiphertext(b.package)) return refuse('bad_content', { field: 'package' });
	// The hand-down key's wraps, of the deployment's suite only (issue 21).
	if (!isWrappedKeyInSuite(b.fromWrap)) return refuse('bad_content', { field: 'fromWrap' });
	if (!b.wraps.every((w) => isSealedKeyInSuite(w.sealed))) return refuse('bad_content', { field: 'wraps' });
	if (!b.keepCopy && !(b.redactedDetails && isContentCiphertext(b.redactedDetails)))
		return refuse('bad_content', { field: 'redactedDetails' });
	const [open] = await ctx.db
		.select({ id: leadHanddown.id })
		.from(leadHanddown)
		.where(and(eq(leadHanddown.leadId, l.id), ne(leadHanddown.state, 'reported')));
	if (open) return refuse('not_from_this_state', { field: 'lead' });
	const [taken] = await ctx.db.select({ id: leadHanddown.id }).from(leadHanddown).where(eq(leadHanddown.id, b.id));
	if (taken) return refuse('invalid_field', { field: 'id' });
	if (!b.keepCopy) {
		const [mergedIn] = await ctx.db.select({ id: lead.id }).from(lead).where(eq(lead.mergedInto, l.id)).limit(1);
		if (mergedIn) return refuse('not_from_this_state', { field: 'keepCopy' });
	}
	// Exactly the lower organ's current members, one wrap each, to their valid entries.
	const entries = await validEntriesForOrgans(ctx.db, [b.toOrganId], ctx.now);
	const entryOf = new Map(entries.map((e) => [hex(e.entryId), e]));
	const members = new Set(entries.map((e) => e.staffId));
	const seen = new Set<string>();
	for (const w of b.wraps) {
		const e = entryOf.get(hex(w.entryId));
		if (!e || e.staffId !== w.staffId || seen.has(w.staffId)) return refuse('recipients_changed', { field: 'wraps' });
		seen.add(w.staffId);
	}
	if (seen.size !== members.size) return refuse('recipients_changed', { field: 'wraps' });
	const h = { id: b.id, fromOrganId: l.organId, toOrganId: b.toOrganId };
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.insert(leadHanddown).values({
			id: b.id,
			leadId: l.id,
			fromOrganId: l.organId,
			toOrganId: b.toOrganId,
			deadline: b.deadline,
			fromKeyVersion: current,
			fromWrap: b.fromWrap,
			package: b.package,
			keptCopy: b.keepCopy,
			createdBy: ctx.user.id,
			createdAt: ctx.now
		});
		await tx
			.insert(leadHanddownWrap)
			.values(b.wraps.map((w) => ({ handdownId: b.id, staffId: w.staffId, entryId: w.entryId, sealed: w.sealed })));
		if (!b.keepCopy) {
			await tx.delete(leadPerson).where(eq(leadPerson.leadId, l.id));
			await tx
				.update(lead)
				.set({ details: b.redactedDetails!, keyVersion: current, updatedAt: ctx.now })
				.where(eq(lead.id, l.id));
		} else await tx.update(lead).set({ updatedAt: ctx.now }).where(eq(lead.id, l.id));
		await event(tx, ctx, l, 'hand_down', {
			handdown: b.id,
			to: b.toOrganId,
			deadline: b.deadline,
			keptCopy: b.keepCopy
		});
		await auditBoth(tx, ctx, h, 'handed_in', { deadline: b.deadline });
		await raiseHanddownNotice(tx, [...members], 'handdown_in', ctx.now, { handdown: b.id, organ: b.toOrganId });
	});
	return ok({ id: b.id }, { status: 201 });
}

/** The hand-down if the caller is a member of its lower organ, else null. */
async function lowerSide(ctx: StaffCtx, handdownId: unknown): Promise<Handdown | null> {
	if (!isUuid(handdownId)) return null;
	const [h] = await ctx.db.select().from(leadHanddown).where(eq(leadHanddown.id, handdownId));
	if (!h) return null;
	return (await isLeadMember(ctx.db, ctx.user.id, h.toOrganId)) ? h : null;
}

/**
 * POST …/leads/handdowns/{id}/accept {lead}: the lower organ's new lead (its ciphertexts made in the
 * browser under the lower organ's key, source `higher_organ`, no report links: the reports stay with the
 * higher organ). The package and the wraps are dropped. Audited `lead.create` on the new lead and
 * `lead.handdown_accept` under both organs.
 */
export async function acceptHanddown(
	ctx: StaffCtx,
	handdownId: string,
	input: unknown
): Promise<Result<{ id: string }, CreateRefusal | 'not_from_this_state'>> {
	const h = await lowerSide(ctx, handdownId);
	if (!h) return refuse('not_found');
	const parsed = validate(STAFF_BODIES_HANDDOWN.AcceptBody, input);
	if (!parsed.ok) return parsed;
	const l = parsed.value.lead;
	if (h.state !== 'pending') return refuse('not_from_this_state', { field: 'handdown' });
	if (l.organId !== h.toOrganId) return refuse('invalid_field', { field: 'lead.organId' });
	if (l.source !== 'higher_organ') return refuse('invalid_field', { field: 'lead.source' });
	if (l.reports.length) return refuse('bad_link', { field: 'lead.reports' });
	const checked = await checkNewLead(ctx, l);
	if (!checked.ok) return checked;
	return ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		// Locked, so two members accepting at once make one lead.
		const [locked] = await tx
			.select({ state: leadHanddown.state })
			.from(leadHanddown)
			.where(eq(leadHanddown.id, h.id))
			.for('update');
		if (locked?.state !== 'pending') return refuse('not_from_this_state', { field: 'handdown' });
		await insertLead(tx, ctx, l);
		await tx
			.update(leadHanddown)
			.set({ state: 'accepted', toLeadId: l.id, package: null, acceptedBy: ctx.user.id, acceptedAt: ctx.now })
			.where(eq(leadHanddown.id, h.id));
		await tx.delete(leadHanddownWrap).where(eq(leadHanddownWrap.handdownId, h.id));
		await event(tx, ctx, l, 'create', { source: l.source, persons: l.persons.length, reports: [], handdown: h.id });
		await tx.insert(leadEvent).values({
			leadId: h.leadId,
			at: ctx.now,
			actor: ctx.user.id,
			kind: 'handdown_accept',
			details: { handdown: h.id }
		});
		await auditBoth(tx, ctx, h, 'handdown_accept', { lead: l.id });
		return ok({ id: l.id }, { status: 201 });
	});
}

/**
 * POST …/leads/handdowns/{id}/result {outcome, result}: the lower organ's result report; closes the
 * follow-up. Audited `lead.handdown_result` under both organs; the higher organ's members get a
 * `handdown_result` notice.
 */
export async function reportHanddownResult(
	ctx: StaffCtx,
	handdownId: string,
	input: unknown
): Promise<Result<{ ok: true }, 'not_found' | 'invalid_field' | 'bad_content' | 'not_from_this_state'>> {
	const h = await lowerSide(ctx, handdownId);
	if (!h) return refuse('not_found');
	const parsed = validate(STAFF_BODIES_HANDDOWN.ResultBody, input);
	if (!parsed.ok) return parsed;
	if (h.state !== 'accepted' || !h.toLeadId) return refuse('not_from_this_state', { field: 'handdown' });
	if (!isContentCiphertext(parsed.value.result)) return refuse('bad_content', { field: 'result' });
	const { outcome, result } = parsed.value;
	return ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const moved = await tx
			.update(leadHanddown)
			.set({
				state: 'reported',
				resultOutcome: outcome,
				resultSealed: result,
				reportedBy: ctx.user.id,
				reportedAt: ctx.now
			})
			.where(and(eq(leadHanddown.id, h.id), eq(leadHanddown.state, 'accepted')))
			.returning({ id: leadHanddown.id });
		if (!moved.length) return refuse('not_from_this_state', { field: 'handdown' });
		await tx.update(lead).set({ updatedAt: ctx.now }).where(eq(lead.id, h.leadId));
		for (const [leadId, kind] of [
			[h.leadId, 'handdown_result'],
			[h.toLeadId!, 'result_reported']
		] as const)
			await tx
				.insert(leadEvent)
				.values({ leadId, at: ctx.now, actor: ctx.user.id, kind, details: { handdown: h.id, outcome } });
		await auditBoth(tx, ctx, h, 'handdown_result', {
			outcome,
			lead: h.toLeadId,
			onTime: todayOf(ctx.now) <= h.deadline
		});
		const higher = await handdownMembers(tx, h.fromOrganId);
		await raiseHanddownNotice(tx, higher, 'handdown_result', ctx.now, {
			handdown: h.id,
			lead: h.leadId,
			organ: h.fromOrganId
		});
		return ok({ ok: true } as const);
	});
}
