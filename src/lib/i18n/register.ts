/**
 * Names of the interference register's codes (issue 19 item 3) for the official's page and the back
 * office: answers, periods, and the matter and manner of an interference (the report form's labels).
 */
import { m } from '$lib/paraglide/messages';
import { labelIn, type Msg } from './lookup';
import { howLabels, matterLabels } from './report-form';
import type { RegisterAnswer, RegisterPeriod } from '$lib/shared/vocabulary/register';

export const answerLabels = {
	refused: m.register_answer_refused,
	reported: m.register_answer_reported,
	partly: m.register_answer_partly,
	other: m.register_answer_other
} satisfies Record<RegisterAnswer, Msg>;

export const periodLengthLabels = {
	month: m.register_period_month,
	quarter: m.register_period_quarter
} satisfies Record<RegisterPeriod, Msg>;

export const answerLabel = (code: string): string => labelIn(answerLabels, code);
export const matterLabel = (code: string): string => labelIn(matterLabels, code);
export const howLabel = (code: string): string => labelIn(howLabels, code);

/** '2026-11' → 2026 年 11 月; '2026-Q4' → 2026 年第 4 季度. */
export function periodLabel(period: string): string {
	const year = period.slice(0, 4);
	if (period[5] === 'Q') return m.register_quarter_label({ year, quarter: period.slice(6) });
	return m.register_month_label({ year, month: String(Number(period.slice(5, 7))) });
}
