/**
 * The report categories and their names in the reader's language. The guide and the public statistics
 * (browser) and the back-office statistics and CSV (server) all name categories, so this lives in shared.
 */
import { m } from '$lib/paraglide/messages';

/** The report categories of the taxonomy, in the order the guide explains them. */
export const DISCIPLINES = ['political', 'organizational', 'integrity', 'mass', 'work', 'life'] as const;
export const MISCONDUCT = [
	'corruption_bribery',
	'abuse_of_power',
	'dereliction',
	'rent_seeking',
	'benefit_transfer',
	'favouritism',
	'waste_state_assets'
] as const;
export const OTHER = ['four_styles', 'appointments', 'other'] as const;
export const CATEGORY_ORDER: readonly string[] = [...DISCIPLINES, ...MISCONDUCT, ...OTHER];

const labels: Record<string, () => string> = {
	political: m.guide_cat_political,
	organizational: m.guide_cat_organizational,
	integrity: m.guide_cat_integrity,
	mass: m.guide_cat_mass,
	work: m.guide_cat_work,
	life: m.guide_cat_life,
	corruption_bribery: m.guide_cat_corruption_bribery,
	abuse_of_power: m.guide_cat_abuse_of_power,
	dereliction: m.guide_cat_dereliction,
	rent_seeking: m.guide_cat_rent_seeking,
	benefit_transfer: m.guide_cat_benefit_transfer,
	favouritism: m.guide_cat_favouritism,
	waste_state_assets: m.guide_cat_waste_state_assets,
	four_styles: m.guide_cat_four_styles,
	appointments: m.guide_cat_appointments,
	other: m.guide_cat_other
};

/** The reporter-facing name of a category code (the code itself if it is unknown). */
export function categoryLabel(code: string): string {
	return labels[code]?.() ?? code;
}
