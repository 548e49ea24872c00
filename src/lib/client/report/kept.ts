/**
 * The report form kept in memory while the reporter is elsewhere in the site (issue 19 item 6). The
 * browser warns before a reload, closing the tab, or a link / back button away from the form; when the
 * reporter leaves anyway within the site (or a phone browser leaves without asking), the form is kept
 * here, in this tab's JavaScript memory only: never in sessionStorage, localStorage or IndexedDB (the
 * encrypted draft in draft.ts is the only way onto the disk, and the reporter opts into it). Closing the
 * tab, a reload the reporter confirmed, a crash or the quick exit end it.
 */
import type { ReportForm } from './form';

interface Kept {
	form: ReportForm;
	step: number;
}

let kept: Kept | null = null;

/** Keeps the form (and its step) until the report page takes it back. */
export function keepForm(form: ReportForm, step: number): void {
	kept = { form, step };
}

/** The kept form, once: the page that takes it owns it from then on. */
export function takeKeptForm(): Kept | null {
	const k = kept;
	kept = null;
	return k;
}

/** Forgets the kept form (after a report was sent). */
export function forgetKeptForm(): void {
	kept = null;
}
