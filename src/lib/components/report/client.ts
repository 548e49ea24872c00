/**
 * The one place where the reporter pages talk to the outside world: the public API (unit search,
 * routing preview) and the reporter's client library (src/lib/client/report/*: metadata stripping,
 * recipients, submission, receipts, drafts). Components import from here only, so a change in the
 * library's surface is absorbed in this file.
 */
import { requestJson } from '$lib/client/report/http';
import { ReportError, isReportError } from '$lib/client/report/errors';
import { canStrip, metadataWarning, stripFileMetadata, type StripResult } from '$lib/client/report/exif';
import { metadataLabels } from '$lib/i18n/report-form';
import type { ReportContentAsRead } from '$lib/shared/report-document';
import type {
	Category,
	InterferenceHow,
	InterferenceMatter,
	MessageAuthor,
	MetadataCode,
	PositionKind,
	PublicStatus,
	ReportKind
} from '$lib/shared/vocabulary/report';
import type { ReporterDeadline } from '$lib/shared/vocabulary/workflow';
import type { RoutingAnswer, UnitHit } from '$lib/shared/wire/public';
import { submitReport, type ReportInput, type SubmitProgress } from '$lib/client/report/submit';
import { prepareRecipients as libPrepareRecipients, type PreparedRecipients } from '$lib/client/report/recipients';
import type { RoutingChoice } from '$lib/client/report/routing';
import type { AttachedFile } from '$lib/client/report/files';
import { openReceipt, type FollowUpSession as LibSession, type OpenProgress } from '$lib/client/report/followup';
import type { FollowUpReport } from '$lib/client/report/followup-view';
import { parseReceiptInput } from '$lib/client/report/receipt-input';
import {
	deleteDraft as libDeleteDraft,
	hasDraft,
	loadDraft,
	saveDraft as libSaveDraft
} from '$lib/client/report/draft';

export { ReportError, isReportError };
export type { RoutingAnswer, UnitHit };

/** GET /api/v1/units?q= (name, pinyin or initials). */
export function searchUnits(q: string, signal?: AbortSignal): Promise<UnitHit[]> {
	return requestJson<UnitHit[]>(`/api/v1/units?${new URLSearchParams({ q, limit: '20' })}`, { signal });
}

/** GET /api/v1/routing: where the report goes and why. */
export function fetchRouting(
	q: { unit: string; position: PositionKind; kind: ReportKind; escalate: boolean },
	signal?: AbortSignal
): Promise<RoutingAnswer> {
	const params = new URLSearchParams({
		unit: q.unit,
		position: q.position,
		kind: q.kind,
		escalate: q.escalate ? '1' : '0'
	});
	return requestJson<RoutingAnswer>(`/api/v1/routing?${params}`, { signal });
}

/* ------------------------------------------------------------------ attachments */

/** A file the reporter picked, after metadata stripping. */
export interface PickedFile {
	key: number;
	name: string;
	type: string;
	size: number;
	state: 'processing' | 'ready' | 'error';
	/** The bytes to encrypt (stripped for images). */
	data: Blob | null;
	/** Metadata codes removed (src/lib/client/report/exif.ts METADATA_CODES). */
	removed: string[];
	/** Why to warn about metadata left in the file, or null. */
	warning: 'pdf' | 'office' | 'unreadable' | 'other' | null;
	/** The original file and, for images, the stripping result handed to the library as is. */
	original: File | null;
	strip: StripResult | null;
}

function warningKind(type: string, name: string): PickedFile['warning'] {
	if (!metadataWarning(type)) return null;
	const t = type.toLowerCase();
	const ext = name.toLowerCase().split('.').pop() ?? '';
	if (t === 'application/pdf' || ext === 'pdf') return 'pdf';
	if (
		/word|excel|powerpoint|officedocument|opendocument|msword|ms-excel|rtf/.test(t) ||
		/^(docx?|xlsx?|pptx?|odt|ods|odp|rtf|wps|et)$/.test(ext)
	)
		return 'office';
	return 'other';
}

/** Strips an image's metadata on this device; other files pass unchanged with a warning kind. */
export async function prepareAttachment(
	file: File
): Promise<{ data: Blob; type: string; removed: string[]; warning: PickedFile['warning']; strip: StripResult | null }> {
	if (canStrip(file.type)) {
		const r = await stripFileMetadata(file);
		if (r.error) return { data: file, type: file.type, removed: [], warning: 'unreadable', strip: r };
		return {
			data: new Blob([r.data as BlobPart], { type: file.type }),
			type: file.type,
			removed: r.removed,
			warning: null,
			strip: r
		};
	}
	return {
		data: file,
		type: file.type || 'application/octet-stream',
		removed: [],
		warning: warningKind(file.type, file.name),
		strip: null
	};
}

/** Display label of a removed-metadata code (an unknown one reads as "other data"). */
export function metadataLabel(code: string): string {
	return (metadataLabels[code as MetadataCode] ?? metadataLabels.other)();
}

/* ------------------------------------------------------------------ the report form */

/** Everything the reporter fills in (memory only). */
export interface ReportForm {
	unit: UnitHit | null;
	position: PositionKind | null;
	personName: string;
	personPost: string;
	kind: ReportKind;
	interference: {
		matter: InterferenceMatter | null;
		when: string;
		how: InterferenceHow | null;
		howDetail: string;
		othersWhoKnew: string;
	};
	category: Category | null;
	description: string;
	files: PickedFile[];
	realName: boolean;
	identity: { name: string; contact: string; unitOrAddress: string };
	escalate: boolean;
}

export function emptyForm(): ReportForm {
	return {
		unit: null,
		position: null,
		personName: '',
		personPost: '',
		kind: 'public_tip',
		interference: { matter: null, when: '', how: null, howDetail: '', othersWhoKnew: '' },
		category: null,
		description: '',
		files: [],
		realName: false,
		identity: { name: '', contact: '', unitOrAddress: '' },
		escalate: false
	};
}

export type SubmitStage = 'files' | 'receipt' | 'pow' | 'upload' | 'commit';
export interface SubmitResult {
	locator: string;
	secret: string;
	receivedOn: string;
}
export interface Recipients {
	fingerprint: string;
	count: number;
	prepared: PreparedRecipients;
}
export type FollowUpStage = 'kdf' | 'pow' | 'open';
export interface FollowUpView {
	status: PublicStatus;
	receivedOn: string;
	realName: boolean;
	deadlines: { what: ReporterDeadline; due: string }[];
	/** The report document as decrypted (docs/reporting.md §6). */
	report: ReportContentAsRead | null;
	files: { id: string; bytes: number; name?: string }[];
	messages: {
		id: string | number;
		author: MessageAuthor;
		sentOn: string;
		text: string;
		files: { id: string; bytes: number; name?: string }[];
	}[];
}
export interface FollowUpSession {
	view: FollowUpView;
	refresh(): Promise<FollowUpView>;
	downloadFile(id: string): Promise<{ blob: Blob; name: string; type: string }>;
	/** Sends the message, then fetches the report again (so the conversation shows it). */
	sendMessage(text: string, files: PickedFile[]): Promise<FollowUpView>;
	close(): void;
}

/* ------------------------------------------------------------------ submission */

function choiceOf(form: ReportForm): RoutingChoice {
	if (!form.unit || !form.position) throw new ReportError('invalid_input', 'unit and position are required');
	return {
		unit: form.unit.id,
		position: form.position,
		kind: form.kind,
		category: form.category ?? 'other',
		escalate: form.escalate,
		realName: form.realName
	};
}

/** Routing check plus the organ's signed directory, verified here: the fingerprint and number of recipients. */
export async function prepareRecipients(form: ReportForm, signal?: AbortSignal): Promise<Recipients> {
	const prepared = await libPrepareRecipients(choiceOf(form), { signal });
	return { fingerprint: prepared.fingerprint, count: prepared.recipientCount, prepared };
}

function inputOf(form: ReportForm): ReportInput {
	const i = form.interference;
	const files: AttachedFile[] = form.files
		.filter((f) => f.state === 'ready' && f.original)
		.map((f) => ({ file: f.original as File, name: f.name, type: f.type, stripped: f.strip ?? undefined }));
	return {
		routing: choiceOf(form),
		details: {
			person: { name: form.personName.trim(), post: form.personPost.trim() },
			description: form.description,
			interference:
				form.kind === 'interference_record' && i.matter && i.how
					? {
							matter: i.matter,
							when: i.when.trim(),
							how: i.how,
							howDetail: i.howDetail.trim(),
							othersWhoKnew: i.othersWhoKnew.trim()
						}
					: null,
			identity: form.realName
				? {
						name: form.identity.name.trim(),
						contact: form.identity.contact.trim(),
						unitOrAddress: form.identity.unitOrAddress.trim()
					}
				: null
		},
		files
	};
}

/** A progress bar that creeps towards `cap` over `estimateMs` (for steps that only say "started" and "done"). */
function creeping(report: (fraction: number) => void, estimateMs: number, cap = 0.95): () => void {
	const t0 = Date.now();
	const timer = setInterval(() => report(Math.min(cap, (Date.now() - t0) / Math.max(estimateMs, 1))), 150);
	return () => clearInterval(timer);
}

/**
 * Encrypts and submits the report; resolves with the receipt once the server committed it.
 * `onProgress` gets one of five stages and a fraction from 0 to 1.
 */
export async function sendReport(
	form: ReportForm,
	recipients: Recipients,
	opts: { signal?: AbortSignal; onProgress?: (stage: SubmitStage, fraction: number) => void }
): Promise<SubmitResult> {
	const report = opts.onProgress ?? (() => {});
	const kdf: { stop: (() => void) | null } = { stop: null };
	const onProgress = (p: SubmitProgress) => {
		switch (p.phase) {
			case 'encrypting':
				report('files', p.total > 0 ? p.done / p.total : 1);
				break;
			case 'deriving':
				if (p.kdf.state === 'started') {
					report('files', 1);
					kdf.stop?.();
					kdf.stop = creeping((f) => report('receipt', f), p.kdf.estimateMs ?? 3000);
				} else {
					kdf.stop?.();
					kdf.stop = null;
					report('receipt', 1);
				}
				break;
			case 'pow':
				report('receipt', 1);
				report('pow', p.expected > 0 ? Math.min(0.95, p.hashes / p.expected) : 0.5);
				break;
			case 'uploading':
				report('pow', 1);
				report('upload', p.total > 0 ? p.done / p.total : 1);
				break;
			case 'committing':
				report('pow', 1);
				report('upload', 1);
				report('commit', 0.5);
				break;
		}
	};
	const input = inputOf(form);
	// The preview must match the current choice (category and real-name flag do not change routing).
	const c = recipients.prepared.choice;
	const same =
		c.unit === input.routing.unit &&
		c.position === input.routing.position &&
		c.kind === input.routing.kind &&
		c.escalate === input.routing.escalate;
	const prepared = same ? { ...recipients.prepared, choice: input.routing } : undefined;
	try {
		const r = await submitReport(input, { prepared, signal: opts.signal, onProgress });
		report('commit', 1);
		return { locator: r.locator.replace(/-/g, ''), secret: r.secret.replace(/-/g, ''), receivedOn: r.receivedOn };
	} finally {
		kdf.stop?.();
	}
}

/* ------------------------------------------------------------------ follow-up */

/**
 * Reads the receipt from the two fields: both filled, or everything pasted into either one. Null when it
 * cannot be a receipt (the page shows the same calm message as for a receipt the server refuses).
 */
export function parseReceipt(first: string, second: string): { locator: string; secret: string } | null {
	const attempts: (() => { locator: string; secret: string })[] = [];
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

function attachedOf(files: PickedFile[]): AttachedFile[] {
	return files
		.filter((f) => f.state === 'ready' && f.original)
		.map((f) => ({ file: f.original as File, name: f.name, type: f.type, stripped: f.strip ?? undefined }));
}

/** Opens a report with its receipt; `onProgress` gets three stages (key derivation, proof of work, opening). */
export async function openFollowUp(
	receipt: { locator: string; secret: string },
	opts: { signal?: AbortSignal; onProgress?: (stage: FollowUpStage, fraction: number) => void }
): Promise<FollowUpSession> {
	const report = opts.onProgress ?? (() => {});
	const kdf: { stop: (() => void) | null } = { stop: null };
	const onProgress = (p: OpenProgress) => {
		if (p.phase === 'deriving') {
			kdf.stop?.();
			kdf.stop = null;
			if (p.kdf.state === 'started') kdf.stop = creeping((f) => report('kdf', f), p.kdf.estimateMs ?? 3000);
			else report('kdf', 1);
		} else if (p.phase === 'pow') {
			report('kdf', 1);
			report('pow', p.expected > 0 ? Math.min(0.95, p.hashes / p.expected) : 0.5);
		} else if (p.phase === 'opening') {
			report('kdf', 1);
			report('pow', 1);
			report('open', 0.5);
		}
	};
	let lib: LibSession;
	try {
		lib = await openReceipt(receipt.locator, receipt.secret, { signal: opts.signal, onProgress });
	} finally {
		kdf.stop?.();
	}
	report('open', 1);
	const session: FollowUpSession = {
		view: toView(lib.report),
		async refresh() {
			session.view = toView(await lib.refresh());
			return session.view;
		},
		downloadFile: (id) => lib.downloadFile(id),
		async sendMessage(text, files) {
			await lib.sendMessage(text, attachedOf(files));
			return session.refresh();
		},
		close: () => lib.close()
	};
	return session;
}

/* ------------------------------------------------------------------ drafts (opt-in, encrypted) */

/** True if this device holds a draft (reads storage, never writes). */
export async function draftExists(): Promise<boolean> {
	try {
		return hasDraft();
	} catch {
		return false;
	}
}

/** Encrypts the form (files left out) under the passphrase and stores it on this device. */
export async function saveDraft(passphrase: string, form: ReportForm): Promise<void> {
	await libSaveDraft(passphrase, { ...form, files: [] });
}

/** Opens the stored draft; `draft_wrong_passphrase` / `draft_corrupt` on failure. */
export async function openDraft(passphrase: string): Promise<ReportForm> {
	const d = await loadDraft<Partial<ReportForm>>(passphrase);
	if (!d || typeof d !== 'object') throw new ReportError('draft_corrupt', 'no draft');
	const base = emptyForm();
	return {
		...base,
		...d,
		interference: { ...base.interference, ...(d.interference ?? {}) },
		identity: { ...base.identity, ...(d.identity ?? {}) },
		files: []
	};
}

export async function deleteDraft(): Promise<void> {
	libDeleteDraft();
}
