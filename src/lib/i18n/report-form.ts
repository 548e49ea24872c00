/**
 * The report form's names (and hints) of the codes a reporter chooses, also how /follow-up and the back
 * office name a report's fields, and the names of what image stripping removed (see ./lookup.ts).
 */
import { m } from '$lib/paraglide/messages';
import type {
	Category,
	CategoryGroup,
	InterferenceHow,
	InterferenceMatter,
	MetadataCode,
	FormKind,
	PositionKind,
	ReportKind,
	ReporterRole
} from '$lib/shared/vocabulary/report';
import type { Described, Msg } from './lookup';

/** The report form's category choices (name and hint); also how the back office names a report's category. */
export const formCategoryLabels = {
	political: { label: m.report_category_political, hint: m.report_category_political_hint },
	organizational: { label: m.report_category_organizational, hint: m.report_category_organizational_hint },
	integrity: { label: m.report_category_integrity, hint: m.report_category_integrity_hint },
	mass: { label: m.report_category_mass, hint: m.report_category_mass_hint },
	work: { label: m.report_category_work, hint: m.report_category_work_hint },
	life: { label: m.report_category_life, hint: m.report_category_life_hint },
	corruption_bribery: {
		label: m.report_category_corruption_bribery,
		hint: m.report_category_corruption_bribery_hint
	},
	abuse_of_power: { label: m.report_category_abuse_of_power, hint: m.report_category_abuse_of_power_hint },
	dereliction: { label: m.report_category_dereliction, hint: m.report_category_dereliction_hint },
	rent_seeking: { label: m.report_category_rent_seeking, hint: m.report_category_rent_seeking_hint },
	benefit_transfer: { label: m.report_category_benefit_transfer, hint: m.report_category_benefit_transfer_hint },
	favouritism: { label: m.report_category_favouritism, hint: m.report_category_favouritism_hint },
	waste_state_assets: {
		label: m.report_category_waste_state_assets,
		hint: m.report_category_waste_state_assets_hint
	},
	appointments: { label: m.report_category_appointments, hint: m.report_category_appointments_hint },
	four_styles: { label: m.report_category_four_styles, hint: m.report_category_four_styles_hint },
	other: { label: m.report_category_other, hint: m.report_category_other_hint }
} satisfies Record<Category, Described>;

/** The headings of the report form's category groups. */
export const categoryGroupLabels = {
	discipline: m.report_category_group_discipline,
	misconduct: m.report_category_group_misconduct,
	other: m.report_category_group_other
} satisfies Record<CategoryGroup, Msg>;

/** The report form's position choices (also the back office's summary of a report). */
export const formPositionLabels = {
	top_leader: m.report_position_top_leader,
	team_member: m.report_position_team_member,
	other_staff: m.report_position_other_staff
} satisfies Record<PositionKind, Msg>;

/** The report form's kinds (name and hint). */
export const formKindLabels = {
	public_tip: { label: m.report_kind_public_tip, hint: m.report_kind_public_tip_hint },
	member_tip: { label: m.report_kind_member_tip, hint: m.report_kind_member_tip_hint },
	peer_report: { label: m.report_kind_peer_report, hint: m.report_kind_peer_report_hint },
	interference_record: { label: m.report_kind_interference_record, hint: m.report_kind_interference_record_hint },
	criticism_suggestion: { label: m.report_kind_criticism_suggestion, hint: m.report_kind_criticism_suggestion_hint }
} satisfies Record<ReportKind, Described>;

/** The kinds the report form offers (what the report is; who reports is asked apart, issue 19). */
export const formChoiceKindLabels = {
	public_tip: { label: m.protect_form_kind_tip, hint: m.protect_form_kind_tip_hint },
	interference_record: { label: m.report_kind_interference_record, hint: m.report_kind_interference_record_hint },
	criticism_suggestion: { label: m.report_kind_criticism_suggestion, hint: m.report_kind_criticism_suggestion_hint }
} satisfies Record<FormKind, Described>;

/** Who the reporter says they are (您的身份); also how /follow-up and the back office name it. */
export const reporterRoleLabels = {
	citizen: m.protect_role_public,
	party_member: m.protect_role_party_member,
	leadership_team: m.protect_role_team_member,
	informed_official: m.protect_role_informed_official
} satisfies Record<ReporterRole, Msg>;

/** The matters of an interference record. */
export const matterLabels = {
	cadre_selection: m.report_matter_cadre_selection,
	project: m.report_matter_project,
	discipline_enforcement: m.report_matter_discipline_enforcement,
	judicial: m.report_matter_judicial,
	other: m.report_matter_other
} satisfies Record<InterferenceMatter, Msg>;

/** How a leader interfered. */
export const howLabels = {
	greeting: m.report_how_greeting,
	note: m.report_how_note,
	instruction: m.report_how_instruction,
	other: m.report_how_other
} satisfies Record<InterferenceHow, Msg>;

/** What image stripping removed. */
export const metadataLabels = {
	gps: m.report_meta_gps,
	camera: m.report_meta_camera,
	datetime: m.report_meta_datetime,
	software: m.report_meta_software,
	author: m.report_meta_author,
	comment: m.report_meta_comment,
	thumbnail: m.report_meta_thumbnail,
	xmp: m.report_meta_xmp,
	iptc: m.report_meta_iptc,
	text: m.report_meta_text,
	exif: m.report_meta_exif,
	embedded_data: m.report_meta_embedded_data,
	other: m.report_meta_other
} satisfies Record<MetadataCode, Msg>;

/** The name of a removed-metadata code; an unknown one reads as "other data". */
export function metadataLabel(code: string): string {
	const known = Object.prototype.hasOwnProperty.call(metadataLabels, code);
	return (known ? metadataLabels[code as MetadataCode] : metadataLabels.other)();
}
