/** The guide's example of each category (see ./lookup.ts). */
import { m } from '$lib/paraglide/messages';
import type { Category } from '$lib/shared/vocabulary/report';
import type { Msg } from './lookup';

/** The guide's example of each category. */
export const categoryExamples = {
	political: m.guide_ex_political,
	organizational: m.guide_ex_organizational,
	integrity: m.guide_ex_integrity,
	mass: m.guide_ex_mass,
	work: m.guide_ex_work,
	life: m.guide_ex_life,
	corruption_bribery: m.guide_ex_corruption_bribery,
	abuse_of_power: m.guide_ex_abuse_of_power,
	dereliction: m.guide_ex_dereliction,
	rent_seeking: m.guide_ex_rent_seeking,
	benefit_transfer: m.guide_ex_benefit_transfer,
	favouritism: m.guide_ex_favouritism,
	waste_state_assets: m.guide_ex_waste_state_assets,
	four_styles: m.guide_ex_four_styles,
	appointments: m.guide_ex_appointments,
	other: m.guide_ex_other
} satisfies Record<Category, Msg>;
