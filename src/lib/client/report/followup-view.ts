/**
 * The report as its reporter sees it after opening it with the receipt: the server's view (content,
 * messages, files, status) decrypted under the report key. Used by the follow-up session (followup.ts).
 */
import { decodeBase64 } from '@oslojs/encoding';
import { decryptContent } from '../../crypto/content';
import { fromUtf8 } from '../../crypto/encoding';
import { formatLocator } from '../../crypto/receipt';
import { ReportError } from './errors';
import type { MessageContent, ReportContent } from '../../shared/report-document';
import type { MessageAuthor, PublicStatus } from '../../shared/vocabulary/report';
import type { ReporterDeadline } from '../../shared/vocabulary/workflow';
import type { FileRef, ReportView } from '../../shared/wire/reporter';

export interface FollowUpMessage {
	id: string;
	author: MessageAuthor;
	sentOn: string;
	/** The decrypted text, or null if this message could not be decrypted (`error` says why). */
	text: string | null;
	error: 'decrypt_failed' | null;
	files: FileRef[];
}

export interface FollowUpReport {
	/** Formatted XXXXX-XXXXX. */
	locator: string;
	receivedOn: string;
	realName: boolean;
	status: PublicStatus;
	/** With `handed_down_followed`: the lower organ handling it. */
	handledBy?: string;
	deadlines: { what: ReporterDeadline; due: string }[];
	/** The report as submitted (docs/reporting.md §6). */
	content: ReportContent;
	files: FileRef[];
	messages: FollowUpMessage[];
}

export function isView(v: unknown): v is ReportView {
	const r = v as Partial<ReportView> | null;
	return (
		!!r &&
		typeof r.content === 'string' &&
		typeof r.wrappedKey === 'string' &&
		Array.isArray(r.files) &&
		Array.isArray(r.messages)
	);
}

export function answerBytes(text: string): Uint8Array {
	try {
		return decodeBase64(text);
	} catch (e) {
		throw new ReportError('server', 'bad base64 in the answer', { cause: e });
	}
}

/** Decrypts a report view; `cipher` is the deployment's suite (issue 21; default NaCl's content format). */
export function decryptView(
	view: ReportView,
	reportKey: Uint8Array,
	cipher: { decryptContent(key: Uint8Array, blob: Uint8Array): Uint8Array } = { decryptContent }
): FollowUpReport {
	let content: ReportContent;
	try {
		content = JSON.parse(fromUtf8(cipher.decryptContent(reportKey, answerBytes(view.content)))) as ReportContent;
	} catch (e) {
		throw new ReportError('decrypt_failed', 'the report content does not decrypt', { cause: e });
	}
	const messages = view.messages.map((m): FollowUpMessage => {
		try {
			const body = JSON.parse(fromUtf8(cipher.decryptContent(reportKey, answerBytes(m.body)))) as Partial<
				Record<keyof MessageContent, unknown>
			>;
			return {
				id: m.id,
				author: m.author,
				sentOn: m.sentOn,
				text: typeof body.text === 'string' ? body.text : '',
				error: null,
				files: m.files ?? []
			};
		} catch {
			return {
				id: m.id,
				author: m.author,
				sentOn: m.sentOn,
				text: null,
				error: 'decrypt_failed',
				files: m.files ?? []
			};
		}
	});
	return {
		locator: formatLocator(view.locator),
		receivedOn: view.receivedOn,
		realName: view.realName,
		status: view.status,
		...(typeof view.handledBy === 'string' ? { handledBy: view.handledBy } : {}),
		deadlines: view.deadlines ?? [],
		content,
		files: view.files,
		messages
	};
}
