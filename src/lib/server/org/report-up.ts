/**
 * "Must be reported up (Art. 22)": clues about members of the same-level party committee, or about the
 * receiving organ's own leadership, may be received by the same-level organ but must be reported to the
 * higher organ, which decides who handles them (2019 supervision and discipline enforcement rules, Art.
 * 22; ../shared/domain/supervision.md). Pure; the back office shows the flag on a report's page.
 */
import type { PositionKind } from '../../shared/vocabulary/report';
import type { Organ, OrgSnapshot } from './types';

/**
 * True when a report about `position` in `unitId`, held by `organId`, must be reported up: the accused is
 * a leader (top leader or team member) of the region whose commission `organId` is (or sent the team
 * `organId`), or of the unit that is that commission itself.
 */
export function mustReportUp(snap: OrgSnapshot, organId: string, unitId: string, position: PositionKind): boolean {
	if (position !== 'top_leader' && position !== 'team_member') return false;
	const organ = snap.organs.get(organId);
	const unit = snap.units.get(unitId);
	if (!organ || !unit) return false;
	const commission: Organ | undefined =
		organ.kind === 'stationed_team' && organ.parentOrganId ? snap.organs.get(organ.parentOrganId) : organ;
	if (!commission) return false;
	if (commission.unitId === unitId) return true;
	if (unit.type !== 'party_government' && unit.type !== 'township') return false;
	return (snap.organsByUnit.get(unitId) ?? []).includes(commission.id) && commission.level === unit.level;
}
