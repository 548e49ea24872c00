/**
 * Submitting a report from the reporter's browser (docs/reporting.md §1–3, §6).
 *
 *   const preview = await prepareRecipients(choice);          // show preview.fingerprint, preview.recipientCount
 *   const receipt = await submitReport({ routing: choice, details, files }, { prepared: preview, onProgress, signal });
 *   // show receipt.locator and receipt.secret once
 *
 * Order of work: routing check → signed directory, verified (refuse with no valid entry) → new report
 * key → metadata stripped from images → files encrypted in the crypto worker → content JSON encrypted →
 * report key sealed to every valid entry → receipt (Argon2id in the worker) → proof of work → intake →
 * parts uploaded (retry with backoff, resumable) → commit. Reports whose files total at most
 * INLINE_MAX_BYTES skip the intake: the proof of work and the files go inline in the commit (one request;
 * a retry of it is recognised by the server, so a lost answer does not make a second report). A 409 routing_changed / recipients_changed
 * re-fetches routing and directory and re-seals once (the root key must stay the one the reporter saw);
 * locator_taken makes a new receipt; an expired intake or incomplete upload is redone once.
 *
 * Nothing is written to storage or logged. The report key and the receipt's auth key are zeroed when the
 * submission ends (success, failure of `submitReport`, or `discard()`); JavaScript strings (the texts,
 * the receipt secret) cannot be zeroed and are left to the garbage collector.
 */
import { encodeBase64 } from '@oslojs/encoding';
import { generateReportKey, wrapKey } from '../../crypto/keys';
import { encryptContent } from '../../crypto/content';
import { sealKey } from '../../crypto/seal';
import { utf8 } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { RECEIPT_KDF, type Argon2Params } from '../../crypto/kdf';
import { encodeKdfSpec, newKdfSpec } from '../../crypto/kdf-spec';
import {
	formatLocator,
	formatReceiptSecret,
	generateLocator,
	generateReceiptSecret,
	receiptAuthHash
} from '../../crypto/receipt';
import type { DirectoryEntry } from '../../crypto/directory';
import { DirectoryAnswerError, verifyServedDirectory } from '../directory-verify';
import { cryptoWorker } from '../crypto-client';
import type { KdfProgress } from '../crypto-client';
import { ReportError, throwIfAborted } from './errors';
import type { FetchLike } from '../http';
import { requestJson, type RetryOptions } from './http';
import {
	cryptoFailure,
	encryptFiles,
	openIntake,
	uploadParts,
	type AttachedFile,
	type EncryptedFile,
	type Intake,
	type ReporterCrypto
} from './files';
import { solve, type PowProgress, type PowSolver } from './pow';
import { INLINE_MAX_BYTES, INTAKE_REUSE_MS } from '../../shared/limits';
import type { Interference, ReportContent, ReporterIdentity } from '../../shared/report-document';
import type { PositionKind } from '../../shared/vocabulary/report';
import type { RoutingAnswer, UnitHit } from '../../shared/wire/public';
import type { CommitAnswer, PowSolution, ReportRequest, RoutingFields } from '../../shared/wire/reporter';

export { INLINE_MAX_BYTES };
export type { ReportContent };

/* ------------------------------------------------------------------ types */

/** The clear routing fields the reporter chose (docs/reporting.md §3 `routing`). */
export type RoutingChoice = RoutingFields;

/** A GET /api/v1/routing answer (docs/api.md) that names its unit (checked by `fetchRouting`). */
export type RoutedChoice = RoutingAnswer & { unit: UnitHit };

/** The position of the person reported on (the shared PositionKind; the name tests/e2e use). */
export type Position = PositionKind;

/** The recipients a report would be encrypted to, for the preview and the submission. */
export interface PreparedRecipients {
	choice: RoutingChoice;
	routing: RoutedChoice;
	organ: RoutedChoice['organ'];
	/** The organization root key's fingerprint (six groups of five digits) to show the reporter. */
	fingerprint: string;
	rootPublicKey: Uint8Array;
	/** Verified directory entries: the only keys the report key is sealed to. */
	recipients: DirectoryEntry[];
	recipientCount: number;
	/** Served entries that failed verification (expired, revoked, bad signature …); never used. */
	rejectedCount: number;
}

/** The free-text parts of a report (inside the ciphertext; docs/reporting.md §6). */
export interface ReportDetails {
	person: { name: string; post: string };
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
	| { phase: 'uploading'; done: number; total: number }
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

export interface NetworkOptions {
	fetch?: FetchLike;
	signal?: AbortSignal;
}

export interface PrepareOptions extends NetworkOptions {
	/** A root key the page trusts; the served one must equal it (else `root_changed`). */
	pinnedRootPublicKey?: Uint8Array;
	/** Clock in ms (tests). */
	now?: () => number;
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

/* ------------------------------------------------------------------ routing and recipients */

function routingQuery(c: RoutingChoice): string {
	const q = new URLSearchParams({ unit: c.unit, position: c.position, kind: c.kind, escalate: c.escalate ? '1' : '0' });
	return q.toString();
}

/** GET /api/v1/routing for the reporter's choice. */
export async function fetchRouting(choice: RoutingChoice, options: NetworkOptions = {}): Promise<RoutedChoice> {
	const a = await requestJson<RoutingAnswer>(`/api/v1/routing?${routingQuery(choice)}`, options);
	if (!a || typeof a !== 'object' || typeof a.organ?.id !== 'string' || typeof a.unit?.id !== 'string') {
		throw new ReportError('server', 'not a routing answer');
	}
	return a as RoutedChoice;
}

/**
 * Routing check plus the organ's signed directory, verified in the browser: what the preview shows
 * (organ, fingerprint, number of recipients) and what `submitReport` seals to. Throws `not_deliverable`,
 * `no_recipients` (no entry passed verification), `directory_untrusted` or `root_changed`.
 */
export async function prepareRecipients(
	choice: RoutingChoice,
	options: PrepareOptions = {}
): Promise<PreparedRecipients> {
	const net = { fetch: options.fetch, signal: options.signal };
	const routing = await fetchRouting(choice, net);
	if (!routing.deliverable)
		throw new ReportError('not_deliverable', 'nobody can receive encrypted reports for this unit now');
	const q = new URLSearchParams({ organ: routing.organ.id, unit: choice.unit });
	const answer = await requestJson<unknown>(`/api/v1/directory?${q.toString()}`, net);
	let verified;
	try {
		verified = verifyServedDirectory(answer, {
			organId: routing.organ.id,
			now: options.now?.() ?? Date.now(),
			pinnedRootPublicKey: options.pinnedRootPublicKey
		});
	} catch (e) {
		if (e instanceof DirectoryAnswerError) {
			throw new ReportError(e.code === 'ROOT_MISMATCH' ? 'root_changed' : 'directory_untrusted', e.message, {
				cause: e
			});
		}
		throw e;
	}
	if (verified.valid.length === 0) throw new ReportError('no_recipients', 'no directory entry passed verification');
	return {
		choice,
		routing,
		organ: routing.organ,
		fingerprint: verified.fingerprint,
		rootPublicKey: verified.rootPublicKey,
		recipients: verified.valid,
		recipientCount: verified.valid.length,
		rejectedCount: verified.rejected.length
	};
}

/* ------------------------------------------------------------------ the submission */

interface Receipt {
	locator: string;
	secret: string;
	kdfSpec: Uint8Array;
	authHash: Uint8Array;
	wrappedKey: Uint8Array;
}

function sameChoice(a: RoutingChoice, b: RoutingChoice): boolean {
	return a.unit === b.unit && a.position === b.position && a.kind === b.kind && a.escalate === b.escalate;
}

/**
 * A report submission that can be resumed: when `run()` fails (network down, tab backgrounded …) the
 * UI may call `run()` again; encrypted files, the receipt, the intake and the parts already uploaded are
 * reused. Call `discard()` to give up (zeroes the keys). `submitReport` is the one-shot form.
 */
export class Submission {
	private prepared: PreparedRecipients | undefined;
	private reportKey: Uint8Array | null = null;
	private files: EncryptedFile[] | undefined;
	private content: Uint8Array | undefined;
	private wraps: { entryId: string; sealed: string }[] | undefined;
	private receipt: Receipt | undefined;
	private intake: Intake | undefined;
	/** The solved challenge of an inline commit: kept for a retry, so a commit whose answer was lost is recognised. */
	private inlinePow: PowSolution | undefined;
	private inlineFiles: string[] | undefined;
	/** Local time (ms) the intake was opened: the server's `expiresAt` is on the server's clock. */
	private intakeOpenedAt = 0;
	private readonly sent = new Set<string>();
	private result: SubmitResult | undefined;
	private discarded = false;
	private running = false;

	constructor(
		private readonly input: ReportInput,
		private readonly options: SubmitOptions = {}
	) {
		this.prepared = options.prepared;
		const { realName } = input.routing;
		if (realName && !input.details.identity)
			throw new ReportError('invalid_input', 'a real-name report needs the identity fields', { field: 'identity' });
		if (!realName && input.details.identity)
			throw new ReportError('invalid_input', 'an anonymous report must not carry identity fields', {
				field: 'identity'
			});
		if (this.prepared && !sameChoice(this.prepared.choice, input.routing)) {
			throw new ReportError('invalid_input', 'the previewed recipients are for another routing choice', {
				field: 'routing'
			});
		}
	}

	/** Runs (or resumes) the submission; resolves with the receipt once the server committed the report. */
	async run(overrides: { signal?: AbortSignal; onProgress?: (p: SubmitProgress) => void } = {}): Promise<SubmitResult> {
		if (this.result) return this.result;
		if (this.discarded) throw new ReportError('closed', 'this submission was discarded');
		if (this.running) throw new ReportError('invalid_input', 'this submission is already running');
		this.running = true;
		try {
			const result = await this.steps(
				overrides.signal ?? this.options.signal,
				overrides.onProgress ?? this.options.onProgress
			);
			this.result = result;
			this.wipe();
			return result;
		} finally {
			this.running = false;
		}
	}

	/** Gives up: zeroes the report key; later `run()` calls fail with `closed`. */
	discard(): void {
		this.discarded = true;
		this.wipe();
	}

	private wipe(): void {
		this.reportKey?.fill(0);
		this.reportKey = null;
		this.files = undefined;
		this.content = undefined;
		this.inlineFiles = undefined;
	}

	private async steps(
		signal: AbortSignal | undefined,
		onProgress: ((p: SubmitProgress) => void) | undefined
	): Promise<SubmitResult> {
		const o = this.options;
		const net = { fetch: o.fetch, signal };
		const crypto = o.crypto ?? cryptoWorker();
		const progress = (p: SubmitProgress) => onProgress?.(p);

		progress({ phase: 'preparing' });
		this.prepared ??= await prepareRecipients(this.input.routing, { ...o, ...net });
		this.reportKey ??= generateReportKey();
		const reportKey = this.reportKey;

		if (!this.files) {
			this.files = await encryptFiles(crypto, reportKey, this.input.files, {
				signal,
				onProgress: (p) => progress({ phase: 'encrypting', ...p })
			});
		}
		const files = this.files;
		this.content ??= this.encryptContent(reportKey, this.prepared, files);
		this.wraps ??= this.seal(reportKey, this.prepared);
		this.receipt ??= await this.newReceipt(crypto, reportKey, signal, progress);

		const budget = { recipients: 1, locator: 3, intake: 1, incomplete: 1, pow: 1 };
		const fileBytes = files.reduce((n, f) => n + f.stream.size, 0);
		const inline = fileBytes <= (o.inlineMaxBytes ?? INLINE_MAX_BYTES);
		for (;;) {
			throwIfAborted(signal);
			let source: Pick<ReportRequest, 'intake' | 'pow' | 'files'>;
			if (inline) {
				// One request: the proof of work and the files travel with the commit.
				this.inlinePow ??= await solve('intake', {
					...net,
					solver: o.powSolver,
					onProgress: (p: PowProgress) => progress({ phase: 'pow', ...p })
				});
				this.inlineFiles ??= await Promise.all(
					files.map(async (f) => encodeBase64(new Uint8Array(await f.stream.arrayBuffer())))
				);
				source = { pow: this.inlinePow, files: this.inlineFiles };
			} else {
				const now = o.now?.() ?? Date.now();
				if (!this.intake || now - this.intakeOpenedAt > INTAKE_REUSE_MS) {
					this.sent.clear();
					this.intakeOpenedAt = now;
					this.intake = await openIntake(
						files.map((f) => f.stream),
						{ solver: o.powSolver, onPow: (p: PowProgress) => progress({ phase: 'pow', ...p }) },
						net
					);
				}
				await uploadParts(
					this.intake,
					files.map((f) => f.stream),
					this.sent,
					{
						...net,
						retry: o.retry,
						onProgress: (p) => progress({ phase: 'uploading', ...p })
					}
				);
				source = { intake: this.intake.id };
			}
			progress({ phase: 'committing' });
			try {
				const answer = await requestJson<Partial<CommitAnswer>>('/api/v1/reports', {
					...net,
					method: 'POST',
					json: this.commitBody(source)
				});
				if (typeof answer.receivedOn !== 'string') throw new ReportError('server', 'not a commit answer');
				const r = this.receipt;
				const p = this.prepared;
				return {
					locator: formatLocator(r.locator),
					secret: formatReceiptSecret(r.secret),
					receivedOn: answer.receivedOn,
					fingerprint: p.fingerprint,
					organ: p.organ,
					files: files.map((f) => ({
						name: f.manifest.name,
						metadataRemoved: f.manifest.metadataRemoved,
						metadataKept: f.metadataKept
					}))
				};
			} catch (e) {
				if (!(e instanceof ReportError)) throw e;
				const code = e.serverCode;
				if ((code === 'routing_changed' || code === 'recipients_changed') && budget.recipients-- > 0) {
					progress({ phase: 'preparing' });
					const pinned = this.prepared.rootPublicKey;
					const fresh = await prepareRecipients(this.input.routing, { ...o, ...net, pinnedRootPublicKey: pinned });
					this.prepared = fresh;
					this.wraps = this.seal(reportKey, fresh);
					continue;
				}
				if (code === 'routing_changed' || code === 'recipients_changed') {
					throw new ReportError('recipients_changed', 'the server keeps refusing the recipients', {
						status: e.status,
						serverCode: code,
						cause: e
					});
				}
				if (code === 'locator_taken' && budget.locator-- > 0) {
					this.receipt = await this.newReceipt(crypto, reportKey, signal, progress);
					this.inlinePow = undefined; // spent by the refused commit
					continue;
				}
				if (inline && e.code === 'pow_failed' && budget.pow-- > 0) {
					this.inlinePow = undefined; // expired (a long pause) or refused: solve a fresh one
					continue;
				}
				if (code === 'unknown_intake' && budget.intake-- > 0) {
					this.intake = undefined;
					continue;
				}
				if (code === 'incomplete_upload' && budget.incomplete-- > 0) {
					this.sent.clear(); // PUT is idempotent: send every part again
					continue;
				}
				throw e;
			}
		}
	}

	private encryptContent(reportKey: Uint8Array, prepared: PreparedRecipients, files: EncryptedFile[]): Uint8Array {
		const { routing: choice, details } = this.input;
		const unit = prepared.routing.unit;
		const content: ReportContent = {
			v: 1,
			unit: { id: unit.id, name: unit.name, regionPath: unit.regionPath },
			position: choice.position,
			kind: choice.kind,
			category: choice.category,
			person: { name: details.person.name, post: details.person.post },
			description: details.description,
			interference: details.interference ?? null,
			identity: choice.realName ? (details.identity ?? null) : null,
			files: files.map((f) => f.manifest),
			submittedFrom: 'web'
		};
		try {
			return encryptContent(reportKey, utf8(JSON.stringify(content)));
		} catch (e) {
			if (e instanceof CryptoError && e.code === 'TOO_LARGE')
				throw new ReportError('content_too_large', 'the report text is too long', { cause: e });
			throw e;
		}
	}

	private seal(reportKey: Uint8Array, prepared: PreparedRecipients): { entryId: string; sealed: string }[] {
		return prepared.recipients.map((entry) => ({
			entryId: encodeBase64(entry.entryId),
			sealed: encodeBase64(sealKey(reportKey, entry.publicKey))
		}));
	}

	private async newReceipt(
		crypto: ReporterCrypto,
		reportKey: Uint8Array,
		signal: AbortSignal | undefined,
		progress: (p: SubmitProgress) => void
	): Promise<Receipt> {
		const secret = generateReceiptSecret();
		const kdfSpec = encodeKdfSpec(newKdfSpec(this.options.receiptKdf ?? RECEIPT_KDF));
		let keys: { authKey: Uint8Array; unwrapKey: Uint8Array };
		try {
			keys = await crypto.deriveReceiptKeys(secret, kdfSpec, {
				signal,
				onProgress: (p) => 'state' in p && progress({ phase: 'deriving', kdf: p })
			});
		} catch (e) {
			cryptoFailure(e);
		}
		const receipt: Receipt = {
			locator: generateLocator(),
			secret,
			kdfSpec,
			authHash: receiptAuthHash(keys.authKey),
			wrappedKey: wrapKey(reportKey, keys.unwrapKey)
		};
		keys.authKey.fill(0);
		keys.unwrapKey.fill(0);
		return receipt;
	}

	/** The commit; `source` is `{ intake }` or, inline, `{ pow, files }`. */
	private commitBody(source: Pick<ReportRequest, 'intake' | 'pow' | 'files'>): ReportRequest {
		const c = this.input.routing;
		const p = this.prepared as PreparedRecipients;
		const r = this.receipt as Receipt;
		return {
			v: 1,
			...source,
			routing: {
				unit: c.unit,
				position: c.position,
				kind: c.kind,
				category: c.category,
				escalate: c.escalate,
				realName: c.realName
			},
			organ: p.organ.id,
			content: encodeBase64(this.content as Uint8Array),
			wraps: this.wraps ?? [],
			receipt: {
				locator: r.locator,
				kdfSpec: encodeBase64(r.kdfSpec),
				authHash: encodeBase64(r.authHash),
				wrappedKey: encodeBase64(r.wrappedKey)
			}
		};
	}
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
