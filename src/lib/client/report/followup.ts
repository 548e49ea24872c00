/**
 * Coming back with the receipt (docs/reporting.md §4): parse what the reporter typed or pasted
 * (receipt-input.ts), derive the keys in the crypto worker, prove work, open the report (decrypted by
 * followup-view.ts), and keep a session in memory only.
 *
 *   const { locator, secret } = parseReceiptInput(pasted);          // typed errors before any request
 *   const session = await openReceipt(locator, secret, { onProgress, signal });
 *   session.report.content.description; session.report.messages;
 *   const { name, type, blob } = await session.downloadFile(session.report.files[0].id);
 *   await session.sendMessage('新的情况…', [file]);
 *   session.close();                                               // zeroes the keys
 *
 * The session holds the token (30 minutes), the report key and the receipt's auth key in memory, never
 * in storage. When the token expires, the next call proves work again and renews it with the auth key.
 */
import { encodeBase64 } from '@oslojs/encoding';
import { utf8 } from '../../crypto/encoding';
import { CryptoError, CryptoFormatError } from '../../crypto/errors';
import { cryptoWorker, type KdfProgress } from '../crypto-client';
import { WeakKdfError } from '../kdf-floor';
import type { SuiteId } from '../../crypto/suite-id';
import { reporterSuite, type ReporterSuite } from './report-suite';
import type { FetchLike } from '../http';
import { ReportError, throwIfAborted } from './errors';
import { cryptoFailure, encryptFiles, openIntake, uploadParts, type AttachedFile, type ReporterCrypto } from './files';
import { answerBytes, decryptView, isView, type FollowUpReport } from './followup-view';
import { requestJson, send, errorFromResponse, type RetryOptions } from './http';
import { solve, type PowProgress, type PowSolver } from './pow';
import { parseReceiptInput } from './receipt-input';
import type { MessagePurpose } from '../../shared/vocabulary/report';
import type {
	MessageAnswer,
	MessageRequest,
	ReceiptOpenAnswer,
	ReceiptOpenRequest,
	ReceiptSpecAnswer,
	ReportView
} from '../../shared/wire/reporter';

export type OpenProgress =
	| { phase: 'preparing' }
	| { phase: 'deriving'; kdf: KdfProgress }
	| { phase: 'pow'; hashes: number; expected: number }
	| { phase: 'opening' };

export interface FollowUpOptions {
	fetch?: FetchLike;
	signal?: AbortSignal;
	/** The crypto worker (default: the page's shared one). */
	crypto?: ReporterCrypto;
	/** Proof-of-work solver (default: Web Workers). */
	powSolver?: PowSolver;
	/** Upload retry policy for message attachments. */
	retry?: RetryOptions;
	/** The deployment's cipher suite, served with the page (issue 21; default NaCl). */
	suite?: SuiteId;
}

export type MessageProgress =
	| { phase: 'encrypting'; done: number; total: number; file: number }
	| { phase: 'uploading'; done: number; total: number; sending?: number }
	| { phase: 'sending' };

export interface FollowUpSession {
	/** The report, decrypted (updated by `refresh` and `sendMessage`). */
	readonly report: FollowUpReport;
	/** Fetches the report again (new status, staff replies). */
	refresh(options?: { signal?: AbortSignal }): Promise<FollowUpReport>;
	/** Downloads and decrypts a file of the report or of a message. */
	downloadFile(
		fileId: string,
		options?: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void }
	): Promise<{ name: string; type: string; blob: Blob }>;
	/**
	 * Sends a message (text and files, images stripped) to the staff handling the report; `purpose`
	 * 'protection' asks for protection (申请保护).
	 */
	sendMessage(
		text: string,
		files?: AttachedFile[],
		options?: { signal?: AbortSignal; onProgress?: (p: MessageProgress) => void; purpose?: MessagePurpose }
	): Promise<{ id: string; seq: number; sentOn: string }>;
	/** The proof of having reported, once staff acknowledged the report (unverified: see `verifyProof`). */
	fetchProof(options?: { signal?: AbortSignal }): Promise<unknown>;
	/** Forgets the token and zeroes the keys. Further calls fail with `closed`. */
	close(): void;
	readonly closed: boolean;
}

async function login(
	locator: string,
	authKey: Uint8Array,
	options: FollowUpOptions,
	onPow?: (p: PowProgress) => void
): Promise<{ token: string; view: ReportView }> {
	const net = { fetch: options.fetch, signal: options.signal };
	for (let attempt = 0; ; attempt++) {
		const pow = await solve('receipt', { ...net, solver: options.powSolver, onProgress: onPow });
		try {
			const request: ReceiptOpenRequest = { locator, authKey: encodeBase64(authKey), pow };
			const a = await requestJson<Partial<Record<keyof ReceiptOpenAnswer, unknown>>>('/api/v1/receipt/open', {
				...net,
				method: 'POST',
				json: request
			});
			if (typeof a.token !== 'string' || !isView(a.report)) throw new ReportError('server', 'not a receipt answer');
			return { token: a.token, view: a.report };
		} catch (e) {
			if (attempt === 0 && e instanceof ReportError && e.code === 'pow_failed') continue;
			throw e;
		}
	}
}

/**
 * Opens a report with its receipt. Errors: `receipt_malformed` / `receipt_typo` (before any request),
 * `receipt_not_recognised` (wrong locator or secret: the server cannot tell which), `rate_limited`,
 * `decrypt_failed`, `network`, `cancelled`.
 */
export async function openReceipt(
	locatorText: string,
	secretText: string,
	options: FollowUpOptions & { onProgress?: (p: OpenProgress) => void } = {}
): Promise<FollowUpSession> {
	const { locator, secret } = parseReceiptInput(locatorText, secretText);
	const crypto = options.crypto ?? cryptoWorker();
	const net = { fetch: options.fetch, signal: options.signal };
	const progress = (p: OpenProgress) => options.onProgress?.(p);
	progress({ phase: 'preparing' });
	const suite = await reporterSuite(options.suite);
	const spec = await requestJson<Partial<Record<keyof ReceiptSpecAnswer, unknown>>>('/api/v1/receipt/spec', {
		...net,
		method: 'POST',
		json: { locator }
	});
	if (typeof spec.kdfSpec !== 'string') throw new ReportError('server', 'not a spec answer');
	let keys: { authKey: Uint8Array; unwrapKey: Uint8Array };
	try {
		// Weak parameters from the server are refused before the secret is used (./kdf-floor.ts).
		// The pinned suite's spec only (issue 21): a server cannot switch the reporter to the other suite's KDF.
		suite.requireReceiptKdfSpec(answerBytes(spec.kdfSpec));
		keys = await crypto.deriveReceiptKeys(secret, answerBytes(spec.kdfSpec), {
			signal: options.signal,
			suite: suite.id,
			onProgress: (p) => 'state' in p && progress({ phase: 'deriving', kdf: p })
		});
	} catch (e) {
		if (e instanceof CryptoFormatError || e instanceof WeakKdfError)
			throw new ReportError('server', 'the server sent an unusable KDF spec', { cause: e });
		cryptoFailure(e);
	}
	const authKey = keys.authKey;
	let opened: { token: string; view: ReportView };
	let reportKey: Uint8Array;
	try {
		opened = await login(locator, authKey, options, (p) => progress({ phase: 'pow', ...p }));
		progress({ phase: 'opening' });
		try {
			reportKey = suite.unwrapKey(answerBytes(opened.view.wrappedKey), keys.unwrapKey);
		} catch (e) {
			if (e instanceof CryptoError)
				throw new ReportError('decrypt_failed', 'the report key does not unwrap with this receipt', { cause: e });
			throw e;
		}
	} catch (e) {
		authKey.fill(0);
		throw e;
	} finally {
		keys.unwrapKey.fill(0);
	}
	let report: FollowUpReport;
	try {
		report = decryptView(opened.view, reportKey, suite);
	} catch (e) {
		authKey.fill(0);
		reportKey.fill(0);
		throw e;
	}
	return new Session(locator, opened.token, reportKey, authKey, report, { ...options, crypto, cipher: suite });
}

class Session implements FollowUpSession {
	private isClosed = false;

	constructor(
		private readonly locator: string,
		private token: string,
		private readonly reportKey: Uint8Array,
		private readonly authKey: Uint8Array,
		public report: FollowUpReport,
		private readonly options: FollowUpOptions & { crypto: ReporterCrypto; cipher: ReporterSuite }
	) {}

	get closed(): boolean {
		return this.isClosed;
	}

	private check(signal?: AbortSignal): void {
		if (this.isClosed) throw new ReportError('closed', 'the session was closed');
		throwIfAborted(signal);
	}

	/** Runs `fn` with the token; on `session_expired`, logs in again once (new PoW) and retries. */
	private async authed<T>(signal: AbortSignal | undefined, fn: (token: string) => Promise<T>): Promise<T> {
		this.check(signal);
		try {
			return await fn(this.token);
		} catch (e) {
			if (!(e instanceof ReportError && e.code === 'session_expired')) throw e;
			this.check(signal);
			const { token, view } = await login(this.locator, this.authKey, { ...this.options, signal });
			this.check(signal);
			this.token = token;
			this.report = decryptView(view, this.reportKey, this.options.cipher);
			return fn(this.token);
		}
	}

	async refresh(options: { signal?: AbortSignal } = {}): Promise<FollowUpReport> {
		const view = await this.authed(options.signal, (token) =>
			requestJson<unknown>('/api/v1/receipt/report', { fetch: this.options.fetch, signal: options.signal, token })
		);
		if (!isView(view)) throw new ReportError('server', 'not a report view');
		this.check();
		this.report = decryptView(view, this.reportKey, this.options.cipher);
		return this.report;
	}

	/**
	 * The proof of having reported (已报告证明, issue 19), as the server issued it: refused with
	 * `not_acknowledged` until staff registered the report, `proof_unavailable` where the organ issues none.
	 * The caller verifies it against the pinned root (src/lib/crypto/proof.ts `verifyProof`).
	 */
	async fetchProof(options: { signal?: AbortSignal } = {}): Promise<unknown> {
		return this.authed(options.signal, (token) =>
			requestJson<unknown>('/api/v1/receipt/proof', { fetch: this.options.fetch, signal: options.signal, token })
		);
	}

	async downloadFile(
		fileId: string,
		options: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {}
	): Promise<{ name: string; type: string; blob: Blob }> {
		const stream = await this.authed(options.signal, async (token) => {
			const res = await send(`/api/v1/receipt/files/${encodeURIComponent(fileId)}`, {
				fetch: this.options.fetch,
				signal: options.signal,
				token
			});
			if (!res.ok) throw await errorFromResponse(res);
			try {
				return await res.blob();
			} catch (e) {
				throw new ReportError('network', 'download interrupted', { cause: e });
			}
		});
		this.check(options.signal);
		try {
			const r = await this.options.crypto.decryptAttachment(this.reportKey, stream, {
				signal: options.signal,
				suite: this.options.cipher.id,
				onProgress: (p) => 'done' in p && options.onProgress?.({ done: p.done, total: p.total })
			});
			return { name: r.name, type: r.type, blob: r.data };
		} catch (e) {
			if (e instanceof CryptoError) throw new ReportError('decrypt_failed', 'the file does not decrypt', { cause: e });
			cryptoFailure(e);
		}
	}

	async sendMessage(
		text: string,
		files: AttachedFile[] = [],
		options: { signal?: AbortSignal; onProgress?: (p: MessageProgress) => void; purpose?: MessagePurpose } = {}
	): Promise<{ id: string; seq: number; sentOn: string }> {
		this.check(options.signal);
		const signal = options.signal;
		const net = { fetch: this.options.fetch, signal };
		let body: Uint8Array;
		try {
			body = this.options.cipher.encryptContent(this.reportKey, utf8(JSON.stringify({ text })));
		} catch (e) {
			if (e instanceof CryptoError && e.code === 'TOO_LARGE')
				throw new ReportError('content_too_large', 'the message is too long', { cause: e });
			throw e;
		}
		const encrypted = await encryptFiles(this.options.crypto, this.reportKey, files, {
			signal,
			suite: this.options.cipher.id,
			onProgress: (p) => options.onProgress?.({ phase: 'encrypting', ...p })
		});
		const streams = encrypted.map((f) => f.stream);
		const answer = await this.authed(signal, async (token) => {
			let intake: string | null = null;
			if (streams.length > 0) {
				const opened = await openIntake(streams, { token }, net);
				await uploadParts(opened, streams, new Set(), {
					...net,
					token,
					retry: this.options.retry,
					onProgress: (p) => options.onProgress?.({ phase: 'uploading', ...p })
				});
				intake = opened.id;
			}
			options.onProgress?.({ phase: 'sending' });
			const request: MessageRequest = {
				body: encodeBase64(body),
				intake,
				...(options.purpose ? { purpose: options.purpose } : {})
			};
			return requestJson<Partial<Record<keyof MessageAnswer, unknown>>>('/api/v1/receipt/messages', {
				...net,
				method: 'POST',
				json: request,
				token
			});
		});
		if (typeof answer.id !== 'string' || typeof answer.seq !== 'number' || typeof answer.sentOn !== 'string')
			throw new ReportError('server', 'not a message answer');
		try {
			await this.refresh({ signal });
		} catch {
			// the message is sent; a failed refresh only delays showing it
		}
		return { id: answer.id, seq: answer.seq, sentOn: answer.sentOn };
	}

	close(): void {
		this.isClosed = true;
		this.token = '';
		this.reportKey.fill(0);
		this.authKey.fill(0);
	}
}
