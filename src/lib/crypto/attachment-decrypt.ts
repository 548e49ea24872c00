/**
 * Decrypting attachments (format: ./attachment.ts): the incremental decryptor that authenticates stored
 * stream pieces as they download, and the one-call and async-stream forms built on it. Truncation,
 * reordering, appended data and a wrong key all fail with typed errors.
 */
import nacl from 'tweetnacl';
import { CryptoAuthError, CryptoError, CryptoFormatError } from './errors';
import { HEADER_LENGTH, Kind, checkHeader } from './format';
import { TAG_LENGTH, checkKey } from './keys';
import {
	ATTACHMENT_HEADER_LENGTH,
	CHUNK_CIPHERTEXT_SIZE,
	CHUNK_SIZE,
	decodeInnerHeader,
	fileKey,
	layoutFor,
	writeNonce,
	type AttachmentInfo,
	type AttachmentLayout,
	type AttachmentMeta,
	type ChunkCipher,
	type Progress
} from './attachment-format';

function decryptFailed(index: number): CryptoAuthError {
	return new CryptoAuthError(
		'DECRYPT_FAILED',
		`attachment chunk ${index}: wrong key, tampered, reordered, dropped or from another file`
	);
}

/**
 * Incremental decryptor. Push stored stream bytes in pieces of any size (e.g. as they download);
 * each call returns the file bytes it could authenticate. `finish()` throws
 * `CryptoAuthError('TRUNCATED')` if the final chunk never came; bytes after the final chunk throw
 * `CryptoAuthError('APPENDED')`. The file name and type are in `info` once the first chunk is in.
 */
export class AttachmentDecryptor {
	/** Name, type and size, known after the first chunk. */
	info: AttachmentInfo | null = null;
	private readonly reportKey: Uint8Array;
	private key: Uint8Array | null = null;
	private fileId: Uint8Array | null = null;
	private layout: AttachmentLayout | null = null;
	private innerLength = 0;
	private readonly pending = new Uint8Array(CHUNK_CIPHERTEXT_SIZE);
	private pendingLength = 0;
	private readonly nonce = new Uint8Array(24);
	private index = 0;
	private fileBytes = 0;
	private done = false;
	private failed: CryptoError | null = null;

	/** Decrypts with the report key the attachment was encrypted under; `cipher` as for the encryptor. */
	constructor(
		reportKey: Uint8Array,
		private readonly cipher?: ChunkCipher
	) {
		checkKey(reportKey, 'report key');
		this.reportKey = reportKey;
	}

	/** File bytes authenticated so far, out of the size (0 until the first chunk is in). */
	get progress(): Progress {
		return { done: this.fileBytes, total: this.info?.size ?? 0 };
	}

	/** Ciphertext length the next unit (stream header or chunk) needs; chunk 0 may turn out shorter. */
	private need(): number {
		if (!this.key) return ATTACHMENT_HEADER_LENGTH;
		if (!this.layout) return CHUNK_CIPHERTEXT_SIZE;
		return Math.min(CHUNK_SIZE, this.layout.streamLength - this.index * CHUNK_SIZE) + TAG_LENGTH;
	}

	private open(ct: Uint8Array, final: boolean): Uint8Array | null {
		if (this.cipher) return this.cipher.open(this.key as Uint8Array, this.fileId as Uint8Array, this.index, final, ct);
		writeNonce(this.nonce, this.fileId as Uint8Array, this.index, final);
		return nacl.secretbox.open(ct, this.nonce, this.key as Uint8Array);
	}

	private unit(ct: Uint8Array, out: Uint8Array[]): void {
		if (!this.key) {
			checkHeader(ct, Kind.attachment, 'attachment', this.cipher?.version);
			this.fileId = ct.slice(HEADER_LENGTH, ATTACHMENT_HEADER_LENGTH);
			this.key = this.cipher ? this.cipher.fileKey(this.reportKey, this.fileId) : fileKey(this.reportKey, this.fileId);
			return;
		}
		let final: boolean;
		let p: Uint8Array | null;
		if (!this.layout) {
			p = this.open(ct, false);
			final = false;
			if (!p) {
				p = this.open(ct, true);
				final = true;
			}
			if (!p) throw decryptFailed(0);
			const { info, length } = decodeInnerHeader(p);
			const layout = layoutFor(length, info.size);
			const consistent = final
				? layout.chunks === 1 && p.length === layout.streamLength
				: layout.chunks > 1 && p.length === CHUNK_SIZE;
			if (!consistent) throw new CryptoFormatError('MALFORMED', 'attachment: declared size does not match the chunks');
			this.info = info;
			this.layout = layout;
			this.innerLength = length;
		} else {
			final = this.index === this.layout.chunks - 1;
			p = this.open(ct, final);
			if (!p) throw decryptFailed(this.index);
		}
		// File bytes occupy stream offsets [innerLength, innerLength + size).
		const start = this.index * CHUNK_SIZE;
		const from = Math.max(this.innerLength, start) - start;
		const to = Math.min(this.innerLength + (this.info as AttachmentInfo).size, start + p.length) - start;
		if (to > from) {
			out.push(p.subarray(from, to));
			this.fileBytes += to - from;
		}
		this.index++;
		if (final) this.done = true;
	}

	private guard<T>(fn: () => T): T {
		if (this.failed) throw this.failed;
		try {
			return fn();
		} catch (e) {
			if (e instanceof CryptoError) this.failed = e;
			throw e;
		}
	}

	/** Authenticates and decrypts the next stored bytes; returns zero or more pieces of the file. */
	push(bytes: Uint8Array): Uint8Array[] {
		return this.guard(() => {
			const out: Uint8Array[] = [];
			let at = 0;
			while (at < bytes.length) {
				if (this.done) throw new CryptoAuthError('APPENDED', 'attachment: data after the final chunk');
				const need = this.need();
				if (this.pendingLength === 0 && bytes.length - at >= need) {
					this.unit(bytes.subarray(at, at + need), out); // whole unit in the input: no copy
					at += need;
					continue;
				}
				const take = Math.min(need - this.pendingLength, bytes.length - at);
				this.pending.set(bytes.subarray(at, at + take), this.pendingLength);
				this.pendingLength += take;
				at += take;
				if (this.pendingLength === need) {
					this.pendingLength = 0;
					this.unit(this.pending.subarray(0, need), out);
				}
			}
			return out;
		});
	}

	/** Ends the stream: decrypts a short first chunk if pending, and checks the final chunk was seen. */
	finish(): Uint8Array[] {
		return this.guard(() => {
			const out: Uint8Array[] = [];
			if (this.key && !this.layout && this.pendingLength > 0) {
				const length = this.pendingLength;
				this.pendingLength = 0;
				this.unit(this.pending.subarray(0, length), out);
			}
			if (!this.done || this.pendingLength > 0)
				throw new CryptoAuthError('TRUNCATED', 'attachment: stream ended before the final chunk');
			return out;
		});
	}
}

/** Starts decrypting an attachment stream under the report key. */
export function createAttachmentDecryptor(reportKey: Uint8Array, cipher?: ChunkCipher): AttachmentDecryptor {
	return new AttachmentDecryptor(reportKey, cipher);
}

/** Decrypts a whole stored stream in one call. Throws typed errors like `AttachmentDecryptor`. */
export function decryptAttachment(
	reportKey: Uint8Array,
	stream: Uint8Array,
	cipher?: ChunkCipher
): AttachmentMeta & { data: Uint8Array } {
	const dec = new AttachmentDecryptor(reportKey, cipher);
	let data: Uint8Array | null = null;
	let at = 0;
	const put = (pieces: Uint8Array[]) => {
		for (const piece of pieces) {
			data ??= new Uint8Array((dec.info as AttachmentInfo).size);
			data.set(piece, at);
			at += piece.length;
		}
	};
	put(dec.push(stream));
	put(dec.finish());
	const info = dec.info as AttachmentInfo | null;
	if (!info) throw new CryptoAuthError('TRUNCATED', 'attachment: no chunks');
	return { name: info.name, type: info.type, data: data ?? new Uint8Array(0) };
}

/** Decrypts an async stream of stored pieces, yielding file pieces; `onInfo` gets name/type/size first. */
export async function* decryptAttachmentStream(
	reportKey: Uint8Array,
	source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	onInfo?: (info: AttachmentInfo) => void,
	onProgress?: (progress: Progress) => void,
	cipher?: ChunkCipher
): AsyncGenerator<Uint8Array, void, undefined> {
	const dec = createAttachmentDecryptor(reportKey, cipher);
	let announced = false;
	const announce = () => {
		if (!announced && dec.info) {
			announced = true;
			onInfo?.(dec.info);
		}
	};
	for await (const piece of source) {
		const out = dec.push(piece);
		announce();
		yield* out;
		onProgress?.(dec.progress);
	}
	const out = dec.finish();
	announce();
	yield* out;
	onProgress?.(dec.progress);
}
