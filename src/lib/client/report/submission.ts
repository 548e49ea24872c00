/**
 * The resumable submission of a report (docs/reporting.md §1–3, §6; entry points in submit.ts).
 *
 * Order of work: the recipients the reporter previewed (or routing and the signed directory, verified,
 * when there was no preview) → new report key → metadata stripped from images → files encrypted in the
 * crypto worker → content JSON encrypted → report key sealed to every valid entry → receipt (Argon2id in
 * the worker) → proof of work → intake → parts uploaded (retry with backoff, resumable) → commit. Reports
 * whose files total at most INLINE_MAX_BYTES skip the intake: the proof of work and the files go inline
 * in the commit (one request; a retry of it is recognised by the server, so a lost answer does not make a
 * second report). Routing is not asked again before the commit: the server refuses a commit whose routing
 * or recipients changed (409 routing_changed / recipients_changed), and only then are routing and
 * directory fetched again and the key re-sealed, once (the root key must stay the one the reporter saw),
 * when the organ is still the one the reporter was shown; when the organ changed, the submission stops with
 * `recipients_changed` so the form shows the new destination first (never a silent re-route);
 * locator_taken makes a new receipt; an expired intake or incomplete upload is redone once.
 *
 * Nothing is written to storage or logged. The report key and the receipt's auth key are zeroed when the
 * submission ends (success, failure of `submitReport`, or `discard()`); JavaScript strings (the texts,
 * the receipt secret) cannot be zeroed and are left to the garbage collector.
 */
import { generateReportKey } from '../../crypto/keys';
import { encodeSummary, summaryOf } from '../../shared/report-summary';
import { utf8 } from '../../crypto/encoding';
import { CryptoError } from '../../crypto/errors';
import { formatLocator, formatReceiptSecret, generateLocator, generateReceiptSecret } from '../../crypto/receipt';
import { reporterSuite, type ReporterSuite } from './report-suite';
import { cryptoWorker } from '../crypto-client';
import { ReportError, throwIfAborted } from './errors';
import {
	cryptoFailure,
	encryptFiles,
	openIntake,
	uploadParts,
	type EncryptedFile,
	type Intake,
	type ReporterCrypto
} from './files';
import { requestJson } from './http';
import { solve, type PowProgress } from './pow';
import { prepareRecipients, type PreparedRecipients } from './recipients';
import { sameRouting } from './routing';
import type { ReportInput, SubmitOptions, SubmitProgress, SubmitResult } from './submit';
import { INLINE_MAX_BYTES, INTAKE_REUSE_MS } from '../../shared/limits';
import type { ReportContent } from '../../shared/report-document';
import type { CommitAnswer, PowSolution, ReportRequest } from '../../shared/wire/reporter';
import { encodeReportBinary } from '../../shared/wire/report-binary';

interface Receipt {
	locator: string;
	secret: string;
	kdfSpec: Uint8Array;
	authHash: Uint8Array;
	wrappedKey: Uint8Array;
}

/**
 * A report submission that can be resumed: when `run()` fails (network down, tab backgrounded …) the
 * UI may call `run()` again; encrypted files, the receipt, the intake and the parts already uploaded are
 * reused. Call `discard()` to give up (zeroes the keys). `submitReport` is the one-shot form.
 */
export class Submission {
	private prepared: PreparedRecipients | undefined;
	/** The deployment's cipher suite: the one the recipients were verified under (issue 21). */
	private suite: ReporterSuite | undefined;
	private reportKey: Uint8Array | null = null;
	private files: EncryptedFile[] | undefined;
	private content: Uint8Array | undefined;
	/** The inbox summary (format I): what the inbox shows before the audited open (issue 16). */
	private summary: Uint8Array | undefined;
	private wraps: { entryId: Uint8Array; sealed: Uint8Array }[] | undefined;
	private receipt: Receipt | undefined;
	private intake: Intake | undefined;
	/** The solved challenge of an inline commit: kept for a retry, so a commit whose answer was lost is recognised. */
	private inlinePow: PowSolution | undefined;
	private inlineFiles: Uint8Array[] | undefined;
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
		if (this.prepared && !sameRouting(this.prepared.choice, input.routing)) {
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
		this.summary = undefined;
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
		this.suite ??= await reporterSuite(this.prepared.suite);
		const suite = this.suite;
		this.reportKey ??= generateReportKey();
		const reportKey = this.reportKey;

		if (!this.files) {
			this.files = await encryptFiles(crypto, reportKey, this.input.files, {
				signal,
				suite: suite.id,
				onProgress: (p) => progress({ phase: 'encrypting', ...p })
			});
		}
		const files = this.files;
		this.content ??= this.encryptContent(reportKey, this.prepared, files);
		this.summary ??= suite.encryptSummary(reportKey, encodeSummary(summaryOf(this.input.details)));
		this.wraps ??= this.seal(reportKey, this.prepared);
		this.receipt ??= await this.newReceipt(crypto, reportKey, signal, progress);

		const budget = { recipients: 1, locator: 3, intake: 1, incomplete: 1, pow: 1 };
		const fileBytes = files.reduce((n, f) => n + f.stream.size, 0);
		const inline = fileBytes <= (o.inlineMaxBytes ?? INLINE_MAX_BYTES);
		for (;;) {
			throwIfAborted(signal);
			let source: { intake?: string; pow?: PowSolution; files?: Uint8Array[] };
			if (inline) {
				// One request: the proof of work and the files travel with the commit.
				this.inlinePow ??= await solve('intake', {
					...net,
					solver: o.powSolver,
					onProgress: (p: PowProgress) => progress({ phase: 'pow', ...p })
				});
				this.inlineFiles ??= await Promise.all(files.map(async (f) => new Uint8Array(await f.stream.arrayBuffer())));
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
					body: this.commitBody(source)
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
					const fresh = await prepareRecipients(this.input.routing, {
						...o,
						...net,
						pinnedRootPublicKey: pinned,
						pinnedSuite: suite.id
					});
					if (fresh.organ.id !== this.prepared.organ.id) {
						// The report would now go to another organ than the one the reporter was shown: never
						// re-route silently (issue 16). The form shows the new destination; the reporter sends again.
						throw new ReportError('recipients_changed', 'the organ changed since the preview', {
							status: e.status,
							serverCode: code,
							cause: e
						});
					}
					this.prepared = fresh; // same organ, other keys (a member joined or left): sealed again
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
			v: 2,
			unit: { id: unit.id, name: unit.name, regionPath: unit.regionPath },
			position: choice.position,
			kind: details.kind ?? 'public_tip',
			reporterRole: details.reporterRole ?? null,
			category: choice.category,
			person: {
				name: details.person.name,
				post: details.person.post,
				...(choice.byRegion && details.person.unit !== undefined ? { unit: details.person.unit } : {})
			},
			description: details.description,
			interference: details.interference ?? null,
			identity: choice.realName ? (details.identity ?? null) : null,
			files: files.map((f) => f.manifest),
			submittedFrom: 'web'
		};
		try {
			return (this.suite as ReporterSuite).encryptContent(reportKey, utf8(JSON.stringify(content)));
		} catch (e) {
			if (e instanceof CryptoError && e.code === 'TOO_LARGE')
				throw new ReportError('content_too_large', 'the report text is too long', { cause: e });
			throw e;
		}
	}

	private seal(reportKey: Uint8Array, prepared: PreparedRecipients): { entryId: Uint8Array; sealed: Uint8Array }[] {
		return prepared.recipients.map((entry) => ({
			entryId: entry.entryId,
			sealed: (this.suite as ReporterSuite).sealKey(reportKey, entry.publicKey)
		}));
	}

	private async newReceipt(
		crypto: ReporterCrypto,
		reportKey: Uint8Array,
		signal: AbortSignal | undefined,
		progress: (p: SubmitProgress) => void
	): Promise<Receipt> {
		const secret = generateReceiptSecret();
		const suite = this.suite as ReporterSuite;
		const kdfSpec = suite.newReceiptKdfSpec(this.options.receiptKdf);
		let keys: { authKey: Uint8Array; unwrapKey: Uint8Array };
		try {
			keys = await crypto.deriveReceiptKeys(secret, kdfSpec, {
				signal,
				suite: suite.id,
				onProgress: (p) => 'state' in p && progress({ phase: 'deriving', kdf: p })
			});
		} catch (e) {
			cryptoFailure(e);
		}
		const receipt: Receipt = {
			locator: generateLocator(),
			secret,
			kdfSpec,
			authHash: suite.receiptAuthHash(keys.authKey),
			wrappedKey: suite.wrapKey(reportKey, keys.unwrapKey)
		};
		keys.authKey.fill(0);
		keys.unwrapKey.fill(0);
		return receipt;
	}

	/**
	 * The commit as the binary body (src/lib/shared/wire/report-binary.ts): the clear fields as a JSON head,
	 * the ciphertexts raw; `source` is `{ intake }` or, inline, `{ pow, files }`.
	 */
	private commitBody(source: { intake?: string; pow?: PowSolution; files?: Uint8Array[] }): Uint8Array<ArrayBuffer> {
		const c = this.input.routing;
		const p = this.prepared as PreparedRecipients;
		const r = this.receipt as Receipt;
		const { files, ...clear } = source;
		const head: Omit<ReportRequest, 'content' | 'summary' | 'wraps' | 'files' | 'receipt'> & {
			receipt: { locator: string };
		} = {
			v: 1,
			...clear,
			routing: {
				unit: c.unit,
				position: c.position,
				category: c.category,
				escalate: c.escalate,
				realName: c.realName,
				...(c.byRegion ? { byRegion: true } : {})
			},
			organ: p.organ.id,
			receipt: { locator: r.locator }
		};
		return encodeReportBinary(head, {
			content: this.content as Uint8Array,
			summary: this.summary as Uint8Array,
			kdfSpec: r.kdfSpec,
			authHash: r.authHash,
			wrappedKey: r.wrappedKey,
			wraps: this.wraps ?? [],
			...(files ? { files } : {})
		});
	}
}
