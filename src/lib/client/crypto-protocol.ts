/**
 * The handler of the client-side crypto worker's messages (crypto-messages.ts), as a pure module:
 * `createCryptoProtocol(post)` returns a handler that takes one request message at a time and answers
 * through `post`. The worker (crypto.worker.ts) only wires it to `self.onmessage` / `self.postMessage`;
 * unit tests drive the very same handler in Node without a Worker.
 */
import { CryptoError } from '../crypto/errors';
import { deriveKey, type Argon2Params } from '../crypto/kdf';
import {
	checkParams,
	decodeKdfSpec,
	deriveFromSpec,
	passwordUnwrapKey,
	passwordWrapKey,
	passwordWrappedSpec
} from '../crypto/kdf-spec';
import { KEY_LENGTH } from '../crypto/keys';
import { Kind, checkHeader } from '../crypto/format';
import { parseReceiptSecret } from '../crypto/receipt';
import { utf8 } from '../crypto/encoding';
import { createAttachmentDecryptor, createAttachmentEncryptor, CHUNK_SIZE } from '../crypto/attachment';
import type { Suite } from '../crypto/suite';
import { isSuiteId } from '../crypto/suite-id';
import type {
	CryptoOp,
	CryptoProgress,
	CryptoResponse,
	ErrorClassName,
	ResultBodies,
	WireError,
	WorkerErrorCode
} from './crypto-messages';

/** Default bytes read from a Blob per step (and per progress event): 16 chunks of 64 KiB. */
export const DEFAULT_READ_SIZE = 16 * CHUNK_SIZE;
/** Largest accepted read size (the worker holds one slice at a time). */
const MAX_READ_SIZE = 64 * 1024 * 1024;

/** Sends an answer; `transfer` lists buffers that may be moved rather than copied. */
export type Post = (message: CryptoResponse, transfer: ArrayBuffer[]) => void;

export interface ProtocolOptions {
	/** Milliseconds clock (default `performance.now`); injectable for tests. */
	now?: () => number;
}

export interface CryptoProtocol {
	/** Handles one incoming message; resolves once the job has answered (never rejects). */
	handle(message: unknown): Promise<void>;
	/** Ids of the jobs running now. */
	readonly active: ReadonlySet<number>;
}

/** A worker-layer failure with a typed code (the client rethrows these as `CryptoWorkerError`). */
class WorkerProtocolError extends Error {
	readonly code: WorkerErrorCode;
	constructor(code: WorkerErrorCode, message: string) {
		super(`${code}: ${message}`);
		this.name = 'CryptoWorkerError';
		this.code = code;
	}
}

/* ------------------------------------------------------------------ validation */

const OPS: ReadonlySet<string> = new Set<CryptoOp>([
	'deriveKey',
	'deriveReceiptKeys',
	'passwordWrapKey',
	'passwordUnwrapKey',
	'encryptAttachment',
	'decryptAttachment'
]);

function bad(why: string): WorkerProtocolError {
	return new WorkerProtocolError('BAD_REQUEST', why);
}

type Fields = Record<string, unknown>;

function bytes(m: Fields, name: string): Uint8Array {
	const v = m[name];
	if (!(v instanceof Uint8Array)) throw bad(`${name} must be a Uint8Array`);
	return v;
}

function text(m: Fields, name: string): string {
	const v = m[name];
	if (typeof v !== 'string') throw bad(`${name} must be a string`);
	return v;
}

function blob(m: Fields, name: string): Blob {
	const v = m[name];
	if (typeof Blob === 'undefined' || !(v instanceof Blob)) throw bad(`${name} must be a Blob`);
	return v;
}

function params(m: Fields, name: string): Argon2Params {
	const v = m[name];
	if (typeof v !== 'object' || v === null) throw bad(`${name} must be Argon2 parameters`);
	const { m: mem, t, p } = v as Fields;
	if (typeof mem !== 'number' || typeof t !== 'number' || typeof p !== 'number')
		throw bad(`${name} must have numeric m, t, p`);
	const out = { m: mem, t, p };
	checkParams(out); // typed CryptoFormatError('MALFORMED') for out-of-range values
	return out;
}

/**
 * The suite a request names (issue 21): null for NaCl (absent), whose code is part of this module; the GM
 * suite is loaded on first use (a dynamic import: a NaCl page's worker never fetches it).
 */
async function suiteOf(m: Fields): Promise<Suite | null> {
	const v = m.suite;
	if (v === undefined || v === 'nacl') return null;
	if (!isSuiteId(v)) throw bad('unknown suite');
	const { loadSuite } = await import('../crypto/suite');
	return loadSuite(v);
}

/** The measurement key of a KDF that is not Argon2id (the GM suite's PBKDF2-HMAC-SM3). */
const PBKDF2_KEY: Argon2Params = Object.freeze({ m: 0, t: 0, p: 0 });

function readSize(m: Fields): number {
	const v = m.readSize;
	if (v === undefined) return DEFAULT_READ_SIZE;
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_READ_SIZE) throw bad('readSize out of range');
	return v;
}

/* ------------------------------------------------------------------ errors */

const CRYPTO_CLASSES: ReadonlySet<string> = new Set([
	'CryptoError',
	'CryptoFormatError',
	'CryptoAuthError',
	'DirectoryError'
]);

/** Turns anything thrown into a typed wire error (unknown throwables become INTERNAL). */
function toWireError(e: unknown): WireError {
	if (e instanceof CryptoError) {
		const name = (CRYPTO_CLASSES.has(e.name) ? e.name : 'CryptoError') as ErrorClassName;
		return { name, code: e.code, message: e.message };
	}
	if (e instanceof WorkerProtocolError) return { name: 'CryptoWorkerError', code: e.code, message: e.message };
	const message = e instanceof Error ? e.message : String(e);
	return { name: 'CryptoWorkerError', code: 'INTERNAL', message: `INTERNAL: ${message}` };
}

/* ------------------------------------------------------------------ transfer */

/** Buffers that belong to exactly these views (safe to move to the other side). */
function ownBuffers(...views: Uint8Array[]): ArrayBuffer[] {
	const out = new Set<ArrayBuffer>();
	for (const v of views) {
		if (v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength)
			out.add(v.buffer);
	}
	return [...out];
}

/* ------------------------------------------------------------------ handler */

interface Job {
	id: number;
	signal: AbortSignal;
	progress(p: CryptoProgress): void;
}

function checkCancelled(job: Job): void {
	if (job.signal.aborted) throw new WorkerProtocolError('CANCELLED', 'cancelled by the caller');
}

async function readSlice(file: Blob, from: number, to: number): Promise<Uint8Array> {
	try {
		return new Uint8Array(await file.slice(from, to).arrayBuffer());
	} catch (e) {
		throw new WorkerProtocolError(
			'READ_FAILED',
			`reading bytes ${from}–${to}: ${e instanceof Error ? e.message : String(e)}`
		);
	}
}

/**
 * Creates the handler. State per handler: the running jobs (for `cancel`) and the last measured time of
 * each Argon2 parameter set (for `estimateMs`).
 */
export function createCryptoProtocol(post: Post, options: ProtocolOptions = {}): CryptoProtocol {
	const now = options.now ?? (() => performance.now());
	const jobs = new Map<number, AbortController>();
	const measured = new Map<string, number>();

	/** Runs an Argon2id derivation between 'started' and 'done' events. */
	async function kdf(job: Job, p: Argon2Params, run: () => Promise<Uint8Array>): Promise<Uint8Array> {
		const key = `${p.m}/${p.t}/${p.p}`;
		job.progress({ stage: 'kdf', state: 'started', estimateMs: measured.get(key) ?? null });
		const t0 = now();
		let out: Uint8Array;
		try {
			out = await run();
		} finally {
			// 'done' ends the stage whether the step after Argon2id (e.g. opening a wrapped key) succeeded
			// or not; the result or error follows. A cancelled job gets no 'done'.
			const elapsedMs = now() - t0;
			measured.set(key, elapsedMs);
			if (!job.signal.aborted) job.progress({ stage: 'kdf', state: 'done', elapsedMs });
		}
		if (job.signal.aborted) {
			out.fill(0);
			checkCancelled(job);
		}
		return out;
	}

	async function run(
		op: CryptoOp,
		m: Fields,
		job: Job
	): Promise<{ result: ResultBodies[CryptoOp]; transfer: ArrayBuffer[] }> {
		switch (op) {
			case 'deriveKey': {
				const secret = typeof m.secret === 'string' ? m.secret : bytes(m, 'secret');
				const salt = bytes(m, 'salt');
				const p = params(m, 'params');
				const length = m.length;
				if (typeof length !== 'number' || !Number.isInteger(length) || length < 4 || length > 1024)
					throw bad('length out of range');
				const key = await kdf(job, p, () => deriveKey(secret, salt, p, length));
				return { result: { key }, transfer: ownBuffers(key) };
			}
			case 'deriveReceiptKeys': {
				// Checked before any Argon2id: a typo costs nothing (BAD_CHECKSUM, BAD_LENGTH, MALFORMED).
				const secret = parseReceiptSecret(text(m, 'secret'));
				const suite = await suiteOf(m);
				if (suite) {
					const kdfSpec = bytes(m, 'kdfSpec');
					let keys: { authKey: Uint8Array; unwrapKey: Uint8Array } | undefined;
					await kdf(job, PBKDF2_KEY, async () => {
						keys = await suite.deriveReceiptKeys(secret, kdfSpec);
						return keys.authKey;
					});
					const { authKey, unwrapKey } = keys!;
					return { result: { authKey, unwrapKey }, transfer: ownBuffers(authKey, unwrapKey) };
				}
				const spec = decodeKdfSpec(bytes(m, 'kdfSpec'));
				const out = await kdf(job, spec, () => deriveFromSpec(utf8(secret), spec, 2 * KEY_LENGTH));
				const authKey = out.slice(0, KEY_LENGTH);
				const unwrapKey = out.slice(KEY_LENGTH);
				out.fill(0);
				return { result: { authKey, unwrapKey }, transfer: ownBuffers(authKey, unwrapKey) };
			}
			case 'passwordWrapKey': {
				const key = bytes(m, 'key');
				const password = text(m, 'password');
				const suite = await suiteOf(m);
				if (suite) {
					// Issue 21: the staff key page's GM wrap (PBKDF2-HMAC-SM3, the suite's production count).
					const wrapped = await kdf(job, PBKDF2_KEY, () => suite.passwordWrapKey(key, password));
					return { result: { wrapped }, transfer: ownBuffers(wrapped) };
				}
				const p = params(m, 'params');
				const wrapped = await kdf(job, p, () => passwordWrapKey(key, password, p));
				return { result: { wrapped }, transfer: ownBuffers(wrapped) };
			}
			case 'passwordUnwrapKey': {
				const wrapped = bytes(m, 'wrapped');
				const password = text(m, 'password');
				const suite = await suiteOf(m);
				if (suite) {
					// The other suite's bytes are refused before any derivation (and a count above the GM ceiling too).
					checkHeader(wrapped, Kind.passwordWrappedKey, 'password-wrapped key', suite.version);
					const key = await kdf(job, PBKDF2_KEY, () => suite.passwordUnwrapKey(wrapped, password));
					return { result: { key }, transfer: ownBuffers(key) };
				}
				const spec = passwordWrappedSpec(wrapped); // format errors before any Argon2id
				const key = await kdf(job, spec, () => passwordUnwrapKey(wrapped, password));
				return { result: { key }, transfer: ownBuffers(key) };
			}
			case 'encryptAttachment': {
				const reportKey = bytes(m, 'reportKey');
				const file = blob(m, 'file');
				const name = text(m, 'name');
				const type = text(m, 'type');
				const step = readSize(m);
				const total = file.size;
				const suite = await suiteOf(m);
				const info = { name, type, size: total };
				const enc = suite
					? suite.createAttachmentEncryptor(reportKey, info)
					: createAttachmentEncryptor(reportKey, info);
				const pieces: Uint8Array[] = [];
				job.progress({ stage: 'encrypt', done: 0, total });
				for (let at = 0; at < total;) {
					checkCancelled(job);
					const slice = await readSlice(file, at, Math.min(total, at + step));
					checkCancelled(job);
					if (slice.length === 0)
						throw new WorkerProtocolError('READ_FAILED', 'the file is shorter than its declared size');
					pieces.push(...enc.push(slice));
					at += slice.length;
					job.progress({ stage: 'encrypt', done: at, total });
				}
				pieces.push(...enc.finish());
				const stream = new Blob(pieces as BlobPart[], { type: 'application/octet-stream' });
				if (stream.size !== enc.layout.ciphertextLength)
					throw new WorkerProtocolError('INTERNAL', 'stream length mismatch');
				return { result: { stream, chunks: enc.layout.chunks }, transfer: [] };
			}
			case 'decryptAttachment': {
				const reportKey = bytes(m, 'reportKey');
				const stream = blob(m, 'stream');
				const step = readSize(m);
				const total = stream.size;
				const suite = await suiteOf(m);
				const dec = suite ? suite.createAttachmentDecryptor(reportKey) : createAttachmentDecryptor(reportKey);
				const pieces: Uint8Array[] = [];
				job.progress({ stage: 'decrypt', done: 0, total });
				for (let at = 0; at < total;) {
					checkCancelled(job);
					const slice = await readSlice(stream, at, Math.min(total, at + step));
					checkCancelled(job);
					if (slice.length === 0) throw new WorkerProtocolError('READ_FAILED', 'the stream is shorter than its size');
					pieces.push(...dec.push(slice));
					at += slice.length;
					job.progress({ stage: 'decrypt', done: at, total });
				}
				pieces.push(...dec.finish());
				const info = dec.info;
				if (!info) throw new WorkerProtocolError('INTERNAL', 'decryptor finished without a header');
				const data = new Blob(pieces as BlobPart[], { type: info.type });
				return { result: { name: info.name, type: info.type, data }, transfer: [] };
			}
		}
	}

	async function handle(message: unknown): Promise<void> {
		const m = (typeof message === 'object' && message !== null ? message : {}) as Fields;
		const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : -1;
		const fail = (e: unknown) => post({ id, type: 'error', error: toWireError(e) }, []);
		if (id < 0) return fail(bad('a request needs a non-negative integer id'));
		if (m.op === 'cancel') {
			jobs.get(id)?.abort();
			return;
		}
		if (typeof m.op !== 'string' || !OPS.has(m.op)) return fail(bad(`unknown op ${JSON.stringify(m.op)}`));
		if (jobs.has(id)) return fail(bad(`id ${id} is already running`));
		const op = m.op as CryptoOp;
		const controller = new AbortController();
		jobs.set(id, controller);
		const job: Job = {
			id,
			signal: controller.signal,
			progress: (progress) => post({ id, type: 'progress', progress }, [])
		};
		try {
			const { result, transfer } = await run(op, m, job);
			checkCancelled(job);
			post({ id, type: 'result', op, result } as CryptoResponse, transfer);
		} catch (e) {
			fail(e);
		} finally {
			jobs.delete(id);
		}
	}

	return {
		handle,
		get active() {
			return new Set(jobs.keys());
		}
	};
}
