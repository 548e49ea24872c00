/**
 * The vocabularies of the report form (codes from /work/shared/domain/taxonomy.json and docs/reporting.md),
 * each with its translated label. Only codes travel in the clear; labels are for display.
 */
import { m } from '$lib/paraglide/messages';
import type { KindCode, PositionCode } from './client';

type Msg = () => string;
export interface Choice<C extends string = string> {
	code: C;
	label: Msg;
	hint?: Msg;
}

export const POSITIONS: Choice<PositionCode>[] = [
	{ code: 'top_leader', label: m.report_position_top_leader },
	{ code: 'team_member', label: m.report_position_team_member },
	{ code: 'other_staff', label: m.report_position_other_staff }
];

export const KINDS: Choice<KindCode>[] = [
	{ code: 'public_tip', label: m.report_kind_public_tip, hint: m.report_kind_public_tip_hint },
	{ code: 'member_tip', label: m.report_kind_member_tip, hint: m.report_kind_member_tip_hint },
	{ code: 'peer_report', label: m.report_kind_peer_report, hint: m.report_kind_peer_report_hint },
	{
		code: 'interference_record',
		label: m.report_kind_interference_record,
		hint: m.report_kind_interference_record_hint
	},
	{
		code: 'criticism_suggestion',
		label: m.report_kind_criticism_suggestion,
		hint: m.report_kind_criticism_suggestion_hint
	}
];

export type MatterCode = 'cadre_selection' | 'project' | 'discipline_enforcement' | 'judicial' | 'other';
export const MATTERS: Choice<MatterCode>[] = [
	{ code: 'cadre_selection', label: m.report_matter_cadre_selection },
	{ code: 'project', label: m.report_matter_project },
	{ code: 'discipline_enforcement', label: m.report_matter_discipline_enforcement },
	{ code: 'judicial', label: m.report_matter_judicial },
	{ code: 'other', label: m.report_matter_other }
];

export type HowCode = 'greeting' | 'note' | 'instruction' | 'other';
export const HOWS: Choice<HowCode>[] = [
	{ code: 'greeting', label: m.report_how_greeting },
	{ code: 'note', label: m.report_how_note },
	{ code: 'instruction', label: m.report_how_instruction },
	{ code: 'other', label: m.report_how_other }
];

export type CategoryCode =
	| 'political'
	| 'organizational'
	| 'integrity'
	| 'mass'
	| 'work'
	| 'life'
	| 'corruption_bribery'
	| 'abuse_of_power'
	| 'dereliction'
	| 'rent_seeking'
	| 'benefit_transfer'
	| 'favouritism'
	| 'waste_state_assets'
	| 'appointments'
	| 'four_styles'
	| 'other';

export const CATEGORY_GROUPS: { label: Msg; items: Choice<CategoryCode>[] }[] = [
	{
		label: m.report_category_group_discipline,
		items: [
			{ code: 'political', label: m.report_category_political, hint: m.report_category_political_hint },
			{ code: 'organizational', label: m.report_category_organizational, hint: m.report_category_organizational_hint },
			{ code: 'integrity', label: m.report_category_integrity, hint: m.report_category_integrity_hint },
			{ code: 'mass', label: m.report_category_mass, hint: m.report_category_mass_hint },
			{ code: 'work', label: m.report_category_work, hint: m.report_category_work_hint },
			{ code: 'life', label: m.report_category_life, hint: m.report_category_life_hint }
		]
	},
	{
		label: m.report_category_group_misconduct,
		items: [
			{
				code: 'corruption_bribery',
				label: m.report_category_corruption_bribery,
				hint: m.report_category_corruption_bribery_hint
			},
			{ code: 'abuse_of_power', label: m.report_category_abuse_of_power, hint: m.report_category_abuse_of_power_hint },
			{ code: 'dereliction', label: m.report_category_dereliction, hint: m.report_category_dereliction_hint },
			{ code: 'rent_seeking', label: m.report_category_rent_seeking, hint: m.report_category_rent_seeking_hint },
			{
				code: 'benefit_transfer',
				label: m.report_category_benefit_transfer,
				hint: m.report_category_benefit_transfer_hint
			},
			{ code: 'favouritism', label: m.report_category_favouritism, hint: m.report_category_favouritism_hint },
			{
				code: 'waste_state_assets',
				label: m.report_category_waste_state_assets,
				hint: m.report_category_waste_state_assets_hint
			}
		]
	},
	{
		label: m.report_category_group_other,
		items: [
			{ code: 'appointments', label: m.report_category_appointments, hint: m.report_category_appointments_hint },
			{ code: 'four_styles', label: m.report_category_four_styles, hint: m.report_category_four_styles_hint },
			{ code: 'other', label: m.report_category_other, hint: m.report_category_other_hint }
		]
	}
];

/** Label of any code above (for summaries); the code itself if unknown. */
export function labelOf(list: Choice[], code: string | null | undefined): string {
	return list.find((c) => c.code === code)?.label() ?? code ?? '';
}

export function categoryLabel(code: string | null | undefined): string {
	return labelOf(
		CATEGORY_GROUPS.flatMap((g) => g.items),
		code
	);
}

/** "1.2 MB" / "340 KB": sizes for people. */
export function formatBytes(n: number): string {
	if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
	return `${Math.max(1, Math.round(n / 1024))} KB`;
}
