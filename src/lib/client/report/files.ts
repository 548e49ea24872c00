/**
 * Files of a report or a follow-up message: metadata stripping, encryption in the crypto worker, and the
 * staged upload of docs/reporting.md §2 (intake, parts with retry, resumable).
 */
import type { SuiteId } from '../../crypto/suite-id';
import type { CryptoWorkerClient } from '../crypto-client';
import { CryptoWorkerError } from '../crypto-client';
import { CryptoError } from '../../crypto/errors';
import { ReportError, throwIfAborted } from './errors';
import { canStrip, detectImageFormat, stripImageMetadata, type StripResult } from './exif';
import type { FetchLike } from '../http';
import { requestJson, send, errorFromResponse, withRetry, type RetryOptions } from './http';
import { solve, type PowSolver, type PowProgress } from './pow';
import type { FileManifest } from '../../shared/report-document';
import type { MetadataCode } from '../../shared/vocabulary/report';
import type { IntakeAnswer, IntakeRequest, PowSolution } from '../../shared/wire/reporter';

/** The crypto worker operations this library uses (a `CryptoWorkerClient`, or a stand-in in tests). */
export type ReporterCrypto = Pick<
	CryptoWorkerClient,
	'encryptAttachment' | 'decryptAttachment' | 'deriveReceiptKeys' | 'passwordWrapKey' | 'passwordUnwrapKey'
>;

/** A file the reporter attached. */
export interface AttachedFile {
	/** The file as picked (a File gives name and type by default). */
	file: Blob;
	/** Name to store (inside the ciphertext); default: the File's name. */
	name?: string;
	/** MIME type to store; default: the File's type. */
	type?: string;
	/**
	 * The result of `stripFileMetadata(file)` if the UI already ran it (e.g. to show what was removed);
	 * then its `data` is encrypted as is. Otherwise images are stripped here.
	 */
	stripped?: StripResult;
}

/** A file ready to upload. */
export interface EncryptedFile {
	manifest: FileManifest;
	/** True if the file is an image whose metadata could not be removed (unreadable), or a type with a warning. */
	metadataKept: boolean;
	/** The stored stream (attachment format A). */
	stream: Blob;
}

/** Rethrows worker/crypto failures as ReportError. */
export function cryptoFailure(e: unknown): never {
	if (e instanceof ReportError) throw e;
	if (e instanceof CryptoWorkerError && e.code === 'CANCELLED')
		throw new ReportError('cancelled', 'cancelled by the caller', { cause: e });
	if (e instanceof CryptoError && e.code === 'TOO_LARGE')
		throw new ReportError('file_too_large', e.message, { cause: e });
	throw new ReportError('crypto_failed', e instanceof Error ? e.message : 'crypto worker failed', { cause: e });
}

function fileName(f: AttachedFile): string {
	if (f.name !== undefined) return f.name;
	return typeof File !== 'undefined' && f.file instanceof File ? f.file.name : '';
}

/** Strips an image's metadata unless the UI did; other files pass unchanged. */
async function prepare(f: AttachedFile): Promise<{ data: Blob; removed: MetadataCode[]; kept: boolean }> {
	const type = f.type ?? f.file.type;
	if (f.stripped) {
		const s = f.stripped;
		return { data: new Blob([s.data as BlobPart], { type }), removed: s.removed, kept: s.error !== null };
	}
	let image = canStrip(type);
	if (!image && f.file.size >= 12) {
		try {
			image = detectImageFormat(new Uint8Array(await f.file.slice(0, 16).arrayBuffer())) !== null;
		} catch {
			image = false;
		}
	}
	if (!image) return { data: f.file, removed: [], kept: true };
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await f.file.arrayBuffer());
	} catch (e) {
		throw new ReportError('crypto_failed', 'could not read the file', { cause: e });
	}
	const s = stripImageMetadata(bytes);
	return { data: new Blob([s.data as BlobPart], { type }), removed: s.removed, kept: s.error !== null };
}

export interface EncryptProgress {
	/** File bytes encrypted so far, over all files. */
	done: number;
	total: number;
	/** Index of the file being encrypted. */
	file: number;
}

/** Strips and encrypts every file under the report key, in order, in the worker. */
export async function encryptFiles(
	crypto: ReporterCrypto,
	reportKey: Uint8Array,
	files: AttachedFile[],
	options: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void; suite?: SuiteId } = {}
): Promise<EncryptedFile[]> {
	if (files.length === 0) return [];
	const prepared: { data: Blob; removed: MetadataCode[]; kept: boolean }[] = [];
	for (const f of files) {
		throwIfAborted(options.signal);
		prepared.push(await prepare(f));
	}
	const total = prepared.reduce((a, p) => a + p.data.size, 0);
	let before = 0;
	const out: EncryptedFile[] = [];
	for (let index = 0; index < files.length; index++) {
		const f = files[index] as AttachedFile;
		const p = prepared[index] as (typeof prepared)[number];
		const name = fileName(f);
		const type = f.type ?? f.file.type;
		options.onProgress?.({ done: before, total, file: index });
		let stream: Blob;
		try {
			stream = (
				await crypto.encryptAttachment(reportKey, p.data, {
					name,
					type,
					signal: options.signal,
					suite: options.suite,
					onProgress: (ev) => {
						if ('done' in ev) options.onProgress?.({ done: before + ev.done, total, file: index });
					}
				})
			).stream;
		} catch (e) {
			cryptoFailure(e);
		}
		before += p.data.size;
		out.push({
			manifest: { index, name, type, bytes: p.data.size, metadataRemoved: p.removed },
			metadataKept: p.kept,
			stream
		});
	}
	options.onProgress?.({ done: total, total, file: files.length - 1 });
	return out;
}

/* ------------------------------------------------------------------ intake */

export interface Intake {
	id: string;
	partSize: number;
	/** Unix seconds. */
	expiresAt: number;
}

export interface NetOptions {
	fetch?: FetchLike;
	signal?: AbortSignal;
}

/** Opens an intake with a proof of work (report) or a follow-up token (message). A refused PoW is retried once with a fresh one. */
export async function openIntake(
	streams: Blob[],
	auth: { token: string } | { solver?: PowSolver; onPow?: (p: PowProgress) => void },
	net: NetOptions
): Promise<Intake> {
	const files = streams.map((s) => ({ bytes: s.size }));
	for (let attempt = 0; ; attempt++) {
		let pow: PowSolution | undefined;
		if (!('token' in auth)) pow = await solve('intake', { ...net, solver: auth.solver, onProgress: auth.onPow });
		try {
			const request: IntakeRequest = pow ? { pow, files } : { files };
			const a = await requestJson<Partial<IntakeAnswer>>('/api/v1/intake', {
				...net,
				method: 'POST',
				json: request,
				token: 'token' in auth ? auth.token : undefined
			});
			if (
				typeof a.intake !== 'string' ||
				typeof a.partSize !== 'number' ||
				!(a.partSize > 0) ||
				typeof a.expiresAt !== 'number'
			) {
				throw new ReportError('server', 'not an intake answer');
			}
			return { id: a.intake, partSize: a.partSize, expiresAt: a.expiresAt };
		} catch (e) {
			if (pow && attempt === 0 && e instanceof ReportError && e.code === 'pow_failed') continue;
			throw e;
		}
	}
}

/** Number of parts of a stream of `bytes` (a zero-length stream still has none). */
export function partCount(bytes: number, partSize: number): number {
	return Math.ceil(bytes / partSize);
}

/**
 * Uploads every part not yet in `sent` (keys "file/part"), each with retry and backoff; parts that
 * succeed are added to `sent`, so a later call resumes where this one stopped.
 */
export async function uploadParts(
	intake: Intake,
	streams: Blob[],
	sent: Set<string>,
	options: NetOptions & {
		token?: string;
		retry?: RetryOptions;
		/** `sending`: bytes of the part about to go up (the bar creeps across it meanwhile). */
		onProgress?: (p: { done: number; total: number; sending?: number }) => void;
	}
): Promise<void> {
	const total = streams.reduce((a, s) => a + s.size, 0);
	let done = 0;
	for (const [n, s] of streams.entries()) {
		for (let i = 0; i < partCount(s.size, intake.partSize); i++) {
			const from = i * intake.partSize;
			const to = Math.min(s.size, from + intake.partSize);
			const key = `${n}/${i}`;
			if (!sent.has(key)) {
				throwIfAborted(options.signal);
				const part = s.slice(from, to, 'application/octet-stream');
				options.onProgress?.({ done, total, sending: to - from });
				await withRetry(
					async () => {
						const res = await send(`/api/v1/intake/${encodeURIComponent(intake.id)}/files/${n}/parts/${i}`, {
							fetch: options.fetch,
							signal: options.signal,
							method: 'PUT',
							body: part,
							token: options.token
						});
						if (!res.ok) throw await errorFromResponse(res);
					},
					{ ...options.retry, signal: options.signal }
				);
				sent.add(key);
			}
			done += to - from;
			options.onProgress?.({ done, total });
		}
	}
	options.onProgress?.({ done: total, total });
}
