/**
 * Display helpers for the back office: the workflow's {zh, en} labels (sent by the page's server load,
 * see src/routes/staff/(app)/reports/shared.server.ts) picked for the current locale, and deadline text.
 */
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { deadlineStatus, type CalendarLists } from '$lib/client/staff/deadlines';
import type { Bilingual } from '$lib/shared/bilingual';
import type { WorkflowLabels } from '$lib/shared/wire/staff';

type Label = Bilingual;
export type { WorkflowLabels };

/** The label for the current locale (the code itself when unknown). */
export function pick(table: Record<string, Label> | undefined, code: string | null | undefined): string {
	if (!code) return '';
	const l = table?.[code];
	if (!l) return code;
	return getLocale() === 'en' ? l.en : l.zh;
}

export function local(l: Label | null | undefined): string {
	if (!l) return '';
	return getLocale() === 'en' ? l.en : l.zh;
}

/** "2026-12-04 · 剩 5 个工作日" / "今日到期" / "已超期 2 个工作日". */
export function dueText(today: string, due: string, cal: CalendarLists): { text: string; overdue: boolean } {
	const s = deadlineStatus(today, due, cal);
	if (s.kind === 'today') return { text: m.staff_due_today(), overdue: false };
	if (s.kind === 'left') return { text: m.staff_due_left({ days: s.days }), overdue: false };
	return { text: m.staff_due_overdue({ days: s.days }), overdue: true };
}

/** Outcome object (workflow `Outcome`) in words. */
export function outcomeText(o: unknown, labels: WorkflowLabels): string {
	if (!o || typeof o !== 'object') return '';
	const x = o as Record<string, unknown>;
	const parts: string[] = [pick(labels.outcome.kinds, String(x.kind))];
	if (x.kind === 'handled') {
		parts.push(pick(labels.outcome.forms, String(x.form)));
		if (typeof x.measure === 'string') parts.push(pick(labels.outcome.measures, x.measure));
		if (typeof x.party === 'string') parts.push(pick(labels.outcome.party, x.party));
		if (typeof x.government === 'string') parts.push(pick(labels.outcome.government, x.government));
		if (Array.isArray(x.organizational))
			for (const k of x.organizational) parts.push(pick(labels.outcome.organizational, String(k)));
		if (Array.isArray(x.accountability))
			for (const k of x.accountability) parts.push(pick(labels.outcome.accountability, String(k)));
		if (x.procuratorate === true) parts.push(pick(labels.outcome.other, 'procuratorate'));
	}
	if (x.kind === 'cleared' && x.falseAccusationReferral === true)
		parts.push(pick(labels.outcome.other, 'false_accusation_referral'));
	return parts.filter(Boolean).join('；');
}

/** A locator as printed on the receipt: XXXXX-XXXXX. */
export function formatLocator(locator: string): string {
	const c = locator.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
	return c.length === 10 ? `${c.slice(0, 5)}-${c.slice(5)}` : locator;
}
