/**
 * The inbox summary's plaintext (issue 16; the blob: src/lib/crypto/summary.ts): what the inbox list shows
 * of a report before it is opened: the person reported (name · post) and a short subject (the first line
 * of the description). Dates and the category are clear fields of the report already. Built by the
 * reporter's browser at submission, read by the inspector's browser in the inbox.
 */
import { fromUtf8, utf8 } from '../crypto/encoding';

export interface ReportSummary {
	v: 1;
	/** "name · post" of the person reported (may be empty). */
	person: string;
	/** The first non-empty line of the description, cut to SUBJECT_CHARS characters. */
	subject: string;
}

/** Longest person text and subject kept (characters): 4 bytes each at most fits the 1 KiB summary. */
export const PERSON_CHARS = 100;
export const SUBJECT_CHARS = 80;

function cut(text: string, max: number): string {
	const chars = Array.from(text);
	return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

/** The summary of a report's content (the same text the inbox showed when it decrypted the content). */
export function summaryOf(content: {
	person?: { name?: string; post?: string } | null;
	description?: string | null;
}): ReportSummary {
	const name = content.person?.name?.trim() ?? '';
	const post = content.person?.post?.trim() ?? '';
	const first =
		(content.description ?? '')
			.split(/\r?\n/)
			.find((l) => l.trim().length > 0)
			?.trim() ?? '';
	return {
		v: 1,
		person: cut([name, post].filter(Boolean).join(' · '), PERSON_CHARS),
		subject: cut(first, SUBJECT_CHARS)
	};
}

/** The summary as bytes (JSON, UTF-8). */
export function encodeSummary(s: ReportSummary): Uint8Array {
	return utf8(JSON.stringify({ v: 1, person: s.person, subject: s.subject }));
}

/** Reads summary bytes; null unless they hold a summary of version 1. */
export function decodeSummary(bytes: Uint8Array): ReportSummary | null {
	try {
		const v = JSON.parse(fromUtf8(bytes)) as Partial<ReportSummary> | null;
		if (!v || v.v !== 1 || typeof v.person !== 'string' || typeof v.subject !== 'string') return null;
		return { v: 1, person: v.person, subject: v.subject };
	} catch {
		return null;
	}
}
