/**
 * The choices of the report form: the shared vocabularies (src/lib/shared/vocabulary, the codes) in the
 * form's order, each with its label and hint (src/lib/i18n/labels.ts). Only codes travel in the clear;
 * labels are for display. The back office names a report's fields with the same lists.
 */
import {
	categoryGroupLabels,
	formCategoryLabels,
	formChoiceKindLabels,
	formKindLabels,
	formPositionLabels,
	reporterRoleLabels,
	howLabels,
	matterLabels
} from '$lib/i18n/report-form';
import {
	CATEGORY_GROUPS as GROUPS,
	INTERFERENCE_HOWS,
	INTERFERENCE_MATTERS,
	POSITION_KINDS,
	REPORT_KINDS,
	FORM_KINDS,
	REPORTER_ROLES,
	type FormKind,
	type ReporterRole,
	type Category,
	type InterferenceHow,
	type InterferenceMatter,
	type PositionKind,
	type ReportKind
} from '$lib/shared/vocabulary/report';

type Msg = () => string;
export interface Choice<C extends string = string> {
	code: C;
	label: Msg;
	hint?: Msg;
}

export const POSITIONS: Choice<PositionKind>[] = POSITION_KINDS.map((code) => ({
	code,
	label: formPositionLabels[code]
}));

export const KINDS: Choice<ReportKind>[] = REPORT_KINDS.map((code) => ({ code, ...formKindLabels[code] }));

/** The kinds the report form offers (what the report is, not who sends it). */
export const FORM_KIND_CHOICES: Choice<FormKind>[] = FORM_KINDS.map((code) => ({
	code,
	...formChoiceKindLabels[code]
}));

/** Who the reporter says they are (optional). */
export const ROLES: Choice<ReporterRole>[] = REPORTER_ROLES.map((code) => ({ code, label: reporterRoleLabels[code] }));

export const MATTERS: Choice<InterferenceMatter>[] = INTERFERENCE_MATTERS.map((code) => ({
	code,
	label: matterLabels[code]
}));

export const HOWS: Choice<InterferenceHow>[] = INTERFERENCE_HOWS.map((code) => ({ code, label: howLabels[code] }));

export const CATEGORY_GROUPS: { label: Msg; items: Choice<Category>[] }[] = GROUPS.map((g) => ({
	label: categoryGroupLabels[g.code],
	items: g.categories.map((code) => ({ code, ...formCategoryLabels[code] }))
}));

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
