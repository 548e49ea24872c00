/**
 * One error type for the reporter's client library: `ReportError` with a `code` the UI translates.
 * Messages are for developers only; never show them to a reporter, never log them with report data.
 */

/** Every reason a reporter-side operation can fail. */
export type ReportErrorCode =
	/** The network failed (offline, DNS, connection reset) after the retries allowed. */
	| 'network'
	/** The caller aborted (AbortSignal). */
	| 'cancelled'
	/** The server answered 5xx or something that is not the documented shape. */
	| 'server'
	/** 429 / 503: try later; `retryAfter` (seconds) when the server said. */
	| 'rate_limited'
	/** The routing answer says nobody can receive encrypted reports now (`deliverable: false`). */
	| 'not_deliverable'
	/** The directory has no root key yet, or no entry passed verification: nothing to encrypt to. */
	| 'no_recipients'
	/** The served directory cannot be trusted at all (bad root key, fingerprint, revocation list). */
	| 'directory_untrusted'
	/** The root key changed between the preview the reporter saw and the submission. */
	| 'root_changed'
	/** The server kept refusing the recipients or the routing after the re-fetch allowed. */
	| 'recipients_changed'
	/** Input the server (or this library) refuses: `field` names it when known. */
	| 'invalid_input'
	/** Too many files (server limit). */
	| 'too_many_files'
	/** A file is larger than the server allows. */
	| 'file_too_large'
	/** All files together are larger than the server allows. */
	| 'report_too_large'
	/** The text of the report is over the content limit (≈ 1 MiB). */
	| 'content_too_large'
	/** The proof-of-work challenge was refused (expired, replayed) even after a fresh one. */
	| 'pow_failed'
	/** The upload session expired or vanished before the commit, even after starting again. */
	| 'upload_expired'
	/** Encryption or decryption failed in the crypto worker (or the worker could not start). */
	| 'crypto_failed'
	/** The receipt text cannot be a receipt (length, characters). `part` says which. */
	| 'receipt_malformed'
	/** The receipt secret's check character does not match: a typo. */
	| 'receipt_typo'
	/** The server does not recognise the locator and secret (same answer whether the locator exists). */
	| 'receipt_not_recognised'
	/** The follow-up session expired and could not be renewed. */
	| 'session_expired'
	/** A downloaded file or message failed to decrypt (tampered or corrupted). */
	| 'decrypt_failed'
	/** The session was closed. */
	| 'closed'
	/** A draft's passphrase is wrong (or the draft was tampered with). */
	| 'draft_wrong_passphrase'
	/** A stored draft is unreadable. */
	| 'draft_corrupt'
	/** This device offers no storage for drafts (private mode, storage disabled). */
	| 'storage_unavailable';

export interface ReportErrorDetails {
	/** HTTP status, when the error comes from an answer. */
	status?: number;
	/** The server's error code (docs/reporting.md, docs/api.md), when it sent one. */
	serverCode?: string;
	/** The field the server or this library refused. */
	field?: string;
	/** Seconds to wait, from Retry-After. */
	retryAfter?: number;
	/** The server's bilingual message, if any (may be shown as a fallback). */
	serverMessage?: { zh?: string; en?: string };
	/** For receipt errors: which part is wrong. */
	part?: 'locator' | 'secret';
	/** The underlying error. */
	cause?: unknown;
}

export class ReportError extends Error {
	readonly code: ReportErrorCode;
	readonly status?: number;
	readonly serverCode?: string;
	readonly field?: string;
	readonly retryAfter?: number;
	readonly serverMessage?: { zh?: string; en?: string };
	readonly part?: 'locator' | 'secret';

	constructor(code: ReportErrorCode, message: string, details: ReportErrorDetails = {}) {
		super(`${code}: ${message}`, details.cause !== undefined ? { cause: details.cause } : undefined);
		this.name = 'ReportError';
		this.code = code;
		this.status = details.status;
		this.serverCode = details.serverCode;
		this.field = details.field;
		this.retryAfter = details.retryAfter;
		this.serverMessage = details.serverMessage;
		this.part = details.part;
	}
}

/** True for a ReportError with one of these codes. */
export function isReportError(e: unknown, ...codes: ReportErrorCode[]): e is ReportError {
	return e instanceof ReportError && (codes.length === 0 || codes.includes(e.code));
}

/** Throws `ReportError('cancelled')` if the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
	if (signal?.aborted) throw new ReportError('cancelled', 'cancelled by the caller');
}
