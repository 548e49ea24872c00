/**
 * Who may see back-office statistics, and over which organs (docs/backoffice.md "Statistics"): organ heads
 * the organs they head and everything below them; instance admins the whole tree (aggregates only); nobody
 * else. The figures themselves: ./stats.ts.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import type { OrganRef, StatsScope } from '$lib/shared/wire/staff';
import { sqlList } from './stats-queries';

/** Who may see statistics, and over which organs. */
export interface StatsAccess {
	/** 'head': the organs in `roots` and below; 'admin': the whole tree (roots = the top organs). */
	kind: StatsScope;
	roots: OrganRef[];
}

/**
 * The member's statistics access, or null (inspectors, organ admins, anyone without a head post).
 * An instance admin who also heads an organ gets the admin view (a superset).
 */
export async function statsAccess(db: Db, user: { id: string; isAdmin: boolean }): Promise<StatsAccess | null> {
	if (user.isAdmin) {
		const roots = rowsOf<OrganRef>(
			await db.execute(sql`select id, name, level from discipline_organ where parent_organ_id is null order by id`)
		);
		return { kind: 'admin', roots };
	}
	const heads = rowsOf<OrganRef & { ancestor_ids: string[] }>(
		await db.execute(sql`select o.id, o.name, o.level, o.ancestor_ids from organ_staff s
			join discipline_organ o on o.id = s.organ_id
			where s.staff_id = ${user.id} and s.role = 'head' order by o.id`)
	);
	if (heads.length === 0) return null;
	// An organ below another headed organ is already covered: keep only the topmost.
	const ids = new Set(heads.map((h) => h.id));
	const roots = heads
		.filter((h) => !(h.ancestor_ids ?? []).some((a) => ids.has(a)))
		.map(({ id, name, level }) => ({ id, name, level }));
	return { kind: 'head', roots };
}

/** Whether the member has statistics at all (instance admins, organ heads): the menu shows the page then. */
export async function hasStatistics(db: Db, user: { id: string; isAdmin: boolean }): Promise<boolean> {
	if (user.isAdmin) return true;
	const rows = rowsOf(
		await db.execute(sql`select 1 from organ_staff where staff_id = ${user.id} and role = 'head' limit 1`)
	);
	return rows.length > 0;
}

/** The organ `organId` if it lies in the access's jurisdiction (a root or below one), else null. */
export async function organInJurisdiction(
	db: Db,
	access: StatsAccess,
	organId: string
): Promise<(OrganRef & { path: OrganRef[] }) | null> {
	const [row] = rowsOf<OrganRef & { ancestor_ids: string[] }>(
		await db.execute(sql`select id, name, level, ancestor_ids from discipline_organ where id = ${organId}`)
	);
	if (!row) return null;
	const chain = [...(row.ancestor_ids ?? []), row.id];
	const rootIds = access.roots.map((r) => r.id);
	const at = chain.findIndex((id) => rootIds.includes(id));
	if (at < 0) return null;
	// The breadcrumb from the member's root down to this organ.
	const pathIds = chain.slice(at, -1);
	const names = pathIds.length
		? rowsOf<OrganRef>(
				await db.execute(sql`select id, name, level from discipline_organ where id in ${sqlList(pathIds)}`)
			)
		: [];
	const byId = new Map(names.map((n) => [n.id, n]));
	return {
		id: row.id,
		name: row.name,
		level: row.level,
		path: pathIds.map((id) => byId.get(id)).filter((x): x is OrganRef => x !== undefined)
	};
}

/** The organs directly below `organId` that hold or held reports' jurisdiction (for drilling down). */
export async function childOrgans(db: Db, organId: string): Promise<OrganRef[]> {
	return rowsOf<OrganRef>(
		await db.execute(sql`select id, name, level from discipline_organ where parent_organ_id = ${organId} order by id`)
	);
}
