/**
 * The inbox (`GET /staff/api/inbox`, docs/backoffice.md): the reports the caller may see (access.ts's
 * rule, as SQL), filtered on clear fields only, keyset-paginated on (received_on desc, id) or
 * (next_due_on asc nulls last, id), with counts per filter. The scope is driven by the holding organ
 * (report_inbox_* indexes) plus the few reports granted to the caller. Each item carries the inbox
 * summary and the caller's wrap, never the content ciphertext (issue 16: reading is an audited open).
 */
import { and, eq, inArray, isNull, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { addWorkingDays } from '$lib/server/calendar';
import {
	disciplineOrgan,
	organStaff,
	orgUnit,
	orgUnitSearch,
	report,
	reportKeyWrap,
	staffConflict,
	staffUser
} from '$lib/server/db/schema';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { Category, PositionKind, PublicStatus } from '$lib/shared/vocabulary/report';
import { WORKFLOW_STATES, type DeadlineCode, type WorkflowState } from '$lib/shared/vocabulary/workflow';
import type { InboxAnswer, InboxCounts, InboxItem } from '$lib/shared/wire/staff';
import { toBase64 as b64 } from '$lib/server/http/base64';
import { ok, refuse, type Result } from '$lib/server/http/result';
import { STATE_INFO } from '$lib/server/workflow';
import { loadCalendar, todayOf } from './case-state';
import type { StaffCtx } from './context';
import { reportsOfPerson } from './inbox-person';
import { afterCursor, cursorKeys, encodeCursor, orderOf, parseInboxQuery } from './inbox-query';

export { parseInboxQuery, type InboxQuery } from './inbox-query';

/**
 * A unit filter's unit ids: the id itself when it is one, else every unit of that exact name (at most 200),
 * found through the unit search's name index (org_unit_search at position 1 holds the whole name).
 */
async function unitIdsOf(db: StaffCtx['db'], unit: string): Promise<string[]> {
	const [byId, byName] = await Promise.all([
		db.select({ id: orgUnit.id }).from(orgUnit).where(eq(orgUnit.id, unit)),
		db
			.select({ id: orgUnitSearch.unitId })
			.from(orgUnitSearch)
			.where(and(eq(orgUnitSearch.nameKey, unit), eq(orgUnitSearch.pos, 1)))
			.limit(200)
	]);
	return byId.length ? [byId[0]!.id] : byName.map((r) => r.id);
}

/**
 * An organ filter's organ ids: among the caller's own organs by id or name (no look-up), else (for reports
 * granted from other organs) every organ of that id or exact name.
 */
async function organIdsOf(db: StaffCtx['db'], organ: string, mine: { id: string; name: string }[]): Promise<string[]> {
	const own = mine.filter((o) => o.id === organ || o.name === organ).map((o) => o.id);
	if (own.length) return own;
	const named = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(or(eq(disciplineOrgan.id, organ), eq(disciplineOrgan.name, organ)))
		.limit(200);
	const exact = named.find((o) => o.id === organ);
	return exact ? [exact.id] : named.map((o) => o.id);
}

/** GET /staff/api/inbox (URL filters) and POST /staff/api/inbox (`post`: the search fields too). */
export async function inbox(
	ctx: StaffCtx,
	params: URLSearchParams,
	post = false
): Promise<Result<InboxAnswer, 'invalid_field'>> {
	const parsed = parseInboxQuery(params, post);
	if (!parsed.ok) return refuse('invalid_field', { field: parsed.field });
	const q = parsed.value;
	const db = ctx.db;
	const me = ctx.user.id;
	const [members, granted, conflicts, calendar] = await Promise.all([
		db
			.select({ organId: organStaff.organId, name: disciplineOrgan.name })
			.from(organStaff)
			.innerJoin(disciplineOrgan, eq(disciplineOrgan.id, organStaff.organId))
			.where(and(eq(organStaff.staffId, me), inArray(organStaff.role, HANDLER_ROLES))),
		db
			.select({ reportId: reportKeyWrap.reportId })
			.from(reportKeyWrap)
			.where(and(eq(reportKeyWrap.staffId, me), sql`${reportKeyWrap.grantedBy} is not null`)),
		db.select({ unitId: staffConflict.unitId }).from(staffConflict).where(eq(staffConflict.staffId, me)),
		loadCalendar(db)
	]);
	let organs = members.map((m) => m.organId);
	const grantedIds = granted.map((g) => g.reportId);
	// The organ filter (an id, or an exact name) narrows the holding organs; granted reports stay in scope and
	// are filtered by their holder below.
	let organFilter: string[] | null = null;
	if (q.organ) {
		const ids = await organIdsOf(
			db,
			q.organ,
			members.map((m) => ({ id: m.organId, name: m.name }))
		);
		organFilter = ids;
		organs = organs.filter((o) => ids.includes(o));
	}
	const unitIds = q.unit ? await unitIdsOf(db, q.unit) : null;
	// A person search (POST only): the reports linked to the person's leads in the caller's organs (audited).
	const personIds = q.person ? await reportsOfPerson(ctx, q.person) : null;
	const empty: InboxAnswer = {
		items: [],
		next: null,
		counts: q.counts ? { total: 0, overdue: 0, dueSoon: 0, unassigned: 0, mine: 0, byState: {} } : null
	};
	if (organs.length === 0 && grantedIds.length === 0) return ok(empty);

	const today = todayOf(ctx.now);
	const soon = addWorkingDays(today, 2, calendar);
	const scope = or(
		organs.length ? inArray(report.organId, organs) : undefined,
		grantedIds.length ? inArray(report.id, grantedIds) : undefined
	) as SQL;
	// Filters that the counts keep (everything but due, assigned and state/stage).
	// access.ts's rule, in a form the planner estimates well: within `scope` (organs where the caller is
	// inspector or head, or reports whose wrap was granted to them) "visible" is "holds a wrap and declared no
	// conflict for the unit". The list joins the caller's wrap (it returns it); the counts semi-join it.
	const noConflict = conflicts.length
		? [
				notInArray(
					report.unitId,
					conflicts.map((c) => c.unitId)
				)
			]
		: [];
	const base: SQL[] = [scope, ...noConflict];
	const countBase: SQL[] = [
		scope,
		sql`${report.id} in (select report_id from ${reportKeyWrap} where staff_id = ${me})`,
		...noConflict
	];
	const both = (c: SQL) => {
		base.push(c);
		countBase.push(c);
	};
	if (q.status) both(eq(report.publicStatus, q.status));
	if (q.category) both(eq(report.category, q.category));
	if (q.position) both(eq(report.position, q.position));
	if (unitIds) both(unitIds.length ? inArray(report.unitId, unitIds) : sql`false`);
	if (organFilter) both(organFilter.length ? inArray(report.organId, organFilter) : sql`false`);
	if (q.from) both(sql`${report.receivedOn} >= ${q.from}`);
	if (q.to) both(sql`${report.receivedOn} <= ${q.to}`);
	if (q.locator) both(eq(report.locator, q.locator));
	if (personIds) both(personIds.length ? inArray(report.id, personIds) : sql`false`);
	if (q.realName !== undefined) both(eq(report.realName, q.realName));
	const overdueCond = sql`${report.nextDueOn} < ${today}`;
	const soonCond = sql`${report.nextDueOn} >= ${today} and ${report.nextDueOn} <= ${soon}`;
	const narrow: SQL[] = [];
	if (q.stage)
		narrow.push(inArray(report.state, WORKFLOW_STATES.filter((s) => STATE_INFO[s].stage === q.stage) as string[]));
	if (q.state) narrow.push(eq(report.state, q.state));
	if (q.due === 'overdue') narrow.push(overdueCond);
	if (q.due === 'soon') narrow.push(soonCond);
	if (q.assigned === 'me') narrow.push(eq(report.handlerId, me));
	if (q.assigned === 'none') narrow.push(isNull(report.handlerId));

	const page: SQL[] = q.after ? (afterCursor(q.sort, q.after) ?? []) : [];
	const order = orderOf(q.sort);

	// The page: per holding organ (and once for the reports granted to the caller), walk that organ's
	// report_inbox_* index in the page's order, checking the caller's wrap row by row (a correlated
	// sub-select, which the planner cannot turn into a join over every visible report) until limit + 1
	// visible rows are found; then merge the branches and keep the first limit + 1. Each branch has one
	// constant organ, so the planner's estimates are that organ's own. Same rows as "scope and holds a
	// wrap and no conflict" sorted and cut (access.ts's rule): a report is in exactly one branch.
	const n = q.limit + 1;
	const filters = [...base.slice(1), ...narrow, ...page]; // base without the scope: the conflicts and the filters
	const holdsWrap = sql`(select true from ${reportKeyWrap} w where w.report_id = ${report.id} and w.staff_id = ${me})`;
	const branch = (where: SQL) =>
		sql`(select ${report.id} from ${report} where ${and(where, ...filters, sql`${holdsWrap}`)} order by ${order} limit ${n})`;
	const branches = [
		...organs.map((o) => branch(eq(report.organId, o))),
		...(grantedIds.length
			? [
					branch(
						and(inArray(report.id, grantedIds), organs.length ? notInArray(report.organId, organs) : undefined) as SQL
					)
				]
			: [])
	];
	const candidates = sql`${report.id} in (select id from (${sql.join(branches, sql` union all `)}) v)`;

	const [rows, stateRows] = await Promise.all([
		db
			.select({
				id: report.id,
				locator: report.locator,
				receivedOn: report.receivedOn,
				unitId: report.unitId,
				unitName: orgUnit.name,
				regionPath: orgUnit.regionPath,
				position: report.position,
				category: report.category,
				realName: report.realName,
				state: report.state,
				publicStatus: report.publicStatus,
				handlerId: report.handlerId,
				handlerName: staffUser.displayName,
				nextDueOn: report.nextDueOn,
				nextDueCode: report.nextDueCode,
				organId: report.organId,
				organName: disciplineOrgan.name,
				summary: report.summary,
				sealed: reportKeyWrap.sealed
			})
			.from(report)
			.innerJoin(reportKeyWrap, and(eq(reportKeyWrap.reportId, report.id), eq(reportKeyWrap.staffId, me)))
			.leftJoin(orgUnit, eq(orgUnit.id, report.unitId))
			.leftJoin(staffUser, eq(staffUser.id, report.handlerId))
			.leftJoin(disciplineOrgan, eq(disciplineOrgan.id, report.organId))
			.where(and(candidates, ...base, ...narrow, ...page))
			.orderBy(order)
			.limit(n),
		// One pass over the scope for every count (grouped by state; summed below); first page only. Without
		// parallel workers: for the few thousand rows of an inbox, starting them costs more than the scan
		// (it tripled the p95 on a loaded 2-core machine).
		!q.counts
			? Promise.resolve([])
			: db.transaction(async (tx) => {
					await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
					return tx
						.select({
							state: report.state,
							n: sql<number>`count(*)`.mapWith(Number),
							total: sql<number>`count(*) filter (where ${narrow.length ? and(...narrow) : sql`true`})`.mapWith(Number),
							overdue: sql<number>`count(*) filter (where ${overdueCond})`.mapWith(Number),
							dueSoon: sql<number>`count(*) filter (where ${soonCond})`.mapWith(Number),
							unassigned: sql<number>`count(*) filter (where ${report.handlerId} is null)`.mapWith(Number),
							mine: sql<number>`count(*) filter (where ${report.handlerId} = ${me})`.mapWith(Number)
						})
						.from(report)
						.where(and(...countBase))
						.groupBy(report.state);
				})
	]);
	const more = rows.length > q.limit;
	const items = rows.slice(0, q.limit).map((r): InboxItem => ({
		id: r.id,
		locator: r.locator,
		receivedOn: r.receivedOn,
		unit: r.unitName !== null ? { id: r.unitId, name: r.unitName, regionPath: r.regionPath ?? '' } : null,
		// The code columns hold codes of the shared vocabularies (their CHECKs: src/lib/server/db/schema).
		position: r.position as PositionKind,
		category: r.category as Category,
		realName: r.realName,
		state: r.state as WorkflowState,
		publicStatus: r.publicStatus as PublicStatus,
		organ: { id: r.organId, name: r.organName ?? r.organId },
		handler: r.handlerId ? { id: r.handlerId, displayName: r.handlerName ?? '' } : null,
		nextDue: r.nextDueOn ? { code: r.nextDueCode as DeadlineCode, due: r.nextDueOn } : null,
		overdue: r.nextDueOn !== null && r.nextDueOn < today,
		// Issue 16: the summary only; the content and files are served by the audited open (case-view.ts).
		summary: r.summary ? b64(r.summary) : null,
		sealed: b64(r.sealed)
	}));
	const last = rows[q.limit - 1];
	const next = more && last ? encodeCursor(cursorKeys(q.sort, last)) : null;
	const counts: InboxCounts = { total: 0, overdue: 0, dueSoon: 0, unassigned: 0, mine: 0, byState: {} };
	for (const s of stateRows) {
		counts.total += s.total;
		counts.overdue += s.overdue;
		counts.dueSoon += s.dueSoon;
		counts.unassigned += s.unassigned;
		counts.mine += s.mine;
		counts.byState[s.state] = s.n;
	}
	return ok({ items, next, counts: q.counts ? counts : null });
}
