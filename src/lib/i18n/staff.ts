/**
 * The back office's names of the shared codes, through paraglide (./lookup.ts says how this folder works):
 * the directory's codes on the admin pages, the statistics' dimensions (page and CSV), the inbox's
 * stages and the notices. Each map is typed `satisfies Record<Code, …>`. The workflow's own {zh, en}
 * labels (states, actions, deadlines, outcomes) live with the state machine and travel as page data.
 */
import { m } from '$lib/paraglide/messages';
import { labelIn, type Msg } from './lookup';
import type {
	AdminLevel,
	OrganKind,
	RoutingWarningCode,
	StaffRole,
	UnitOrganRelation
} from '$lib/shared/vocabulary/org';
import type { PositionKind, ReportKind } from '$lib/shared/vocabulary/report';
import type { Disposition, NoticeKind, OutcomeCode, Stage } from '$lib/shared/vocabulary/workflow';

/* ------------------------------------------------------------------ the directory (admin pages) */

export const levelLabels = {
	central: m.org_level_central,
	province: m.org_level_province,
	city: m.org_level_city,
	county: m.org_level_county,
	township: m.org_level_township
} satisfies Record<AdminLevel, Msg>;

export const orgPositionLabels = {
	top_leader: m.org_position_top_leader,
	team_member: m.org_position_team_member,
	other_staff: m.org_position_other_staff
} satisfies Record<PositionKind, Msg>;

export const roleLabels = {
	inspector: m.org_role_inspector,
	head: m.org_role_head,
	admin: m.org_role_admin
} satisfies Record<StaffRole, Msg>;

export const organKindLabels = {
	commission: m.org_kind_commission,
	stationed_team: m.org_kind_stationed_team
} satisfies Record<OrganKind, Msg>;

export const relationLabels = {
	jurisdiction: m.org_relation_jurisdiction,
	stationed_here: m.org_relation_stationed_here,
	is_organ: m.org_relation_is_organ
} satisfies Record<UnitOrganRelation, Msg>;

export const routingWarningLabels = {
	fell_back_to_ancestor: m.org_warning_fell_back,
	no_higher_organ: m.org_warning_no_higher,
	jurisdiction_inherited: m.org_warning_inherited,
	ambiguous_jurisdiction: m.org_warning_ambiguous,
	no_recipients: m.org_warning_no_recipients,
	managing_organ_missing: m.org_warning_managing_organ_missing
} satisfies Record<RoutingWarningCode, Msg>;

/* ------------------------------------------------------------------ statistics (page and CSV) */

export const statsPositionLabels = {
	top_leader: m.stats_position_top_leader,
	team_member: m.stats_position_team_member,
	other_staff: m.stats_position_other_staff
} satisfies Record<PositionKind, Msg>;

export const statsKindLabels = {
	public_tip: m.stats_kind_public_tip,
	member_tip: m.stats_kind_member_tip,
	peer_report: m.stats_kind_peer_report,
	interference_record: m.stats_kind_interference_record,
	criticism_suggestion: m.stats_kind_criticism_suggestion
} satisfies Record<ReportKind, Msg>;

/** Dispositions; '' is "none yet". */
export const statsDispositionLabels = {
	'': m.stats_disposition_none,
	talk_inquiry: m.stats_disposition_talk_inquiry,
	preliminary_verification: m.stats_disposition_preliminary_verification,
	hold_pending: m.stats_disposition_hold_pending,
	close: m.stats_disposition_close,
	to_investigation: m.stats_disposition_to_investigation
} satisfies Record<Disposition | '', Msg>;

/** Outcome codes; '' is "none yet". */
export const statsOutcomeLabels = {
	'': m.stats_outcome_none,
	closed: m.stats_outcome_closed,
	cleared: m.stats_outcome_cleared,
	'handled:form1': m.stats_outcome_form1,
	'handled:form2': m.stats_outcome_form2,
	'handled:form3': m.stats_outcome_form3,
	'handled:form4': m.stats_outcome_form4
} satisfies Record<OutcomeCode | '', Msg>;

/** The summary figures (not codes of a vocabulary: the statistics' own keys). */
export const statsSummaryLabels: Readonly<Record<string, Msg>> = {
	total: m.stats_total,
	open: m.stats_open,
	overdue: m.stats_overdue,
	overdue_rate: m.stats_overdue_rate,
	concluded: m.stats_concluded,
	deadlines_met: m.stats_deadlines_met,
	deadlines_met_late: m.stats_deadlines_met_late,
	late_rate: m.stats_late_rate,
	median_days: m.stats_median_days
};

/* ------------------------------------------------------------------ inbox and notices */

export const stageLabels = {
	intake: m.staff_stage_intake,
	approval: m.staff_stage_approval,
	elsewhere: m.staff_stage_elsewhere,
	closed: m.staff_stage_closed,
	handling: m.staff_stage_handling,
	investigation: m.staff_stage_investigation,
	after: m.staff_stage_after
} satisfies Record<Stage, Msg>;

export const noticeLabels = {
	due_soon: m.staff_notice_due_soon,
	overdue: m.staff_notice_overdue,
	approval_requested: m.staff_notice_approval_requested,
	assigned: m.staff_notice_assigned,
	transferred_in: m.staff_notice_transferred_in,
	granted: m.staff_notice_granted,
	register_overdue: m.staff_notice_register_overdue,
	protection_requested: m.protect_notice_requested,
	protection_overdue: m.protect_notice_overdue,
	handdown_in: m.handdown_notice_in,
	handdown_overdue: m.handdown_notice_overdue,
	handdown_result: m.handdown_notice_result
} satisfies Record<NoticeKind, Msg>;

/* ------------------------------------------------------------------ lookups (the code itself when unknown) */

export const levelLabel = (code: string): string => labelIn(levelLabels, code);
export const orgPositionLabel = (code: string): string => labelIn(orgPositionLabels, code);
export const roleLabel = (code: string): string => labelIn(roleLabels, code);
export const organKindLabel = (code: string): string => labelIn(organKindLabels, code);
export const relationLabel = (code: string): string => labelIn(relationLabels, code);
export const warningLabel = (code: string): string => labelIn(routingWarningLabels, code);
