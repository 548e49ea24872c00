/**
 * Category names in the guide's words: the guide, the public figures on the home page, and the back
 * office's statistics and their CSV (see ./lookup.ts).
 */
import { m } from '$lib/paraglide/messages';
import type { Category } from '$lib/shared/vocabulary/report';
import { labelIn, type Msg } from './lookup';

/** Category names in the guide's words (the guide, the public figures, the statistics and their CSV). */
export const categoryNames = {
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
} satisfies Record<Category, Msg>;

/** The guide's name of a category (the code itself if unknown). */
export function categoryName(code: string | null | undefined): string {
	return labelIn(categoryNames, code);
}
