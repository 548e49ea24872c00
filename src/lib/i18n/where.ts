/** The positions on "where will my report go?" (/where; see ./lookup.ts). */
import { m } from '$lib/paraglide/messages';
import type { PositionKind } from '$lib/shared/vocabulary/report';
import type { Msg } from './lookup';

/** The positions on /where. */
export const wherePositionLabels = {
	top_leader: m.where_position_top_leader,
	team_member: m.where_position_team_member,
	other_staff: m.where_position_other_staff
} satisfies Record<PositionKind, Msg>;
