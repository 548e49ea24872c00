/**
 * The messages between the page and the client-side crypto worker: requests, answers, progress and
 * errors (types only). The page sends them through crypto-client.ts; the worker's handler is
 * crypto-protocol.ts.
 *
 * Requests (main thread → worker), each with a numeric `id` chosen by the caller:
 *   deriveKey          Argon2id(secret, salt, params, length)            → { key }
 *   deriveReceiptKeys  receipt secret text + KDF spec bytes (27)         → { authKey, unwrapKey }
 *   passwordWrapKey    32-byte key, password, Argon2 params              → { wrapped } (99 bytes, P format)
 *   passwordUnwrapKey  password-wrapped key (99 bytes), password         → { key }
 *                      (with `suite: 'gm'`, issue 21: PBKDF2-HMAC-SM3 at the production count, no params;
 *                      the GM P format, 82 bytes: the staff key page's derivations off the main thread)
 *   encryptAttachment  report key + File/Blob (+ name, type)             → { stream: Blob, chunks }
 *   decryptAttachment  report key + stored stream as a Blob              → { name, type, data: Blob }
 *   cancel             stops the job with the same `id` (no answer of its own; the job answers CANCELLED)
 *
 * Answers (worker → main thread), zero or more `progress` then exactly one `result` or `error`:
 *   { id, type: 'progress', progress }   { id, type: 'result', op, result }   { id, type: 'error', error }
 *
 * Progress:
 *   - Argon2id (and the GM suite's PBKDF2-HMAC-SM3) runs as one uninterruptible call, so there is no true fraction to report. A derivation
 *     sends { stage: 'kdf', state: 'started', estimateMs } and { stage: 'kdf', state: 'done', elapsedMs }.
 *     estimateMs is the measured time of the previous derivation with the same parameters in this worker
 *     (null for the first one); a UI may animate elapsed / estimate, capped below 100 %, until 'done'.
 *     'done' closes the stage even when the step right after Argon2id fails (a wrong password: the
 *     DECRYPT_FAILED error follows); input that is refused before Argon2id starts sends no kdf event.
 *   - Attachments send { stage: 'encrypt' | 'decrypt', done, total } in bytes: first { 0, total }, then one
 *     event per slice read from the Blob (1 MiB by default), the last with done === total. For encryption
 *     the bytes are those of the file; for decryption those of the stored stream.
 *
 * Errors carry a typed code: the crypto core's codes (BAD_CHECKSUM, DECRYPT_FAILED, TRUNCATED, …) with
 * the core's class name, or a worker code (CANCELLED, BAD_REQUEST, READ_FAILED, INTERNAL).
 *
 * Cancellation: a `cancel` message aborts the job at its next checkpoint: between slices for attachments;
 * for Argon2id, when the running WASM call returns (its output is then zeroed and discarded).
 */
import type { SuiteId } from '../crypto/suite-id';
import type { CryptoErrorCode } from '../crypto/errors';
import type { Argon2Params } from '../crypto/kdf';

/** Codes the worker adds to the crypto core's. */
export type WorkerErrorCode =
	/** The caller cancelled the job. */
	| 'CANCELLED'
	/** The message is not a well-formed request (unknown op, wrong field types, duplicate id). */
	| 'BAD_REQUEST'
	/** Reading the File/Blob failed (e.g. the file changed or vanished on disk). */
	| 'READ_FAILED'
	/** Anything unexpected inside the worker. */
	| 'INTERNAL'
	/** The Worker itself failed to load or crashed (raised by the client, never sent by the protocol). */
	| 'WORKER_FAILED'
	/** The client was terminated while the job ran (raised by the client). */
	| 'TERMINATED';

/** Which class an error had (crypto core) or that it comes from the worker layer. */
export type ErrorClassName =
	'CryptoError' | 'CryptoFormatError' | 'CryptoAuthError' | 'DirectoryError' | 'CryptoWorkerError';

/** An error as it travels in a message (plain data, structured-clone safe). */
export interface WireError {
	name: ErrorClassName;
	code: CryptoErrorCode | WorkerErrorCode;
	message: string;
}

/** Argon2id stage events (see the module comment for what they mean). */
export type KdfProgress =
	{ stage: 'kdf'; state: 'started'; estimateMs: number | null } | { stage: 'kdf'; state: 'done'; elapsedMs: number };

/** Byte progress of an attachment job. */
export interface BytesProgress {
	stage: 'encrypt' | 'decrypt';
	done: number;
	total: number;
}

export type CryptoProgress = KdfProgress | BytesProgress;

/** Request bodies by operation (without `id` and `op`). */
export interface RequestBodies {
	deriveKey: { secret: string | Uint8Array; salt: Uint8Array; params: Argon2Params; length: number };
	/** `suite`: the deployment's cipher suite (issue 21), absent for NaCl; the worker loads the GM suite for it. */
	deriveReceiptKeys: { secret: string; kdfSpec: Uint8Array; suite?: SuiteId };
	/** `params` for NaCl (Argon2id); none with `suite: 'gm'` (PBKDF2-HMAC-SM3 at the production count). */
	passwordWrapKey: { key: Uint8Array; password: string; params?: Argon2Params; suite?: SuiteId };
	passwordUnwrapKey: { wrapped: Uint8Array; password: string; suite?: SuiteId };
	encryptAttachment: {
		reportKey: Uint8Array;
		file: Blob;
		name: string;
		type: string;
		readSize?: number;
		suite?: SuiteId;
	};
	decryptAttachment: { reportKey: Uint8Array; stream: Blob; readSize?: number; suite?: SuiteId };
}

/** Results by operation. */
export interface ResultBodies {
	deriveKey: { key: Uint8Array };
	deriveReceiptKeys: { authKey: Uint8Array; unwrapKey: Uint8Array };
	passwordWrapKey: { wrapped: Uint8Array };
	passwordUnwrapKey: { key: Uint8Array };
	/** The stored stream (header and all chunks) and its chunk count. */
	encryptAttachment: { stream: Blob; chunks: number };
	/** The file, its name and type as they were encrypted. */
	decryptAttachment: { name: string; type: string; data: Blob };
}

export type CryptoOp = keyof RequestBodies;

export type CryptoRequest =
	{ [O in CryptoOp]: { id: number; op: O } & RequestBodies[O] }[CryptoOp] | { id: number; op: 'cancel' };

export type CryptoResponse =
	| { id: number; type: 'progress'; progress: CryptoProgress }
	| { [O in CryptoOp]: { id: number; type: 'result'; op: O; result: ResultBodies[O] } }[CryptoOp]
	| { id: number; type: 'error'; error: WireError };
