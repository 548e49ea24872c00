/**
 * "A cadre of the same-level committee" (同级党委管理的干部, issue 18; supervision.md "Departments and who
 * decides"): filing a case (立案) against one is approved by the organ's main leader and reported to the
 * committee's main leader (报同级党委主要负责人). True when the post the report is about (its unit and
 * position, the clear routing fields) is managed by the party committee whose discipline organ holds the
 * report (or sent the stationed team that holds it): the routing rules' own answer (org/routing.ts), asked
 * of the directory with every organ staffed, so that who holds keys today does not change the answer.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { routeReport } from '$lib/server/org/routing';
import { rowsOf } from '$lib/server/org/sql';
import { makeSnapshot, type OrgData, type Organ, type OrgSnapshot } from '$lib/server/org/types';
import type { PositionKind } from '$lib/shared/vocabulary/report';

const commissionOf = (snap: OrgSnapshot, o: Organ): string =>
	o.kind === 'stationed_team' && o.parentOrganId ? o.parentOrganId : o.id;

/** Pure: the answer on a directory slice (every organ treated as staffed). */
export function isSameLevelCadre(snap: OrgSnapshot, organId: string, unitId: string, position: PositionKind): boolean {
	if (position !== 'top_leader' && position !== 'team_member') return false;
	const holder = snap.organs.get(organId);
	if (!holder) return false;
	const routed = routeReport(snap, { unitId, position, escalate: false });
	if (routed.status !== 'routed' || routed.rules.includes('organ_self_to_parent')) return false;
	return commissionOf(snap, routed.organ) === commissionOf(snap, holder);
}

/** The same on the database's directory slice around the unit. */
export async function sameLevelCadre(
	db: Db,
	organId: string,
	unitId: string,
	position: PositionKind
): Promise<boolean> {
	if (position !== 'top_leader' && position !== 'team_member') return false;
	const [row] = rowsOf<{ data: string | null }>(await db.execute(sql`select org_routing_slice(${unitId}) as data`));
	const data = JSON.parse(row?.data ?? '{}') as Partial<OrgData>;
	const organs = data.organs ?? [];
	const snap = makeSnapshot({
		units: data.units ?? [],
		organs,
		jurisdiction: data.jurisdiction ?? [],
		staff: organs.map((o) => ({ id: `staffed:${o.id}`, organId: o.id, role: 'inspector' as const, hasKey: true })),
		conflicts: [],
		posts: data.posts ?? [],
		management: data.management ?? []
	});
	return isSameLevelCadre(snap, organId, unitId, position);
}
