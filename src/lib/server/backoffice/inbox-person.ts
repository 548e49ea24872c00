/**
 * The inbox's search by person (被反映人, issue 18 item 3; docs/backoffice.md "The inbox"): the browser
 * sends, for each organ whose organ key it opened, the blind value of the typed name (and of name + unit when
 * a unit is given: docs/crypto.md "Organ key and blind index"), never the name. The server finds the leads of
 * that organ with a person of those blind values (src/lib/server/leads' index, read here, not changed) and the
 * reports linked to them; the inbox then lists those among the reports the caller may see. Only the caller's
 * own organs (inspector or head) are searched; each search is audited per organ, `inbox.person` (like
 * `lead.lookup`: no purpose asked, no blind value stored, the leads found).
 */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { appendAudit } from '$lib/server/audit/log';
import type { Db } from '$lib/server/db';
import { lead, leadPerson, leadReport, organStaff, staffUser } from '$lib/server/db/schema';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { StaffCtx } from './context';

/** One organ's blind values of the searched person (32 bytes each). */
export interface PersonBlind {
	organ: string;
	name: Uint8Array;
	/** Of name + unit: only persons registered with that unit match. */
	unit: Uint8Array | null;
}

/** The organs among `organs` where the caller is an active inspector or head (as isLeadMember). */
async function memberOrgans(db: Db, staffId: string, organs: string[]): Promise<Set<string>> {
	if (!organs.length) return new Set();
	const rows = await db
		.select({ organId: organStaff.organId })
		.from(organStaff)
		.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
		.where(
			and(
				eq(organStaff.staffId, staffId),
				inArray(organStaff.organId, organs),
				inArray(organStaff.role, [...HANDLER_ROLES]),
				isNull(staffUser.disabledAt)
			)
		);
	return new Set(rows.map((r) => r.organId));
}

/** The leads of one organ about the person: those with a matching person, and the leads they were merged into. */
async function leadsOf(db: Db, b: PersonBlind): Promise<string[]> {
	const hits = await db
		.select({ leadId: leadPerson.leadId, mergedInto: lead.mergedInto })
		.from(leadPerson)
		.innerJoin(lead, eq(lead.id, leadPerson.leadId))
		.where(
			and(
				eq(leadPerson.organId, b.organ),
				eq(leadPerson.blindName, b.name),
				b.unit ? eq(leadPerson.blindNameUnit, b.unit) : undefined
			)
		);
	const ids = new Set<string>();
	for (const h of hits) {
		ids.add(h.leadId);
		if (h.mergedInto) ids.add(h.mergedInto);
	}
	return [...ids].sort();
}

/**
 * The ids of the reports linked to the person's leads in the caller's organs (before the inbox's own
 * visibility rule), auditing the search once per organ searched.
 */
export async function reportsOfPerson(ctx: StaffCtx, blinds: PersonBlind[]): Promise<string[]> {
	const mine = await memberOrgans(
		ctx.db,
		ctx.user.id,
		blinds.map((b) => b.organ)
	);
	const searched = blinds.filter((b) => mine.has(b.organ));
	const found = await Promise.all(
		searched.map(async (b) => {
			const leads = await leadsOf(ctx.db, b);
			const links = leads.length
				? await ctx.db
						.selectDistinct({ reportId: leadReport.reportId })
						.from(leadReport)
						.where(inArray(leadReport.leadId, leads))
				: [];
			return { organ: b.organ, unit: b.unit !== null, leads, reports: links.map((l) => l.reportId) };
		})
	);
	if (found.length)
		await ctx.db.transaction(async (tx) => {
			for (const f of found)
				await appendAudit(tx as unknown as Db, {
					at: ctx.now,
					actor: ctx.user.id,
					action: 'inbox.person',
					reportId: null,
					organId: f.organ,
					details: { found: f.leads, reports: f.reports.length, withUnit: f.unit }
				});
		});
	return [...new Set(found.flatMap((f) => f.reports))];
}
