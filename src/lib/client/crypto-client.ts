/**
 * Promise-based client of the crypto worker (crypto.worker.ts; messages in crypto-messages.ts).
 *
 *   const crypto = cryptoWorker();
 *   const keys = await crypto.deriveReceiptKeys(secretText, kdfSpec, { onProgress });
 *   const { stream } = await crypto.encryptAttachment(reportKey, file, { onProgress, signal });
 *
 * Every method takes `onProgress` (see crypto-messages.ts for what the events mean) and an AbortSignal.
 * Aborting rejects the promise at once with `CryptoWorkerError('CANCELLED')` and tells the worker to stop
 * at its next checkpoint. Refusals by the crypto core arrive as the core's own classes
 * (`CryptoFormatError`, `CryptoAuthError`, … with the same `code`), so callers handle them exactly as if
 * they had called src/lib/crypto directly; worker-level failures are `CryptoWorkerError`.
 *
 * Inputs are copied to the worker (the caller's key buffers stay usable); results are moved back.
 */
import type { SuiteId } from '../crypto/suite-id';
import {
	CryptoAuthError,
	CryptoError,
	CryptoFormatError,
	DirectoryError,
	type CryptoErrorCode
} from '../crypto/errors';
import type { Argon2Params } from '../crypto/kdf';
import type {
	CryptoOp,
	CryptoProgress,
	CryptoRequest,
	CryptoResponse,
	RequestBodies,
	ResultBodies,
	WireError,
	WorkerErrorCode
} from './crypto-messages';

export type { CryptoProgress, KdfProgress, BytesProgress, WorkerErrorCode } from './crypto-messages';

/** What the client needs of a Worker (a real one, or an in-process stand-in in tests). */
export interface WorkerLike {
	postMessage(message: unknown, transfer: Transferable[]): void;
	addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
	terminate(): void;
}

/** A failure of the worker layer: CANCELLED, BAD_REQUEST, READ_FAILED, INTERNAL, WORKER_FAILED, TERMINATED. */
export class CryptoWorkerError extends Error {
	readonly code: WorkerErrorCode;
	constructor(code: WorkerErrorCode, message: string) {
		super(`${code}: ${message}`);
		this.name = 'CryptoWorkerError';
		this.code = code;
	}
}

/** Options of every job. */
export interface JobOptions {
	/** Called for each progress event, in order, before the promise settles. */
	onProgress?: (progress: CryptoProgress) => void;
	/** Aborting rejects with CryptoWorkerError('CANCELLED') and stops the worker's job. */
	signal?: AbortSignal;
}

/** Options of attachment jobs. */
export interface AttachmentJobOptions extends JobOptions {
	/** Bytes read per step and per progress event (default 1 MiB). */
	readSize?: number;
	/** The deployment's cipher suite (issue 21; default NaCl). */
	suite?: SuiteId;
}

/** The suite field of a request: left out for NaCl, so its messages are as before issue 21. */
const suiteField = (suite: SuiteId | undefined) => (suite && suite !== 'nacl' ? { suite } : {});

function stripCode(message: string, code: string): string {
	return message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
}

/** Rebuilds a thrown error from its wire form (crypto core classes keep their class and code). */
function fromWireError(w: WireError): Error {
	const message = stripCode(w.message, w.code);
	switch (w.name) {
		case 'CryptoFormatError':
			return new CryptoFormatError(w.code as CryptoErrorCode, message);
		case 'CryptoAuthError':
			return new CryptoAuthError(w.code as CryptoErrorCode, message);
		case 'DirectoryError':
			return new DirectoryError(w.code as CryptoErrorCode, message);
		case 'CryptoError':
			return new CryptoError(w.code as CryptoErrorCode, message);
		default:
			return new CryptoWorkerError(w.code as WorkerErrorCode, message);
	}
}

interface Pending {
	resolve(result: unknown): void;
	reject(error: Error): void;
	onProgress?: (progress: CryptoProgress) => void;
}

/** The default worker, bundled by Vite. */
function createCryptoWorker(): Worker {
	return new Worker(new URL('./crypto.worker.ts', import.meta.url), { type: 'module' });
}

export class CryptoWorkerClient {
	private worker: WorkerLike | null = null;
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;

	/** `create` makes the worker on first use (and again after a crash or `terminate`). */
	constructor(private readonly create: () => WorkerLike = createCryptoWorker) {}

	/** Jobs waiting for an answer. */
	get busy(): number {
		return this.pending.size;
	}

	private port(): WorkerLike {
		if (this.worker) return this.worker;
		const w = this.create();
		w.addEventListener('message', (event) => this.receive((event as MessageEvent<CryptoResponse>).data));
		const broken = (why: string) => () => {
			if (this.worker !== w) return;
			this.worker = null;
			w.terminate();
			this.rejectAll(new CryptoWorkerError('WORKER_FAILED', why));
		};
		w.addEventListener('error', broken('the crypto worker failed to load or crashed'));
		w.addEventListener('messageerror', broken('a message from the crypto worker could not be read'));
		this.worker = w;
		return w;
	}

	private receive(message: CryptoResponse): void {
		const job = this.pending.get(message.id);
		if (!job) return; // cancelled or unknown: ignore
		if (message.type === 'progress') {
			job.onProgress?.(message.progress);
			return;
		}
		this.pending.delete(message.id);
		if (message.type === 'result') job.resolve(message.result);
		else job.reject(fromWireError(message.error));
	}

	private rejectAll(error: Error): void {
		const jobs = [...this.pending.values()];
		this.pending.clear();
		for (const job of jobs) job.reject(error);
	}

	/** Sends one request; typed by operation. */
	request<O extends CryptoOp>(op: O, body: RequestBodies[O], options: JobOptions = {}): Promise<ResultBodies[O]> {
		const { signal, onProgress } = options;
		if (signal?.aborted) return Promise.reject(new CryptoWorkerError('CANCELLED', 'cancelled before it started'));
		const port = this.port();
		const id = this.nextId++;
		return new Promise<ResultBodies[O]>((resolve, reject) => {
			const onAbort = () => {
				if (!this.pending.delete(id)) return;
				port.postMessage({ id, op: 'cancel' } satisfies CryptoRequest, []);
				reject(new CryptoWorkerError('CANCELLED', 'cancelled by the caller'));
			};
			const done = () => signal?.removeEventListener('abort', onAbort);
			this.pending.set(id, {
				resolve: (r) => {
					done();
					resolve(r as ResultBodies[O]);
				},
				reject: (e) => {
					done();
					reject(e);
				},
				onProgress
			});
			signal?.addEventListener('abort', onAbort, { once: true });
			try {
				port.postMessage({ id, op, ...body }, []);
			} catch (e) {
				this.pending.delete(id);
				done();
				reject(new CryptoWorkerError('BAD_REQUEST', e instanceof Error ? e.message : String(e)));
			}
		});
	}

	/** Argon2id(secret, salt, params) → `length` bytes. */
	async deriveKey(
		secret: string | Uint8Array,
		salt: Uint8Array,
		params: Argon2Params,
		length = 32,
		options?: JobOptions
	): Promise<Uint8Array> {
		return (
			await this.request(
				'deriveKey',
				{ secret, salt, params: { m: params.m, t: params.t, p: params.p }, length },
				options
			)
		).key;
	}

	/** The receipt's auth key and unwrap key from the typed secret and the report's KDF spec (27 bytes). */
	deriveReceiptKeys(
		secret: string,
		kdfSpec: Uint8Array,
		options?: JobOptions & { suite?: SuiteId }
	): Promise<ResultBodies['deriveReceiptKeys']> {
		return this.request('deriveReceiptKeys', { secret, kdfSpec, ...suiteField(options?.suite) }, options);
	}

	/**
	 * Wraps a 32-byte secret under a password (P format, fresh salt and nonce). With `suite: 'gm'` (issue 21) the
	 * GM suite's PBKDF2-HMAC-SM3 at its production count: `params` (Argon2id) are not used then.
	 */
	async passwordWrapKey(
		key: Uint8Array,
		password: string,
		params: Argon2Params,
		options?: JobOptions & { suite?: SuiteId }
	): Promise<Uint8Array> {
		const gm = suiteField(options?.suite);
		const body =
			'suite' in gm ? { key, password, ...gm } : { key, password, params: { m: params.m, t: params.t, p: params.p } };
		return (await this.request('passwordWrapKey', body, options)).wrapped;
	}

	/** Unwraps a password-wrapped key (of `suite`, default NaCl); a wrong password is `CryptoAuthError('DECRYPT_FAILED')`. */
	async passwordUnwrapKey(
		wrapped: Uint8Array,
		password: string,
		options?: JobOptions & { suite?: SuiteId }
	): Promise<Uint8Array> {
		return (await this.request('passwordUnwrapKey', { wrapped, password, ...suiteField(options?.suite) }, options)).key;
	}

	/**
	 * Encrypts a File or Blob under the report key. The name and type default to the File's own; they
	 * travel inside the ciphertext. Resolves with the stored stream as a Blob.
	 */
	encryptAttachment(
		reportKey: Uint8Array,
		file: Blob,
		options: AttachmentJobOptions & { name?: string; type?: string } = {}
	): Promise<ResultBodies['encryptAttachment']> {
		const name = options.name ?? (typeof File !== 'undefined' && file instanceof File ? file.name : '');
		const type = options.type ?? file.type;
		return this.request(
			'encryptAttachment',
			{ reportKey, file, name, type, readSize: options.readSize, ...suiteField(options.suite) },
			options
		);
	}

	/** Decrypts a stored stream (as a Blob); resolves with the file, its name and type. */
	decryptAttachment(
		reportKey: Uint8Array,
		stream: Blob,
		options: AttachmentJobOptions = {}
	): Promise<ResultBodies['decryptAttachment']> {
		return this.request(
			'decryptAttachment',
			{ reportKey, stream, readSize: options.readSize, ...suiteField(options.suite) },
			options
		);
	}

	/** Stops the worker at once; running jobs reject with TERMINATED. The next call starts a new worker. */
	terminate(): void {
		const w = this.worker;
		this.worker = null;
		w?.terminate();
		this.rejectAll(new CryptoWorkerError('TERMINATED', 'the crypto worker was terminated'));
	}
}

let shared: CryptoWorkerClient | null = null;

/** The page's shared crypto worker client (one worker, created on first use). */
export function cryptoWorker(): CryptoWorkerClient {
	shared ??= new CryptoWorkerClient();
	return shared;
}
