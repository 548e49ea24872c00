/**
 * Reading hand-downs (交办、督办, issue 17; the changes: ./handdown.ts): the list of an organ's hand-downs in
 * both directions, the organ's notices (handed in, result overdue, result in), and the reporter's status of
 * a report whose lead was handed down. The higher organ's side carries the lower organ's lead state and
 * outcome codes, never its ciphertexts; the lower organ's side carries the package and the caller's own wrap
 * while pending. Reading is audited (`lead.handdowns`).
 */
import { and, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '$lib/server/db';
import {
	disciplineOrgan,
	lead,
	leadHanddown,
	leadHanddownWrap,
	leadReport,
	organStaff,
	staffNotice,
	staffUser
} from '$lib/server/db/schema';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import { inList } from '$lib/server/db/schema/checks';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { todayOf } from '$lib/server/backoffice/case-state';
import { toBase64 } from '$lib/server/http/base64';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { rowsOf } from '$lib/server/org/sql';
import { isId } from '$lib/shared/encoding';
import type { HanddownState } from '$lib/shared/vocabulary/leads';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { PublicStatus } from '$lib/shared/vocabulary/report';
import type { NoticeKind } from '$lib/shared/vocabulary/workflow';
import type { HanddownList, IncomingHanddown, OutgoingHanddown } from '$lib/shared/wire/leads-handdown';
import { isLeadMember } from './organ-key';

/** The active inspectors and heads of an organ (who get its hand-down notices). */
export async function handdownMembers(db: Db | Queryable, organId: string): Promise<string[]> {
	const rows = await (db as Db)
		.select({ id: organStaff.staffId })
		.from(organStaff)
		.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
		.where(
			and(eq(organStaff.organId, organId), inArray(organStaff.role, [...HANDLER_ROLES]), isNull(staffUser.disabledAt))
		);
	return [...new Set(rows.map((r) => r.id))];
}

/** One notice per staff member (no report: the details name the hand-down), once per day and kind. */
export async function raiseHanddownNotice(
	db: Db | Queryable,
	staff: string[],
	kind: NoticeKind,
	now: Date,
	details: Record<string, string>
): Promise<void> {
	if (!staff.length) return;
	await (db as Db)
		.insert(staffNotice)
		.values(staff.map((s) => ({ staffId: s, reportId: null, kind, createdOn: todayOf(now), details })))
		.onConflictDoNothing();
}

/**
 * The hourly follow-up reminder: for each hand-down past its deadline (China time) without a result, one
 * `handdown_overdue` notice per active handler of the higher organ, once per hand-down and member.
 */
export async function raiseHanddownNotices(db: Db, now: Date): Promise<{ raised: number }> {
	const today = todayOf(now);
	const result = await db.execute(sql`
		insert into staff_notice (staff_id, report_id, kind, created_on, details)
		select m.staff_id, null, 'handdown_overdue', ${today}::date,
			jsonb_build_object('handdown', h.id, 'lead', h.lead_id, 'organ', h.to_organ_id, 'deadline', h.deadline)
		from lead_handdown h
		join organ_staff m on m.organ_id = h.from_organ_id
		join staff_user u on u.id = m.staff_id and u.disabled_at is null
		where h.state <> 'reported' and h.deadline < ${today}::date
			and m.role in ${inList(HANDLER_ROLES)}
			and not exists (select 1 from staff_notice n where n.staff_id = m.staff_id and n.kind = 'handdown_overdue'
				and n.details->>'handdown' = h.id::text)
		on conflict do nothing
		returning id`);
	return { raised: rowsOf(result).length };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** GET …/leads/handdowns?organ=: the organ's hand-downs both ways and its lower organs. Audited `lead.handdowns`. */
export async function listHanddowns(
	ctx: StaffCtx,
	params: URLSearchParams
): Promise<Result<HanddownList, 'invalid_field' | 'not_found'>> {
	for (const k of params.keys()) if (k !== 'organ') return refuse('invalid_field', { field: k });
	const organId = params.get('organ');
	if (!isId(organId)) return refuse('invalid_field', { field: 'organ' });
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const today = todayOf(ctx.now);
	const fromOrgan = alias(disciplineOrgan, 'from_organ');
	const toOrgan = alias(disciplineOrgan, 'to_organ');
	const toLead = alias(lead, 'to_lead');
	const rows = await ctx.db
		.select({
			h: leadHanddown,
			fromName: fromOrgan.name,
			toName: toOrgan.name,
			toLeadState: toLead.state,
			toLeadOutcome: toLead.outcome,
			sealed: leadHanddownWrap.sealed
		})
		.from(leadHanddown)
		.innerJoin(fromOrgan, eq(fromOrgan.id, leadHanddown.fromOrganId))
		.innerJoin(toOrgan, eq(toOrgan.id, leadHanddown.toOrganId))
		.leftJoin(toLead, eq(toLead.id, leadHanddown.toLeadId))
		.leftJoin(
			leadHanddownWrap,
			and(eq(leadHanddownWrap.handdownId, leadHanddown.id), eq(leadHanddownWrap.staffId, ctx.user.id))
		)
		.where(or(eq(leadHanddown.fromOrganId, organId), eq(leadHanddown.toOrganId, organId)))
		.orderBy(desc(leadHanddown.createdAt), desc(leadHanddown.id))
		.limit(500);
	const outgoing: OutgoingHanddown[] = [];
	const incoming: IncomingHanddown[] = [];
	for (const r of rows) {
		const h = r.h;
		const base = {
			id: h.id,
			fromOrganId: h.fromOrganId,
			fromOrganName: r.fromName,
			toOrganId: h.toOrganId,
			toOrganName: r.toName,
			deadline: h.deadline,
			state: h.state as HanddownState,
			overdue: h.state !== 'reported' && h.deadline < today,
			createdAt: h.createdAt.toISOString(),
			acceptedAt: iso(h.acceptedAt),
			reportedAt: iso(h.reportedAt),
			resultOutcome: h.resultOutcome
		};
		if (h.fromOrganId === organId)
			outgoing.push({
				...base,
				leadId: h.leadId,
				keptCopy: h.keptCopy,
				toLeadState: r.toLeadState,
				toLeadOutcome: r.toLeadOutcome,
				fromKeyVersion: h.fromKeyVersion,
				fromWrap: toBase64(h.fromWrap),
				result: h.resultSealed ? toBase64(h.resultSealed) : null
			});
		else
			incoming.push({
				...base,
				toLeadId: h.toLeadId,
				package: h.package ? toBase64(h.package) : null,
				sealed: r.sealed ? toBase64(r.sealed) : null
			});
	}
	const lowerOrgans = await ctx.db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.where(and(sql`${organId} = any(${disciplineOrgan.ancestorIds})`, ne(disciplineOrgan.id, organId)))
		.orderBy(disciplineOrgan.id);
	await ctx.db.transaction((tx) =>
		appendAudit(tx as unknown as Db, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'lead.handdowns',
			reportId: null,
			organId,
			details: { outgoing: outgoing.length, incoming: incoming.length }
		})
	);
	return ok({ organId, today, outgoing, incoming, lowerOrgans });
}

/** Public statuses during which a report's hand-down shows (the report itself has not ended or moved). */
const OPEN_STATUSES: readonly PublicStatus[] = ['received', 'accepted', 'handling'];

/**
 * The reporter's status of a report whose lead was handed down:
 * `handed_down_followed` with the lower organ's name, while the report itself has not ended; else as stored.
 */
export async function followedStatus(
	db: Db,
	reportId: string,
	stored: PublicStatus
): Promise<{ status: PublicStatus; handledBy?: string }> {
	if (!OPEN_STATUSES.includes(stored)) return { status: stored };
	const [row] = await db
		.select({ name: disciplineOrgan.name })
		.from(leadReport)
		// A merge links the merged lead's reports to the lead it joined, so one join finds either.
		.innerJoin(leadHanddown, eq(leadHanddown.leadId, leadReport.leadId))
		.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, leadHanddown.toOrganId))
		.where(eq(leadReport.reportId, reportId))
		.orderBy(desc(leadHanddown.createdAt))
		.limit(1);
	return row ? { status: 'handed_down_followed', handledBy: row.name } : { status: stored };
}
