/**
 * Reading the lead register (issue 17): the register's page, one lead, and the blind-index look-up. Who:
 * the active inspectors and heads of the organ (isLeadMember); each read of lead content is audited
 * (`lead.list`, `lead.open`, `lead.lookup`); the ciphertexts are opened in the staff browser.
 */
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { lead, leadEvent, leadPerson, leadReport, report } from '$lib/server/db/schema';
import { appendAudit } from '$lib/server/audit/log';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { toBase64 } from '$lib/server/http/base64';
import { validate } from '$lib/server/http/body';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isId, isUuid } from '$lib/shared/encoding';
import { LEAD_STATES } from '$lib/shared/vocabulary/leads';
import type { LeadPage, LeadPersonView, LeadSummary, LeadView } from '$lib/shared/wire/leads';
import { STAFF_BODIES_LEADS as B } from './bodies';
import { documentsOf } from './documents';
import { isLeadMember } from './organ-key';
import { memberLead } from './register';

type Lead = typeof lead.$inferSelect;

/** Persons of the given leads and of the leads merged into them, grouped by the root lead id. */
async function personsOf(db: Db, roots: string[]): Promise<Map<string, LeadPersonView[]>> {
	const out = new Map<string, LeadPersonView[]>(roots.map((r) => [r, []]));
	if (!roots.length) return out;
	const merged = await db
		.select({ id: lead.id, into: lead.mergedInto })
		.from(lead)
		.where(inArray(lead.mergedInto, roots));
	const rootOf = new Map<string, string>(roots.map((r) => [r, r]));
	for (const m of merged) rootOf.set(m.id, m.into!);
	const rows = await db
		.select()
		.from(leadPerson)
		.where(inArray(leadPerson.leadId, [...rootOf.keys()]))
		.orderBy(leadPerson.createdAt, leadPerson.id);
	for (const p of rows)
		out
			.get(rootOf.get(p.leadId)!)!
			.push({ id: p.id, leadId: p.leadId, keyVersion: p.keyVersion, sealed: toBase64(p.sealed) });
	return out;
}

async function summaries(db: Db, rows: Lead[]): Promise<LeadSummary[]> {
	const ids = rows.map((r) => r.id);
	const [persons, counts] = await Promise.all([
		personsOf(db, ids),
		ids.length
			? db
					.select({ id: leadReport.leadId, n: sql<number>`count(*)::int` })
					.from(leadReport)
					.where(inArray(leadReport.leadId, ids))
					.groupBy(leadReport.leadId)
			: Promise.resolve([])
	]);
	const count = new Map(counts.map((c) => [c.id, Number(c.n)]));
	return rows.map((r) => ({
		id: r.id,
		organId: r.organId,
		departmentId: r.departmentId,
		source: r.source,
		state: r.state,
		category: r.category,
		outcome: r.outcome,
		keyVersion: r.keyVersion,
		details: toBase64(r.details),
		mergedInto: r.mergedInto,
		splitFrom: r.splitFrom,
		receivedOn: r.receivedOn.toISOString(),
		persons: persons.get(r.id) ?? [],
		reports: count.get(r.id) ?? 0
	}));
}

export const LEAD_PAGE = 50;

/** GET …/leads?organ=&state=&before=: the register's page (newest first; merged leads left out unless asked). Audited `lead.list`. */
export async function listLeads(
	ctx: StaffCtx,
	params: URLSearchParams
): Promise<Result<LeadPage, 'invalid_field' | 'not_found'>> {
	for (const k of params.keys())
		if (!['organ', 'state', 'before'].includes(k)) return refuse('invalid_field', { field: k });
	const organId = params.get('organ');
	if (!isId(organId)) return refuse('invalid_field', { field: 'organ' });
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const state = params.get('state');
	if (state !== null && state !== '' && !(LEAD_STATES as readonly string[]).includes(state))
		return refuse('invalid_field', { field: 'state' });
	const before = params.get('before');
	let cursor: { at: Date; id: string } | null = null;
	if (before) {
		const m = /^(\d{13})_([0-9a-f-]{36})$/.exec(before);
		if (!m || !isUuid(m[2])) return refuse('invalid_field', { field: 'before' });
		cursor = { at: new Date(Number(m[1])), id: m[2]! };
	}
	const rows = await ctx.db
		.select()
		.from(lead)
		.where(
			and(
				eq(lead.organId, organId),
				state ? eq(lead.state, state) : sql`${lead.state} <> 'merged'`,
				cursor
					? or(lt(lead.createdAt, cursor.at), and(eq(lead.createdAt, cursor.at), lt(lead.id, cursor.id)))
					: undefined
			)
		)
		.orderBy(desc(lead.createdAt), desc(lead.id))
		.limit(LEAD_PAGE + 1);
	const page = rows.slice(0, LEAD_PAGE);
	const last = page[page.length - 1];
	const items = await summaries(ctx.db, page);
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Db, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.list',
			reportId: null,
			organId,
			details: { count: items.length, state: state || null }
		})
	);
	return ok({ items, next: rows.length > LEAD_PAGE && last ? `${last.createdAt.getTime()}_${last.id}` : null });
}

/** GET …/leads/{id}: one lead with its persons (merged leads' too), reports and history. Audited `lead.open`. */
export async function openLead(ctx: StaffCtx, leadId: string): Promise<Result<LeadView, 'not_found'>> {
	const l = await memberLead(ctx, leadId);
	if (!l) return refuse('not_found');
	const [[summary], reports, merged, events, documents] = await Promise.all([
		summaries(ctx.db, [l]),
		ctx.db
			.select({ id: report.id, locator: report.locator, state: report.state })
			.from(leadReport)
			.innerJoin(report, eq(report.id, leadReport.reportId))
			.where(eq(leadReport.leadId, l.id))
			.orderBy(leadReport.addedAt, report.locator),
		ctx.db.select({ id: lead.id }).from(lead).where(eq(lead.mergedInto, l.id)),
		ctx.db.select().from(leadEvent).where(eq(leadEvent.leadId, l.id)).orderBy(leadEvent.id),
		documentsOf(ctx.db, l.id)
	]);
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Db, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.open',
			reportId: null,
			organId: l.organId,
			details: { lead: l.id }
		})
	);
	return ok({
		...summary!,
		linkedReports: reports,
		merged: merged.map((m) => m.id),
		events: events.map((e) => ({ id: e.id, at: e.at.toISOString(), kind: e.kind, actor: e.actor, details: e.details })),
		documents
	});
}

/**
 * The leads of an organ about a person, from the blind index: every lead one of whose persons has the
 * blind name, resolved to the lead it was merged into, with whether the name+unit value matched too.
 */
export async function leadsByBlind(
	db: Db,
	organId: string,
	blindName: Uint8Array,
	blindNameUnit: Uint8Array | null
): Promise<(LeadSummary & { unitMatch: boolean })[]> {
	const hits = await db
		.select({ leadId: leadPerson.leadId, blindNameUnit: leadPerson.blindNameUnit, mergedInto: lead.mergedInto })
		.from(leadPerson)
		.innerJoin(lead, eq(lead.id, leadPerson.leadId))
		.where(and(eq(leadPerson.organId, organId), eq(leadPerson.blindName, blindName)));
	const unit = new Map<string, boolean>();
	for (const h of hits) {
		const root = h.mergedInto ?? h.leadId;
		const match = blindNameUnit !== null && Buffer.from(h.blindNameUnit).equals(Buffer.from(blindNameUnit));
		unit.set(root, (unit.get(root) ?? false) || match);
	}
	if (!unit.size) return [];
	const rows = await db
		.select()
		.from(lead)
		.where(inArray(lead.id, [...unit.keys()]))
		.orderBy(desc(lead.receivedOn), desc(lead.id));
	return (await summaries(db, rows)).map((s) => ({ ...s, unitMatch: unit.get(s.id) ?? false }));
}

/** POST …/leads/lookup: duplicate finding while registering a person. Audited `lead.lookup`. */
export async function lookupLeads(
	ctx: StaffCtx,
	input: unknown
): Promise<Result<{ leads: (LeadSummary & { unitMatch: boolean })[] }, 'invalid_field' | 'not_found'>> {
	const parsed = validate(B.LookupBody, input);
	if (!parsed.ok) return parsed;
	const { organId, blindName, blindNameUnit } = parsed.value;
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const leads = await leadsByBlind(ctx.db, organId, blindName, blindNameUnit ?? null);
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Db, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.lookup',
			reportId: null,
			organId,
			details: { found: leads.map((l) => l.id).sort() }
		})
	);
	return ok({ leads });
}
