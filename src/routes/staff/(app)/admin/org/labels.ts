import { m } from '$lib/paraglide/messages';

/** Display names of the directory's codes, through paraglide (zh-CN first, en second). */
export const levelLabel = (level: string): string =>
	({
		central: m.org_level_central(),
		province: m.org_level_province(),
		city: m.org_level_city(),
		county: m.org_level_county(),
		township: m.org_level_township()
	})[level] ?? level;

export const positionLabel = (position: string): string =>
	({
		top_leader: m.org_position_top_leader(),
		team_member: m.org_position_team_member(),
		other_staff: m.org_position_other_staff()
	})[position] ?? position;

export const roleLabel = (role: string): string =>
	({ inspector: m.org_role_inspector(), head: m.org_role_head(), admin: m.org_role_admin() })[role] ?? role;

export const organKindLabel = (kind: string): string =>
	({ commission: m.org_kind_commission(), stationed_team: m.org_kind_stationed_team() })[kind] ?? kind;

export const relationLabel = (relation: string): string =>
	({
		jurisdiction: m.org_relation_jurisdiction(),
		stationed_here: m.org_relation_stationed_here(),
		is_organ: m.org_relation_is_organ()
	})[relation] ?? relation;

export const warningLabel = (code: string): string =>
	({
		fell_back_to_ancestor: m.org_warning_fell_back(),
		no_higher_organ: m.org_warning_no_higher(),
		jurisdiction_inherited: m.org_warning_inherited(),
		ambiguous_jurisdiction: m.org_warning_ambiguous(),
		no_recipients: m.org_warning_no_recipients()
	})[code] ?? code;
