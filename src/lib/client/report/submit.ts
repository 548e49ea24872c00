/**
 * Submitting a report from the reporter's browser (docs/reporting.md §1–3, §6): what a caller passes and
 * gets back, and the two entry points.
 *
 *   const routing = await fetchRouting(choice);                  // routing.ts
 *   const preview = await verifyRecipients(choice, routing);     // recipients.ts: show preview.fingerprint
 *   const receipt = await submitReport({ routing: choice, details, files }, { prepared: preview, onProgress, signal });
 *   // show receipt.locator and receipt.secret once
 *
 * The work itself (encryption, receipt, proof of work, upload, commit, and what is retried) is the
 * resumable `Submission` of submission.ts.
 */
import type { Argon2Params } from '../../crypto/kdf';
import type { KdfProgress } from '../crypto-client';
import type { ReporterCrypto, AttachedFile } from './files';
import type { RetryOptions } from './http';
import type { PowSolver } from './pow';
import type { PrepareOptions, PreparedRecipients, RoutedChoice } from './recipients';
import type { RoutingChoice } from './routing';
import { Submission } from './submission';
import type { Interference, ReporterIdentity } from '../../shared/report-document';
import type { ReportKind, ReporterRole } from '../../shared/vocabulary/report';

/** The free-text parts of a report (inside the ciphertext; docs/reporting.md §6). */
export interface ReportDetails {
	/** The report kind (encrypted content only, never a clear field; default `public_tip`). */
	kind?: ReportKind;
	/** Who the reporter says they are (encrypted content only; default: not given). */
	reporterRole?: ReporterRole | null;
	/** `unit`: with a report by region, the unit as the reporter typed it. */
	person: { name: string; post: string; unit?: string };
	description: string;
	interference?: Interference | null;
	/** Required when `routing.realName` is true, refused otherwise. */
	identity?: ReporterIdentity | null;
}

export interface ReportInput {
	routing: RoutingChoice;
	details: ReportDetails;
	files: AttachedFile[];
}

export type SubmitProgress =
	| { phase: 'preparing' }
	/** File bytes over all files; `file` is the index being encrypted. */
	| { phase: 'encrypting'; done: number; total: number; file: number }
	/** Argon2id for the receipt: see KdfProgress (started with an estimate, then done). */
	| { phase: 'deriving'; kdf: KdfProgress }
	/** Proof of work: hashes tried, against the expected count. */
	| { phase: 'pow'; hashes: number; expected: number }
	/** Stored bytes uploaded over all files. */
	| { phase: 'uploading'; done: number; total: number; sending?: number }
	| { phase: 'committing' };

/** What the reporter must keep. Shown once; never stored by this library. */
export interface SubmitResult {
	/** 查询码, formatted XXXXX-XXXXX. */
	locator: string;
	/** 查询密码, formatted XXXX-XXXX-XXXX. */
	secret: string;
	/** The received date (YYYY-MM-DD) the server recorded. */
	receivedOn: string;
	/** The root fingerprint the report key was sealed under. */
	fingerprint: string;
	organ: RoutedChoice['organ'];
	/** Per file: metadata removed, and whether some could not be (unreadable image or non-image type). */
	files: { name: string; metadataRemoved: string[]; metadataKept: boolean }[];
}

export interface SubmitOptions extends PrepareOptions {
	onProgress?: (progress: SubmitProgress) => void;
	/** The recipients the reporter previewed; fetched here when absent. */
	prepared?: PreparedRecipients;
	/** The crypto worker (default: the page's shared one). */
	crypto?: ReporterCrypto;
	/** Proof-of-work solver (default: Web Workers). */
	powSolver?: PowSolver;
	/** Upload retry policy (default 4 tries, 500 ms doubling). */
	retry?: RetryOptions;
	/** FOR TESTS ONLY: Argon2id parameters of the receipt (the real server refuses anything below RECEIPT_KDF). */
	receiptKdf?: Argon2Params;
	/** Largest total of encrypted file bytes sent inline in the commit (default INLINE_MAX_BYTES; -1: always an intake). */
	inlineMaxBytes?: number;
}

/** Creates a resumable submission (see `Submission`). Throws `invalid_input` for inconsistent input. */
export function createSubmission(input: ReportInput, options: SubmitOptions = {}): Submission {
	return new Submission(input, options);
}

/**
 * Submits a report in one go and resolves with the receipt to show. On failure the keys are zeroed
 * and the error (a `ReportError`) says why; use `createSubmission` to offer "try again" without
 * encrypting and uploading everything anew.
 */
export async function submitReport(input: ReportInput, options: SubmitOptions = {}): Promise<SubmitResult> {
	const s = new Submission(input, options);
	try {
		return await s.run();
	} catch (e) {
		s.discard();
		throw e;
	}
}
