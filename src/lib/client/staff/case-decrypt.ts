/**
 * Opens everything of a case the staff page shows, in the browser, with the report key: the content, the
 * conversation, the internal notes (format N, bound to report, author and kind: issue 16), the notes of events
 * and of a pending request. A part that does not open is null (shown as such), never an exception.
 */
import type { CaseView } from '$lib/shared/wire/staff';
import { decryptNoteText, decryptReportContent, decryptText, type StaffReportContent } from './report-crypto';

export interface DecryptedCase {
	content: StaffReportContent | null;
	messages: Map<string, string | null>;
	notes: Map<number, string | null>;
	events: Map<number, string | null>;
	pendingNote: string | null;
}

const text = (key: Uint8Array, b64: string | null): string | null => {
	if (!b64) return null;
	try {
		return decryptText(key, b64);
	} catch {
		return null;
	}
};

/** `key` is the report's key (the caller zeroes it). */
export function decryptCase(key: Uint8Array, view: CaseView): DecryptedCase {
	const reportId = view.report.id;
	const noteText = (authorId: string | null, b64: string): string | null => {
		try {
			return decryptNoteText(key, authorId ? { reportId, authorId, kind: 'note' } : null, b64);
		} catch {
			return null;
		}
	};
	let content: StaffReportContent | null;
	try {
		content = decryptReportContent(key, view.report.content);
	} catch {
		content = null;
	}
	return {
		content,
		messages: new Map(view.messages.map((x) => [x.id, text(key, x.body)])),
		notes: new Map(view.notes.map((x) => [x.id, noteText(x.author?.id ?? null, x.body)])),
		events: new Map(view.events.filter((e) => e.note).map((e) => [e.id, text(key, e.note)])),
		pendingNote: view.pending?.note ? text(key, view.pending.note) : null
	};
}
