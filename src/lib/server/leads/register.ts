/**
 * Changing the lead register (issue 17, docs/backoffice.md "Lead register"): create a lead (from reports or from
 * another source), join a report, split, merge, set its state (reading: ./read.ts).
 * Who: the active inspectors and heads of the lead's organ (isLeadMember); anyone else gets 404. Every
 * change and every read of lead content is audited (`lead.*`) in the same transaction as a `lead_event`.
 * The server checks ciphertext framing only: names and details are opened in the staff browser.
 */
import type * as v from 'valibot';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { lead, leadEvent, leadPerson, leadReport, report } from '$lib/server/db/schema';
import { appendAudit } from '$lib/server/audit/log';
import { isContentInSuite } from '$lib/server/keys/suite-wire';
import type { Json } from '$lib/server/audit/chain';
import { visibleReport } from '$lib/server/backoffice/access';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { validate } from '$lib/server/http/body';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isUuid } from '$lib/shared/encoding';
import { STAFF_BODIES_LEADS as B } from './bodies';
import { currentVersion, holdsVersion, isLeadMember, rotationDue } from './organ-key';

type Lead = typeof lead.$inferSelect;
type NewLead = v.InferOutput<typeof B.NewLeadBody>;

/** True if `blob` is a content ciphertext of the deployment's suite (issue 21), of a bucketed length. */
export function isContentCiphertext(blob: Uint8Array): boolean {
	return isContentInSuite(blob);
}

/** The lead if the caller is a member of its organ, else null (unknown, malformed, not a member). */
export async function memberLead(ctx: StaffCtx, leadId: unknown): Promise<Lead | null> {
	if (!isUuid(leadId)) return null;
	const [row] = await ctx.db.select().from(lead).where(eq(lead.id, leadId));
	if (!row) return null;
	return (await isLeadMember(ctx.db, ctx.user.id, row.organId)) ? row : null;
}

export async function event(
	tx: Db,
	ctx: StaffCtx,
	l: { id: string; organId: string },
	kind: string,
	details: Record<string, Json>
) {
	await tx.insert(leadEvent).values({ leadId: l.id, at: ctx.now, actor: ctx.user.id, kind, details });
	return appendAudit(tx, {
		at: ctx.now,
		actor: ctx.user.id,
		action: `lead.${kind}`,
		reportId: null,
		organId: l.organId,
		details: { lead: l.id, ...details }
	});
}

export type CreateRefusal = 'invalid_field' | 'not_found' | 'forbidden' | 'wraps_stale' | 'bad_content' | 'bad_link';

/** Checks a new lead for the caller: membership, current key version held, framing, reports visible. */
export async function checkNewLead(ctx: StaffCtx, l: NewLead): Promise<Result<true, CreateRefusal>> {
	if (!(await isLeadMember(ctx.db, ctx.user.id, l.organId))) return refuse('not_found');
	const current = await currentVersion(ctx.db, l.organId);
	if (current === null || l.keyVersion !== current)
		return refuse('wraps_stale', { field: 'keyVersion', extra: { current } });
	if (!(await holdsVersion(ctx.db, ctx.user.id, l.organId, current))) return refuse('forbidden');
	// A holder of the current version left: the key must be rotated before anything new is put under it.
	if (await rotationDue(ctx.db, l.organId, current, ctx.now))
		return refuse('wraps_stale', { field: 'keyVersion', extra: { current, rotationDue: true } });
	if (!isContentCiphertext(l.details)) return refuse('bad_content', { field: 'details' });
	const ids = new Set<string>();
	for (const [i, p] of l.persons.entries()) {
		if (!isContentCiphertext(p.sealed)) return refuse('bad_content', { field: `persons[${i}].sealed` });
		if (ids.has(p.id)) return refuse('invalid_field', { field: `persons[${i}].id` });
		ids.add(p.id);
	}
	for (const r of new Set(l.reports)) {
		const vis = await visibleReport(ctx.db, ctx.user.id, r);
		if (!vis || !vis.role) return refuse('bad_link', { field: 'reports' });
	}
	const [taken] = await ctx.db.select({ id: lead.id }).from(lead).where(eq(lead.id, l.id));
	if (taken) return refuse('invalid_field', { field: 'id' });
	if (ids.size) {
		const dup = await ctx.db
			.select({ id: leadPerson.id })
			.from(leadPerson)
			.where(inArray(leadPerson.id, [...ids]));
		if (dup.length) return refuse('invalid_field', { field: 'persons' });
	}
	return ok(true);
}

export async function insertLead(tx: Db, ctx: StaffCtx, l: NewLead, extra: { splitFrom?: string } = {}) {
	await tx.insert(lead).values({
		id: l.id,
		organId: l.organId,
		source: l.source,
		category: l.category ?? null,
		keyVersion: l.keyVersion,
		details: l.details,
		splitFrom: extra.splitFrom ?? null,
		createdBy: ctx.user.id,
		receivedOn: ctx.now,
		createdAt: ctx.now,
		updatedAt: ctx.now
	});
	await tx.insert(leadPerson).values(
		l.persons.map((p) => ({
			id: p.id,
			leadId: l.id,
			organId: l.organId,
			keyVersion: l.keyVersion,
			sealed: p.sealed,
			blindName: p.blindName,
			blindNameUnit: p.blindNameUnit,
			createdAt: ctx.now
		}))
	);
	const reports = [...new Set(l.reports)];
	if (reports.length)
		await tx
			.insert(leadReport)
			.values(reports.map((r) => ({ leadId: l.id, reportId: r, addedBy: ctx.user.id, addedAt: ctx.now })));
}

/** POST …/leads: registers a lead (from linked reports, or from another source). Audited `lead.create`. */
export async function createLead(ctx: StaffCtx, input: unknown): Promise<Result<{ id: string }, CreateRefusal>> {
	const parsed = validate(B.NewLeadBody, input);
	if (!parsed.ok) return parsed;
	const l = parsed.value;
	const checked = await checkNewLead(ctx, l);
	if (!checked.ok) return checked;
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await insertLead(tx, ctx, l);
		await event(tx, ctx, l, 'create', {
			source: l.source,
			persons: l.persons.length,
			reports: [...new Set(l.reports)].sort()
		});
	});
	return ok({ id: l.id }, { status: 201 });
}

/** POST …/leads/{id}/reports: joins a report to a lead. Audited `lead.join`. */
export async function joinReport(
	ctx: StaffCtx,
	leadId: string,
	input: unknown
): Promise<Result<{ ok: true }, 'not_found' | 'invalid_field' | 'bad_link' | 'not_from_this_state'>> {
	const l = await memberLead(ctx, leadId);
	if (!l) return refuse('not_found');
	const parsed = validate(B.JoinBody, input);
	if (!parsed.ok) return parsed;
	if (l.state === 'merged') return refuse('not_from_this_state', { field: 'lead' });
	let reportId: string | null;
	if ('reportId' in parsed.value) reportId = parsed.value.reportId;
	else {
		const locator = parsed.value.locator.replaceAll('-', '').toUpperCase();
		const [r] = await ctx.db.select({ id: report.id }).from(report).where(eq(report.locator, locator));
		reportId = r?.id ?? null;
	}
	const vis = reportId ? await visibleReport(ctx.db, ctx.user.id, reportId) : null;
	if (!vis || !vis.role) return refuse('bad_link', { field: 'report' });
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const added = await tx
			.insert(leadReport)
			.values({ leadId: l.id, reportId: vis.report.id, addedBy: ctx.user.id, addedAt: ctx.now })
			.onConflictDoNothing()
			.returning({ r: leadReport.reportId });
		if (added.length) await event(tx, ctx, l, 'join', { report: vis.report.id });
	});
	return ok({ ok: true } as const);
}

/**
 * POST …/leads/{id}/split: a new lead split off this one (its ciphertexts made in the browser for the new
 * id), `movePersons` removed from the old lead; the new lead's reports must be among the old one's. The
 * old lead keeps its state, outcome and history. Audited `lead.split` (old) and `lead.split_from` (new).
 */
export async function splitLead(
	ctx: StaffCtx,
	leadId: string,
	input: unknown
): Promise<Result<{ id: string }, CreateRefusal | 'not_from_this_state'>> {
	const old = await memberLead(ctx, leadId);
	if (!old) return refuse('not_found');
	const parsed = validate(B.SplitBody, input);
	if (!parsed.ok) return parsed;
	const { lead: l, movePersons } = parsed.value;
	if (old.state === 'merged') return refuse('not_from_this_state', { field: 'lead' });
	if (l.organId !== old.organId) return refuse('invalid_field', { field: 'lead.organId' });
	const checked = await checkNewLead(ctx, l);
	if (!checked.ok) return checked;
	const [oldPersons, oldReports] = await Promise.all([
		ctx.db.select({ id: leadPerson.id }).from(leadPerson).where(eq(leadPerson.leadId, old.id)),
		ctx.db.select({ id: leadReport.reportId }).from(leadReport).where(eq(leadReport.leadId, old.id))
	]);
	const personIds = new Set(oldPersons.map((p) => p.id));
	const move = [...new Set(movePersons)];
	if (move.some((p) => !personIds.has(p)) || move.length >= personIds.size)
		return refuse('invalid_field', { field: 'movePersons' });
	const reportIds = new Set(oldReports.map((r) => r.id));
	if (l.reports.some((r) => !reportIds.has(r))) return refuse('bad_link', { field: 'lead.reports' });
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await insertLead(tx, ctx, l, { splitFrom: old.id });
		if (move.length)
			await tx.delete(leadPerson).where(and(eq(leadPerson.leadId, old.id), inArray(leadPerson.id, move)));
		await tx.update(lead).set({ updatedAt: ctx.now }).where(eq(lead.id, old.id));
		await event(tx, ctx, old, 'split', { into: l.id, movedPersons: move.sort() });
		await event(tx, ctx, l, 'split_from', {
			from: old.id,
			persons: l.persons.length,
			reports: [...new Set(l.reports)].sort()
		});
	});
	return ok({ id: l.id }, { status: 201 });
}

/**
 * POST …/leads/{id}/merge {into}: this lead joins `into` (same organ). It keeps its rows, persons, history
 * and outcome, with state 'merged' and merged_into set; its reports are linked to `into` too. Audited
 * `lead.merge` (this) and `lead.merged_in` (into).
 */
export async function mergeLead(
	ctx: StaffCtx,
	leadId: string,
	input: unknown
): Promise<Result<{ ok: true }, 'not_found' | 'invalid_field' | 'not_from_this_state'>> {
	const src = await memberLead(ctx, leadId);
	if (!src) return refuse('not_found');
	const parsed = validate(B.MergeBody, input);
	if (!parsed.ok) return parsed;
	const into = await memberLead(ctx, parsed.value.into);
	if (!into || into.organId !== src.organId || into.id === src.id) return refuse('invalid_field', { field: 'into' });
	if (src.state === 'merged' || into.state === 'merged') return refuse('not_from_this_state', { field: 'into' });
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.update(lead).set({ state: 'merged', mergedInto: into.id, updatedAt: ctx.now }).where(eq(lead.id, src.id));
		// Leads merged into src before now point at the new root.
		await tx.update(lead).set({ mergedInto: into.id }).where(eq(lead.mergedInto, src.id));
		await tx.execute(sql`insert into ${leadReport} (lead_id, report_id, added_by, added_at)
			select ${into.id}, report_id, ${ctx.user.id}, ${ctx.now.toISOString()}::timestamptz from ${leadReport} where lead_id = ${src.id}
			on conflict do nothing`);
		await tx.update(lead).set({ updatedAt: ctx.now }).where(eq(lead.id, into.id));
		await event(tx, ctx, src, 'merge', { into: into.id, state: src.state, outcome: src.outcome });
		await event(tx, ctx, into, 'merged_in', { from: src.id });
	});
	return ok({ ok: true } as const);
}

/** POST …/leads/{id}/state {state, outcome?}. Audited `lead.state`. */
export async function setLeadState(
	ctx: StaffCtx,
	leadId: string,
	input: unknown
): Promise<Result<{ ok: true }, 'not_found' | 'invalid_field' | 'not_from_this_state'>> {
	const l = await memberLead(ctx, leadId);
	if (!l) return refuse('not_found');
	const parsed = validate(B.StateBody, input);
	if (!parsed.ok) return parsed;
	if (l.state === 'merged') return refuse('not_from_this_state', { field: 'state' });
	const outcome = parsed.value.outcome ?? null;
	await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		await tx.update(lead).set({ state: parsed.value.state, outcome, updatedAt: ctx.now }).where(eq(lead.id, l.id));
		await event(tx, ctx, l, 'state', { from: l.state, state: parsed.value.state, outcome });
	});
	return ok({ ok: true } as const);
}
