/**
 * Database side of the directory: reads the slice of it routing needs, and replaces the whole directory
 * (demo or import) in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index';
import { validEntriesForOrgans } from '../keys/directory';
import { getActiveRootKey } from '../keys/root-key';
import {
	disciplineOrgan,
	leadershipPost,
	organJurisdiction,
	organStaff,
	orgUnit,
	orgUnitSearch,
	postManagement,
	staffConflict,
	staffUser
} from '../db/schema';
import type { DemoUser } from '../demo/province';
import { pinyinFields } from './search';
import { rowsOf } from './sql';
import {
	inferUnitType,
	makeSnapshot,
	type Organ,
	type OrgData,
	type OrgSnapshot,
	type OrgUnit,
	type PostManagement,
	type StaffMember
} from './types';

/** auth_hash of demo accounts: not an Argon2id encoding, so no password ever verifies against it. */
export const DEMO_AUTH_HASH = '!demo-no-login';

/**
 * Everything routing may look at for one unit: the unit and its ancestors, the jurisdiction rows that
 * cover them, the organ the unit itself is, every organ above those, their active staff, and the staff
 * who declared a conflict for the unit. One round trip for the slice, one for the keys.
 *
 * `hasKey` of each member comes from the signed key directory once the organization has a root key: a
 * member is keyed when they hold a valid, unrevoked entry for that organ under the active root key at
 * `now` (the same entries the reporter's browser seals to). The organ_staff.has_key column counts only
 * while no root key exists yet (a fresh demo directory can be previewed); it is ignored afterwards.
 */
export async function loadRoutingSnapshot(db: Db, unitId: string, now = new Date()): Promise<OrgSnapshot> {
	// org_routing_slice (drizzle/0001_org.sql) is PL/pgSQL so its plan is cached per session; it uses index
	// lookups only (ancestor ids are materialized by the writer), never a recursive scan.
	const [[row], root] = await Promise.all([
		db.execute(sql`select org_routing_slice(${unitId}) as data`).then((r) => rowsOf<{ data: string | null }>(r)),
		getActiveRootKey(db)
	]);
	const data = JSON.parse(row?.data ?? '{}') as Partial<OrgData>;
	let staff = data.staff ?? [];
	if (root) {
		const organIds = [...new Set(staff.map((s) => s.organId))];
		const keyed = new Set(
			(await validEntriesForOrgans(db, organIds, now)).map((e) => `${e.organId}\u0000${e.staffId}`)
		);
		staff = staff.map((s) => ({ ...s, hasKey: keyed.has(`${s.organId}\u0000${s.id}`) }));
	}
	return makeSnapshot({
		units: data.units ?? [],
		organs: data.organs ?? [],
		jurisdiction: data.jurisdiction ?? [],
		staff,
		conflicts: data.conflicts ?? [],
		posts: data.posts ?? [],
		management: data.management ?? []
	});
}

/** The whole directory (tests, export). Staff whose account is disabled are left out. */
export async function loadOrgData(db: Db): Promise<OrgData> {
	const [units, organs, jurisdiction, staff, conflicts, posts, management] = await Promise.all([
		db
			.select({
				id: orgUnit.id,
				parentId: orgUnit.parentId,
				name: orgUnit.name,
				level: orgUnit.level,
				regionPath: orgUnit.regionPath,
				type: orgUnit.unitType,
				headcount: orgUnit.headcount
			})
			.from(orgUnit)
			.orderBy(orgUnit.id),
		db
			.select({
				id: disciplineOrgan.id,
				name: disciplineOrgan.name,
				kind: disciplineOrgan.kind,
				level: disciplineOrgan.level,
				unitId: disciplineOrgan.unitId,
				hostUnitId: disciplineOrgan.hostUnitId,
				parentOrganId: disciplineOrgan.parentOrganId
			})
			.from(disciplineOrgan)
			.orderBy(disciplineOrgan.id),
		db
			.select({ organId: organJurisdiction.organId, unitId: organJurisdiction.unitId })
			.from(organJurisdiction)
			.orderBy(organJurisdiction.organId, organJurisdiction.unitId),
		db
			.select({ id: organStaff.staffId, organId: organStaff.organId, role: organStaff.role, hasKey: organStaff.hasKey })
			.from(organStaff)
			.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
			.where(sql`${staffUser.disabledAt} is null`)
			.orderBy(organStaff.organId, organStaff.staffId),
		db
			.select({ staffId: staffConflict.staffId, unitId: staffConflict.unitId, reason: staffConflict.reason })
			.from(staffConflict)
			.orderBy(staffConflict.unitId, staffConflict.staffId),
		db
			.select({
				unitId: leadershipPost.unitId,
				position: leadershipPost.position,
				title: leadershipPost.title,
				holderName: leadershipPost.holderName
			})
			.from(leadershipPost)
			.orderBy(leadershipPost.id),
		db
			.select({
				unitId: postManagement.unitId,
				position: postManagement.position,
				managedBy: postManagement.managedBy,
				organId: postManagement.organId
			})
			.from(postManagement)
			.orderBy(postManagement.unitId, postManagement.position)
	]);
	return {
		// headcount only where known (the directory's files leave it out otherwise).
		units: units.map(({ headcount, ...u }) => (headcount ? { ...u, headcount } : u)) as OrgUnit[],
		organs: organs as Organ[],
		jurisdiction,
		staff: staff as StaffMember[],
		conflicts,
		posts: posts as OrgData['posts'],
		management: management as PostManagement[]
	};
}

export class OrgDataExistsError extends Error {
	constructor() {
		super('The database already holds organization data that is not the demo; use --force to replace it.');
		this.name = 'OrgDataExistsError';
	}
}

/** True when any unit or organ was not loaded by the demo. */
export async function hasNonDemoOrgData(db: Db): Promise<boolean> {
	const [row] = rowsOf<{ n: boolean }>(
		await db.execute(sql`select exists (select 1 from org_unit where not is_demo)
			or exists (select 1 from discipline_organ where not is_demo) as n`)
	);
	return row?.n === true;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

/** Ancestor ids of each item, top first; a cycle or unknown parent simply ends the chain. */
function ancestorIds<T extends { id: string }>(
	items: readonly T[],
	parentOf: (t: T) => string | null
): Map<string, string[]> {
	const byId = new Map(items.map((t) => [t.id, t] as const));
	const out = new Map<string, string[]>();
	for (const item of items) {
		const chain: string[] = [];
		const seen = new Set<string>([item.id]);
		let p = parentOf(item);
		while (p !== null && !seen.has(p)) {
			const cached = out.get(p);
			if (cached) {
				chain.push(p, ...[...cached].reverse().filter((id) => !seen.has(id)));
				break;
			}
			seen.add(p);
			chain.push(p);
			const parent = byId.get(p);
			p = parent ? parentOf(parent) : null;
		}
		out.set(item.id, chain.reverse());
	}
	return out;
}

/** Parents before children (units and organs are written in this order for the foreign keys). */
function parentsFirst<T extends { id: string }>(items: readonly T[], parentOf: (t: T) => string | null): T[] {
	const byId = new Map(items.map((t) => [t.id, t] as const));
	const depth = new Map<string, number>();
	const depthOf = (t: T): number => {
		const known = depth.get(t.id);
		if (known !== undefined) return known;
		const seen = new Set<string>();
		const path: T[] = [];
		let cur: T | undefined = t;
		let base = 0;
		while (cur && !seen.has(cur.id)) {
			const d = depth.get(cur.id);
			if (d !== undefined) {
				base = d + 1;
				break;
			}
			seen.add(cur.id);
			path.push(cur);
			const p = parentOf(cur);
			cur = p === null ? undefined : byId.get(p);
		}
		for (let i = path.length - 1; i >= 0; i--) depth.set(path[i]!.id, base + (path.length - 1 - i));
		return depth.get(t.id) ?? 0;
	};
	return [...items].sort((a, b) => depthOf(a) - depthOf(b));
}

export interface ReplaceOptions {
	/** Mark everything as demo data (and create the demo staff accounts). */
	demo: boolean;
	/** Demo staff accounts to create (placeholder credentials that can never sign in). */
	users?: DemoUser[];
	/** Throw OrgDataExistsError (inside the transaction, so nothing changes) if non-demo data exists. */
	refuseNonDemo?: boolean;
}

/**
 * Replaces the whole directory with `data`, all or nothing: one transaction deletes every org row and
 * previous demo accounts, then writes units (with pinyin), search keys, posts, organs, jurisdiction,
 * staff membership and conflicts. Non-demo staff accounts are never deleted.
 */
export async function replaceOrgData(db: Db, data: OrgData, opts: ReplaceOptions): Promise<void> {
	await db.transaction(async (tx) => {
		if (opts.refuseNonDemo && (await hasNonDemoOrgData(tx as unknown as Db))) throw new OrgDataExistsError();
		await tx.delete(staffConflict);
		await tx.delete(organStaff);
		await tx.delete(organJurisdiction);
		await tx.delete(leadershipPost);
		await tx.delete(postManagement);
		await tx.delete(orgUnitSearch);
		await tx.delete(disciplineOrgan);
		await tx.delete(orgUnit);
		await tx.delete(staffUser).where(eq(staffUser.authHash, DEMO_AUTH_HASH));

		for (const part of chunks(opts.users ?? [], 1000)) {
			await tx.insert(staffUser).values(
				part.map((u) => ({
					id: u.id,
					username: u.username,
					displayName: u.displayName,
					authSalt: new Uint8Array(randomBytes(16)),
					authParams: { m: 65536, t: 3, p: 1 },
					authHash: DEMO_AUTH_HASH
				}))
			);
		}
		const unitAncestors = ancestorIds(data.units, (u) => u.parentId);
		const unitById = new Map(data.units.map((u) => [u.id, u] as const));
		for (const part of chunks(
			parentsFirst(data.units, (u) => u.parentId),
			1000
		)) {
			await tx.insert(orgUnit).values(
				part.map((u) => ({
					id: u.id,
					parentId: u.parentId,
					name: u.name,
					level: u.level,
					regionPath: u.regionPath,
					unitType: inferUnitType(u, u.parentId === null ? undefined : unitById.get(u.parentId)),
					headcount: u.headcount ?? null,
					...pinyinFields(u.name),
					ancestorIds: unitAncestors.get(u.id) ?? [],
					isDemo: opts.demo
				}))
			);
		}
		// One search row per character position, derived in SQL from the pinyin columns just written.
		await tx.execute(sql`
			insert into org_unit_search (unit_id, pos, name_key, pinyin_key, initials_key)
			select u.id, g.k, substr(u.name, g.k),
				array_to_string((string_to_array(u.pinyin_full, ' '))[g.k:], ''),
				substr(u.pinyin_initials, g.k)
			from org_unit u cross join lateral generate_series(1, char_length(u.name)) as g(k)`);
		for (const part of chunks(data.posts, 2000)) {
			await tx.insert(leadershipPost).values(part);
		}
		const organAncestors = ancestorIds(data.organs, (o) => o.parentOrganId);
		for (const part of chunks(
			parentsFirst(data.organs, (o) => o.parentOrganId),
			1000
		)) {
			await tx
				.insert(disciplineOrgan)
				.values(part.map((o) => ({ ...o, ancestorIds: organAncestors.get(o.id) ?? [], isDemo: opts.demo })));
		}
		for (const part of chunks(data.jurisdiction, 5000)) {
			await tx.insert(organJurisdiction).values(part);
		}
		for (const part of chunks(data.staff, 3000)) {
			await tx
				.insert(organStaff)
				.values(part.map((s) => ({ staffId: s.id, organId: s.organId, role: s.role, hasKey: s.hasKey })));
		}
		for (const part of chunks(data.conflicts, 3000)) {
			await tx.insert(staffConflict).values(part);
		}
		for (const part of chunks(data.management ?? [], 3000)) {
			await tx.insert(postManagement).values(part);
		}
	});
	// Fresh statistics, so the planner keeps using the indexes after a bulk load.
	await db.execute(
		sql`analyze org_unit, org_unit_search, leadership_post, post_management, discipline_organ, organ_jurisdiction, organ_staff, staff_conflict, staff_user`
	);
}

/**
 * Loads the demo directory. Refused (OrgDataExistsError) when non-demo org data exists, unless forced;
 * an earlier demo load is simply replaced.
 */
export async function loadDemo(
	db: Db,
	demo: OrgData & { users: DemoUser[] },
	opts: { force?: boolean } = {}
): Promise<void> {
	await replaceOrgData(db, demo, { demo: true, users: demo.users, refuseNonDemo: !opts.force });
}
