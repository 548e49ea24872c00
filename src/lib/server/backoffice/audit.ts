/**
 * Reading the audit log (docs/backoffice.md): admins read every entry, organ heads the entries of the organs
 * they head; everyone else is refused. The writer is src/lib/server/audit/log.ts (re-exported here).
 */
import { and, asc, eq, gt, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { auditLog, organStaff, staffUser } from '$lib/server/db/schema';
import { entryOfRow } from '$lib/server/audit/log';
import { isUuid } from '$lib/shared/encoding';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { AuditItem, AuditPage } from '$lib/shared/wire/staff';
import type { StaffCtx } from './context';

export { appendAudit, appendAuditTx, auditAdmin, verifyAuditLog } from '$lib/server/audit/log';

/** GET /staff/api/audit?report=&actor=&action=&after=&limit= */
export async function readAudit(
	ctx: StaffCtx,
	params: URLSearchParams
): Promise<Result<AuditPage, 'invalid_field' | 'forbidden'>> {
	const known = new Set(['report', 'actor', 'action', 'after', 'limit']);
	for (const k of params.keys()) if (!known.has(k)) return refuse('invalid_field', { field: k });
	let scope: SQL | undefined;
	if (!ctx.user.isAdmin) {
		const heads = await ctx.db
			.select({ organId: organStaff.organId })
			.from(organStaff)
			.where(and(eq(organStaff.staffId, ctx.user.id), eq(organStaff.role, 'head')));
		if (heads.length === 0) return refuse('forbidden');
		scope = inArray(
			auditLog.organId,
			heads.map((h) => h.organId)
		);
	}
	const conds: (SQL | undefined)[] = [scope];
	const reportId = params.get('report');
	if (reportId !== null && reportId !== '') {
		if (!isUuid(reportId)) return refuse('invalid_field', { field: 'report' });
		conds.push(eq(auditLog.reportId, reportId));
	}
	const actor = params.get('actor');
	if (actor !== null && actor !== '') {
		if (!isUuid(actor) && actor !== 'system') return refuse('invalid_field', { field: 'actor' });
		conds.push(eq(auditLog.actor, actor));
	}
	const action = params.get('action');
	if (action !== null && action !== '') {
		if (!/^[a-z_.]{1,64}$/.test(action)) return refuse('invalid_field', { field: 'action' });
		conds.push(
			action.endsWith('.')
				? like(auditLog.action, `${action}%`)
				: or(eq(auditLog.action, action), like(auditLog.action, `${action}.%`))
		);
	}
	const after = params.get('after');
	if (after !== null && after !== '') {
		if (!/^\d{1,18}$/.test(after)) return refuse('invalid_field', { field: 'after' });
		conds.push(gt(auditLog.seq, BigInt(after)));
	}
	const limitRaw = params.get('limit');
	let limit = 100;
	if (limitRaw !== null && limitRaw !== '') {
		if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 500)
			return refuse('invalid_field', { field: 'limit' });
		limit = Number(limitRaw);
	}
	const rows = await ctx.db
		.select({ row: auditLog, actorName: staffUser.displayName })
		.from(auditLog)
		.leftJoin(staffUser, sql`${staffUser.id}::text = ${auditLog.actor}`)
		.where(and(...conds))
		.orderBy(asc(auditLog.seq))
		.limit(limit + 1);
	const more = rows.length > limit;
	const items = rows.slice(0, limit).map(({ row, actorName }): AuditItem => {
		const e = entryOfRow(row);
		return {
			seq: String(e.seq),
			at: row.at.toISOString(),
			actor: e.actor,
			actorName,
			action: e.action,
			reportId: e.reportId,
			organId: e.organId,
			details: e.details,
			hash: e.hash
		};
	});
	return ok({ items, next: more ? items[items.length - 1]!.seq : null });
}
