/** Labels of the lead register's codes (messages/leads), for the current locale. */
import { m } from '$lib/paraglide/messages';

type Msg = () => string;
const table = m as unknown as Record<string, Msg | undefined>;
const label = (prefix: string, code: string | null | undefined): string => {
	if (!code) return '';
	const f = table[`${prefix}${code.replace(':', '_')}`];
	return f ? f() : code;
};

export const sourceLabel = (c: string | null | undefined) => label('leads_source_', c);
export const stateLabel = (c: string | null | undefined) => label('leads_state_', c);
export const levelLabel = (c: string | null | undefined) => label('leads_level_', c);
export const purposeLabel = (c: string | null | undefined) => label('leads_purpose_', c);
export const outcomeLabel = (c: string | null | undefined) => label('leads_outcome_', c);
export const eventLabel = (c: string | null | undefined) => label('leads_event_', c);
