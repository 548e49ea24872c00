/**
 * Integrity opinions (党风廉政意见回复, issue 17): a member of the organ enters a person (name, unit, post)
 * in the browser, which sends the blind values with the purpose and the requester (the asking body, e.g.
 * the organization department); the answer lists every lead of the organ about that person with its
 * state and outcome. Each query is audited (`lead.opinion`) with purpose, requester and the leads found,
 * before the answer is sent, so no answer leaves without its record.
 */
import type { Db } from '$lib/server/db';
import { appendAudit } from '$lib/server/audit/log';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { validate } from '$lib/server/http/body';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { OpinionAnswer } from '$lib/shared/wire/leads';
import { STAFF_BODIES_LEADS as B } from './bodies';
import { isLeadMember } from './organ-key';
import { leadsByBlind } from './read';

/** POST …/leads/opinion. */
export async function integrityOpinion(
	ctx: StaffCtx,
	input: unknown
): Promise<Result<OpinionAnswer, 'invalid_field' | 'not_found'>> {
	const parsed = validate(B.OpinionBody, input);
	if (!parsed.ok) return parsed;
	const { organId, blindName, blindNameUnit, purpose, requester } = parsed.value;
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const leads = await leadsByBlind(ctx.db, organId, blindName, blindNameUnit ?? null);
	const entry = await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Db, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.opinion',
			reportId: null,
			organId,
			details: {
				purpose,
				requester,
				leads: leads.map((l) => l.id).sort(),
				unitMatches: leads.filter((l) => l.unitMatch).length
			}
		})
	);
	return ok({ organId, at: ctx.now.toISOString(), auditSeq: String(entry.seq), leads });
}
