/**
 * Counts per person (人次, issue 17): for one organ, the leads (merged ones counted in the lead they joined),
 * the persons reported (distinct blind names: the same normalised name counts once), person-times (one per
 * person of each lead), the persons reported in two or more leads (反映集中), and person-times by outcome
 * (the four forms per person). Computed from clear codes and blind values only; nothing is decrypted.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '$lib/server/org/sql';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { isId } from '$lib/shared/encoding';
import type { LeadCounts } from '$lib/shared/wire/leads';
import { isLeadMember } from './organ-key';

/** GET …/leads/counts?organ= */
export async function leadCounts(
	ctx: StaffCtx,
	organId: unknown
): Promise<Result<LeadCounts, 'invalid_field' | 'not_found'>> {
	if (!isId(organId)) return refuse('invalid_field', { field: 'organ' });
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	// Each person row belongs to the lead it is shown under: its own, or the one its lead was merged into.
	const pairs = sql`select distinct coalesce(l.merged_into, l.id) as lead_id, p.blind_name
		from lead_person p join lead l on l.id = p.lead_id where p.organ_id = ${organId}`;
	const [totals] = rowsOf<{ leads: number; persons: number; times: number; repeated: number }>(
		await ctx.db.execute(sql`with pairs as (${pairs}),
			per as (select blind_name, count(*) as n from pairs group by blind_name)
			select (select count(*)::int from lead where organ_id = ${organId} and state <> 'merged') as leads,
				(select count(*)::int from per) as persons,
				(select count(*)::int from pairs) as times,
				(select count(*)::int from per where n >= 2) as repeated`)
	);
	const outcomes = rowsOf<{ outcome: string; times: number }>(
		await ctx.db.execute(sql`with pairs as (${pairs})
			select l.outcome, count(*)::int as times from pairs join lead l on l.id = pairs.lead_id
			where l.outcome is not null group by l.outcome order by l.outcome`)
	);
	return ok({
		leads: Number(totals?.leads ?? 0),
		persons: Number(totals?.persons ?? 0),
		personTimes: Number(totals?.times ?? 0),
		repeated: Number(totals?.repeated ?? 0),
		byOutcome: Object.fromEntries(outcomes.map((o) => [o.outcome, Number(o.times)]))
	});
}
