/**
 * The follow-up as the /follow-up page shows it: the receipt read from the page's two fields, and a
 * session whose report is a view (status, deadlines, the document as decrypted, files named from the
 * document's manifest, the conversation) rather than the library's decrypted report (followup.ts).
 */
import type { SuiteId } from '../../crypto/suite-id';
import { attachedFiles, type PickedFile } from './attachments';
import { openReceipt, type FollowUpSession } from './followup';
import type { FollowUpReport } from './followup-view';
import { openStages, type FollowUpStage } from './progress';
import { parseReceiptInput, type ReceiptInput } from './receipt-input';
import type { ReportContentAsRead } from '../../shared/report-document';
import type { MessageAuthor, MessagePurpose, PublicStatus } from '../../shared/vocabulary/report';
import type { ReporterDeadline } from '../../shared/vocabulary/workflow';
import type { FileRef } from '../../shared/wire/reporter';

/** A stored file with the name the report's manifest gives it, if any. */
export type NamedFile = FileRef & { name?: string };

export interface FollowUpView {
	status: PublicStatus;
	/** With `handed_down_followed`: the lower organ handling it. */
	handledBy?: string;
	receivedOn: string;
	realName: boolean;
	deadlines: { what: ReporterDeadline; due: string }[];
	/** The report document as decrypted (docs/reporting.md §6). */
	report: ReportContentAsRead | null;
	files: NamedFile[];
	messages: { id: string; author: MessageAuthor; sentOn: string; text: string; files: NamedFile[] }[];
}

/** An open follow-up session, in views. */
export interface ViewSession {
	view: FollowUpView;
	refresh(): Promise<FollowUpView>;
	downloadFile(id: string): Promise<{ blob: Blob; name: string; type: string }>;
	/**
	 * Sends the message, then fetches the report again (so the conversation shows it). `purpose`
	 * 'protection': a request for protection (申请保护), which the organ must answer within its own deadline.
	 */
	sendMessage(text: string, files: PickedFile[], purpose?: MessagePurpose): Promise<FollowUpView>;
	/** The proof of having reported, as served (the page verifies it against the pinned root). */
	fetchProof(): Promise<unknown>;
	close(): void;
}

/**
 * Reads the receipt from the two fields: both filled, or everything pasted into either one. Null when it
 * cannot be a receipt (the page shows the same calm message as for a receipt the server refuses).
 */
export function parseReceipt(first: string, second: string): ReceiptInput | null {
	const attempts: (() => ReceiptInput)[] = [];
	if (first.trim() !== '' && second.trim() !== '') attempts.push(() => parseReceiptInput(first, second));
	attempts.push(() => parseReceiptInput(`${first} ${second}`));
	for (const attempt of attempts) {
		try {
			return attempt();
		} catch {
			// try the next reading
		}
	}
	return null;
}

function toView(r: FollowUpReport): FollowUpView {
	const manifest = Array.isArray(r.content.files) ? r.content.files : [];
	return {
		status: r.status,
		...(r.handledBy ? { handledBy: r.handledBy } : {}),
		receivedOn: r.receivedOn,
		realName: r.realName,
		deadlines: r.deadlines,
		report: r.content,
		files: r.files.map((f, i) => ({ id: f.id, bytes: f.bytes, name: manifest.find((x) => x.index === i)?.name })),
		messages: r.messages.map((msg) => ({
			id: msg.id,
			author: msg.author,
			sentOn: msg.sentOn,
			text: msg.text ?? '',
			files: msg.files
		}))
	};
}

/** Opens a report with its receipt; `onProgress` gets three stages (key derivation, proof of work, opening). */
export async function openFollowUp(
	receipt: ReceiptInput,
	opts: { signal?: AbortSignal; onProgress?: (stage: FollowUpStage, fraction: number) => void; suite?: SuiteId }
): Promise<ViewSession> {
	const report = opts.onProgress ?? (() => {});
	const stages = openStages(report);
	let lib: FollowUpSession;
	try {
		lib = await openReceipt(receipt.locator, receipt.secret, {
			signal: opts.signal,
			onProgress: stages.onProgress,
			suite: opts.suite
		});
	} finally {
		stages.stop();
	}
	report('open', 1);
	const session: ViewSession = {
		view: toView(lib.report),
		async refresh() {
			session.view = toView(await lib.refresh());
			return session.view;
		},
		downloadFile: (id) => lib.downloadFile(id),
		fetchProof: () => lib.fetchProof(),
		async sendMessage(text, files, purpose) {
			await lib.sendMessage(text, attachedFiles(files), purpose ? { purpose } : {});
			return session.refresh();
		},
		close: () => lib.close()
	};
	return session;
}
