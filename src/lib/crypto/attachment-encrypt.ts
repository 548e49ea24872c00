/**
 * Encrypting attachments (format: ./attachment.ts): the incremental encryptor the upload worker pushes
 * file pieces through, and the one-call and async-stream forms built on it.
 */
import nacl from 'tweetnacl';
import { CryptoError, CryptoFormatError } from './errors';
import { FORMAT_VERSION, HEADER_LENGTH, Kind, expectLength } from './format';
import { checkKey } from './keys';
import { randomBytes } from './random';
import {
	ATTACHMENT_HEADER_LENGTH,
	CHUNK_SIZE,
	FILE_ID_LENGTH,
	encodeInnerHeader,
	fileKey,
	layoutFor,
	writeNonce,
	type AttachmentInfo,
	type AttachmentLayout,
	type AttachmentMeta,
	type ChunkCipher,
	type Progress
} from './attachment-format';

/**
 * tweetnacl's low-level secretbox (documented, but absent from its typings). The encryptor keeps the
 * 32 zero bytes it needs in front of its work buffer, which saves the copy `nacl.secretbox` makes of
 * every chunk. The output is byte-for-byte what `nacl.secretbox` returns (checked by the tests).
 */
interface NaclLowLevel {
	crypto_secretbox(c: Uint8Array, m: Uint8Array, d: number, n: Uint8Array, k: Uint8Array): number;
}
const lowlevel = (nacl as unknown as { lowlevel?: NaclLowLevel }).lowlevel;
const ZERO_BYTES = 32;
const BOX_ZERO_BYTES = 16;

/**
 * Incremental encryptor. Push file bytes in pieces of any size; each call returns the stream pieces
 * ready to upload (the first piece is the 18-byte stream header). Concatenating every piece from
 * `push` and `finish` gives exactly what `encryptAttachment` returns.
 */
export class AttachmentEncryptor {
	/** Clear stream header: 01 41 | fileId. */
	readonly header: Uint8Array;
	/** Declared file. */
	readonly info: Readonly<AttachmentInfo>;
	/** Stored sizes. */
	readonly layout: AttachmentLayout;
	private readonly key: Uint8Array;
	private readonly fileId: Uint8Array;
	/** 32 zero bytes (for crypto_secretbox) followed by the chunk being filled. */
	private readonly work = new Uint8Array(ZERO_BYTES + CHUNK_SIZE);
	private readonly nonce = new Uint8Array(24);
	private fill: number;
	private index = 0;
	private fileBytes = 0;
	private headerSent = false;
	private finished = false;
	private readonly cipher: ChunkCipher | undefined;

	/**
	 * Prefer `createAttachmentEncryptor`; this constructor takes the file id explicitly (test vectors).
	 * `cipher` selects another suite's chunks (the GM suite); without it, NaCl (format version 1).
	 */
	constructor(reportKey: Uint8Array, info: AttachmentInfo, fileId: Uint8Array, cipher?: ChunkCipher) {
		checkKey(reportKey, 'report key');
		expectLength(fileId, FILE_ID_LENGTH, 'file id');
		const inner = encodeInnerHeader(info);
		this.info = { name: info.name, type: info.type, size: info.size };
		this.layout = layoutFor(inner.length, info.size);
		this.fileId = fileId.slice();
		this.cipher = cipher;
		this.key = cipher ? cipher.fileKey(reportKey, this.fileId) : fileKey(reportKey, this.fileId);
		this.header = new Uint8Array(ATTACHMENT_HEADER_LENGTH);
		this.header[0] = cipher ? cipher.version : FORMAT_VERSION;
		this.header[1] = Kind.attachment;
		this.header.set(this.fileId, HEADER_LENGTH);
		this.work.set(inner, ZERO_BYTES);
		this.fill = inner.length;
	}

	/** File bytes consumed so far, out of the declared size. */
	get progress(): Progress {
		return { done: this.fileBytes, total: this.info.size };
	}

	private chunkLength(index: number): number {
		return Math.min(CHUNK_SIZE, this.layout.streamLength - index * CHUNK_SIZE);
	}

	private seal(out: Uint8Array[]): void {
		const length = this.chunkLength(this.index);
		const final = this.index === this.layout.chunks - 1;
		writeNonce(this.nonce, this.fileId, this.index, final);
		if (this.cipher) {
			const plain = this.work.subarray(ZERO_BYTES, ZERO_BYTES + length);
			out.push(this.cipher.seal(this.key, this.fileId, this.index, final, plain));
		} else if (lowlevel) {
			const c = new Uint8Array(ZERO_BYTES + length);
			lowlevel.crypto_secretbox(c, this.work, ZERO_BYTES + length, this.nonce, this.key);
			out.push(c.subarray(BOX_ZERO_BYTES));
		} else {
			out.push(nacl.secretbox(this.work.subarray(ZERO_BYTES, ZERO_BYTES + length), this.nonce, this.key));
		}
		this.index++;
		this.fill = 0;
	}

	private start(out: Uint8Array[]): void {
		if (this.finished) throw new CryptoError('STATE', 'attachment encryptor already finished');
		if (!this.headerSent) {
			out.push(this.header);
			this.headerSent = true;
		}
	}

	/** Encrypts the next file bytes; returns zero or more stream pieces. */
	push(data: Uint8Array): Uint8Array[] {
		const out: Uint8Array[] = [];
		this.start(out);
		if (this.fileBytes + data.length > this.info.size) {
			throw new CryptoFormatError('INVALID_ARGUMENT', 'attachment: more bytes than declared');
		}
		let at = 0;
		while (at < data.length) {
			const take = Math.min(CHUNK_SIZE - this.fill, data.length - at);
			this.work.set(data.subarray(at, at + take), ZERO_BYTES + this.fill);
			this.fill += take;
			at += take;
			if (this.fill === CHUNK_SIZE) this.seal(out);
		}
		this.fileBytes += data.length;
		return out;
	}

	/** Pads, encrypts the remaining chunks (the last with the final flag) and returns them. */
	finish(): Uint8Array[] {
		const out: Uint8Array[] = [];
		this.start(out);
		if (this.fileBytes !== this.info.size) {
			throw new CryptoFormatError(
				'INVALID_ARGUMENT',
				`attachment: ${this.fileBytes} bytes pushed, ${this.info.size} declared`
			);
		}
		while (this.index < this.layout.chunks) {
			this.work.fill(0, ZERO_BYTES + this.fill, ZERO_BYTES + this.chunkLength(this.index));
			this.fill = this.chunkLength(this.index);
			this.seal(out);
		}
		this.finished = true;
		return out;
	}
}

/** Starts encrypting an attachment of declared name, type and size under the report key (random file id). */
export function createAttachmentEncryptor(
	reportKey: Uint8Array,
	info: AttachmentInfo,
	cipher?: ChunkCipher
): AttachmentEncryptor {
	return new AttachmentEncryptor(reportKey, info, randomBytes(FILE_ID_LENGTH), cipher);
}

/** Encrypts a whole file with an explicit file id (test vectors); use `encryptAttachment`. */
export function encryptAttachmentWithFileId(
	reportKey: Uint8Array,
	data: Uint8Array,
	meta: AttachmentMeta,
	fileId: Uint8Array,
	cipher?: ChunkCipher
): Uint8Array {
	const info = { name: meta.name, type: meta.type, size: data.length };
	const enc = new AttachmentEncryptor(reportKey, info, fileId, cipher);
	const out = new Uint8Array(enc.layout.ciphertextLength);
	let at = 0;
	const put = (pieces: Uint8Array[]) => {
		for (const piece of pieces) {
			out.set(piece, at);
			at += piece.length;
		}
	};
	// Feed chunk-sized slices so no piece list grows large.
	for (let i = 0; i < data.length; i += CHUNK_SIZE) put(enc.push(data.subarray(i, i + CHUNK_SIZE)));
	put(enc.finish());
	return out;
}

/** Encrypts a whole file (bytes + name + type) in one call; returns the stored stream. */
export function encryptAttachment(
	reportKey: Uint8Array,
	data: Uint8Array,
	meta: AttachmentMeta,
	cipher?: ChunkCipher
): Uint8Array {
	return encryptAttachmentWithFileId(reportKey, data, meta, randomBytes(FILE_ID_LENGTH), cipher);
}

/** Encrypts an async stream of file pieces, yielding stored stream pieces and reporting progress. */
export async function* encryptAttachmentStream(
	reportKey: Uint8Array,
	info: AttachmentInfo,
	source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	onProgress?: (progress: Progress) => void,
	cipher?: ChunkCipher
): AsyncGenerator<Uint8Array, void, undefined> {
	const enc = createAttachmentEncryptor(reportKey, info, cipher);
	for await (const piece of source) {
		yield* enc.push(piece);
		onProgress?.(enc.progress);
	}
	yield* enc.finish();
	onProgress?.(enc.progress);
}
