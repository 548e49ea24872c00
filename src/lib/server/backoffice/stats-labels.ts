/**
 * Labels of the statistics' dimensions (messages/stats; categories reuse the reporter guide's names and
 * workflow states the workflow vocabulary). Used by the page and by the CSV, so both say the same.
 */
import { categoryLabel } from '$lib/shared/categories';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { STATE_INFO, isWorkflowState } from '$lib/server/workflow/vocabulary';

type Dimension = 'summary' | 'month' | 'category' | 'position' | 'kind' | 'disposition' | 'outcome' | 'state';

const POSITIONS: Record<string, () => string> = {
	top_leader: m.stats_position_top_leader,
	team_member: m.stats_position_team_member,
	other_staff: m.stats_position_other_staff
};
const KINDS: Record<string, () => string> = {
	public_tip: m.stats_kind_public_tip,
	member_tip: m.stats_kind_member_tip,
	peer_report: m.stats_kind_peer_report,
	interference_record: m.stats_kind_interference_record,
	criticism_suggestion: m.stats_kind_criticism_suggestion
};
const DISPOSITIONS: Record<string, () => string> = {
	'': m.stats_disposition_none,
	talk_inquiry: m.stats_disposition_talk_inquiry,
	preliminary_verification: m.stats_disposition_preliminary_verification,
	hold_pending: m.stats_disposition_hold_pending,
	close: m.stats_disposition_close,
	to_investigation: m.stats_disposition_to_investigation
};
const OUTCOMES: Record<string, () => string> = {
	'': m.stats_outcome_none,
	closed: m.stats_outcome_closed,
	cleared: m.stats_outcome_cleared,
	'handled:form1': m.stats_outcome_form1,
	'handled:form2': m.stats_outcome_form2,
	'handled:form3': m.stats_outcome_form3,
	'handled:form4': m.stats_outcome_form4
};
const SUMMARY: Record<string, () => string> = {
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

export function dimensionLabel(dimension: Dimension, key: string): string {
	switch (dimension) {
		case 'summary':
			return SUMMARY[key]?.() ?? key;
		case 'month':
			return key;
		case 'category':
			return categoryLabel(key);
		case 'position':
			return POSITIONS[key]?.() ?? key;
		case 'kind':
			return KINDS[key]?.() ?? key;
		case 'disposition':
			return DISPOSITIONS[key]?.() ?? key;
		case 'outcome':
			return OUTCOMES[key]?.() ?? key;
		case 'state':
			return isWorkflowState(key) ? STATE_INFO[key][getLocale() === 'en' ? 'en' : 'zh'] : key;
	}
}
