/**
 * Labels of the statistics' dimensions, for the page and the CSV, so both say the same: the maps of
 * src/lib/i18n (paraglide; categories in the guide's words) and, for workflow states, the workflow's own
 * {zh, en} labels.
 */
import { categoryName } from '$lib/i18n/categories';
import { labelIn } from '$lib/i18n/lookup';
import { statsDispositionLabels, statsOutcomeLabels, statsPositionLabels, statsSummaryLabels } from '$lib/i18n/staff';
import { getLocale } from '$lib/paraglide/runtime';
import { STATE_INFO, isWorkflowState } from '$lib/server/workflow/vocabulary';

type Dimension = 'summary' | 'month' | 'category' | 'position' | 'disposition' | 'outcome' | 'state';

export function dimensionLabel(dimension: Dimension, key: string): string {
	switch (dimension) {
		case 'summary':
			return labelIn(statsSummaryLabels, key);
		case 'month':
			return key;
		case 'category':
			return categoryName(key);
		case 'position':
			return labelIn(statsPositionLabels, key);
		case 'disposition':
			return labelIn(statsDispositionLabels, key);
		case 'outcome':
			return labelIn(statsOutcomeLabels, key);
		case 'state':
			return isWorkflowState(key) ? STATE_INFO[key][getLocale() === 'en' ? 'en' : 'zh'] : key;
	}
}
