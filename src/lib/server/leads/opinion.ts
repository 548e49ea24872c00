/**
 * Integrity opinions (党风廉政意见回复, issue 17) across the organ's jurisdiction: a member of the organ enters
 * a person (name, unit, post) in the browser, which sends the blind values under its own organ's index key
 * and under the index key of every lower organ escrowed to the member (./escrow.ts), with the purpose and
 * the requester (the asking body, e.g. the organization department). The answer lists the organ's own
 * leads about that person as before and, per lower organ, the state and outcome codes of its leads about
 * them (no ciphertext: the higher organ cannot read them). Lower organs outside the caller's jurisdiction,
 * or whose key the caller holds no escrow of, are refused. Each query is audited (`lead.opinion` under the
 * asking organ, `lead.opinion_from_above` under each lower organ searched) with purpose, requester and the
 * leads found, in one transaction before the answer is sent, so no answer leaves without its records.
 */
import type { Db } from '$lib/server/db';
import { appendAudit } from '$lib/server/audit/log';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { validate } from '$lib/server/http/body';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { LowerLead, OpinionAcrossAnswer } from '$lib/shared/wire/leads-escrow';
import { descendantsOf, ESCROW_BODIES, escrowedTo } from './escrow';
import { isLeadMember } from './organ-key';
import { leadsByBlind } from './read';

/** POST …/leads/opinion. */
export async function integrityOpinion(
	ctx: StaffCtx,
	input: unknown
): Promise<Result<OpinionAcrossAnswer, 'invalid_field' | 'not_found' | 'forbidden'>> {
	const parsed = validate(ESCROW_BODIES.OpinionBody, input);
	if (!parsed.ok) return parsed;
	const { organId, blindName, blindNameUnit, purpose, requester, lower } = parsed.value;
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	if (new Set(lower.map((l) => l.organId)).size !== lower.length) return refuse('invalid_field', { field: 'lower' });
	let names = new Map<string, string>();
	if (lower.length) {
		const [below, held] = await Promise.all([descendantsOf(ctx.db, organId), escrowedTo(ctx.db, ctx.user.id, organId)]);
		names = new Map(below.map((o) => [o.id, o.name]));
		// Only organs below the caller's, and only those whose index key was escrowed to the caller.
		if (lower.some((l) => !names.has(l.organId) || !held.has(l.organId)))
			return refuse('forbidden', { field: 'lower' });
	}
	const own = await leadsByBlind(ctx.db, organId, blindName, blindNameUnit ?? null);
	const found: OpinionAcrossAnswer['lower'] = [];
	for (const l of lower) {
		const leads = await leadsByBlind(ctx.db, l.organId, l.blindName, l.blindNameUnit ?? null);
		found.push({
			organId: l.organId,
			name: names.get(l.organId)!,
			leads: leads.map((x): LowerLead => ({
				id: x.id,
				source: x.source,
				state: x.state,
				outcome: x.outcome,
				receivedOn: x.receivedOn,
				unitMatch: x.unitMatch
			}))
		});
	}
	const ids = (ls: { id: string }[]) => ls.map((x) => x.id).sort();
	const entry = await ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const mine = await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.opinion',
			reportId: null,
			organId,
			details: {
				purpose,
				requester,
				leads: ids(own),
				unitMatches: own.filter((l) => l.unitMatch).length,
				...(found.length ? { lower: Object.fromEntries(found.map((f) => [f.organId, ids(f.leads)])) } : {})
			}
		});
		for (const f of found)
			await appendAudit(tx, {
				at: ctx.now,
				actor: ctx.user.id,
				action: 'lead.opinion_from_above',
				reportId: null,
				organId: f.organId,
				details: { purpose, requester, askingOrganId: organId, askingSeq: String(mine.seq), leads: ids(f.leads) }
			});
		return mine;
	});
	return ok({ organId, at: ctx.now.toISOString(), auditSeq: String(entry.seq), leads: own, lower: found });
}
