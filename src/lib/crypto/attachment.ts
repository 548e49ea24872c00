/**
 * Streaming attachment encryption: 64 KiB chunks, each a nacl.secretbox under a per-file key, with
 * the file id, the chunk index and a final-chunk flag bound into the nonce.
 *
 * Stream (what the server stores): 01 41 | fileId (16, random) | C_0 | C_1 | … | C_{n−1}
 *   S        = H | file bytes | zero bytes, |S| = attachmentBucket(|H| + size)
 *   H        = size (u64 BE) | nameLength (u16 BE) | name (UTF-8) | typeLength (u8) | type (UTF-8)
 *   S_i      = S[i·65536 … min((i+1)·65536, |S|)), n = ceil(|S| / 65536)
 *   C_i      = secretbox(S_i, N_i, K_f)                        (|S_i| + 16 bytes)
 *   N_i      = fileId (16) | i (u32 BE) | final (1 byte: 1 for i = n−1, else 0) | 00 00 00
 *   K_f      = subkey(reportKey, "attachment", fileId)
 * File name and type are inside C_0, never in clear. The server learns only |S| (a bucket).
 */
import nacl from 'tweetnacl';
import { CryptoAuthError, CryptoError, CryptoFormatError } from './errors';
import { FORMAT_VERSION, HEADER_LENGTH, Kind, checkHeader, expectLength } from './format';
import { TAG_LENGTH, checkKey, subkey } from './keys';
import { attachmentBucket } from './padding';
import { randomBytes } from './random';
import { fromUtf8, utf8 } from './encoding';

/** Plaintext bytes per chunk. */
export const CHUNK_SIZE = 64 * 1024;
/** Ciphertext bytes of every non-final chunk. */
export const CHUNK_CIPHERTEXT_SIZE = CHUNK_SIZE + TAG_LENGTH;
/** Length of the random file id. */
export const FILE_ID_LENGTH = 16;
/** Length of the clear stream header (version, kind, file id). */
export const ATTACHMENT_HEADER_LENGTH = HEADER_LENGTH + FILE_ID_LENGTH;
/** Longest file name (UTF-8 bytes). */
export const MAX_NAME_BYTES = 1024;
/** Longest MIME type (UTF-8 bytes). */
export const MAX_TYPE_BYTES = 255;
/** Largest attachment this format accepts (the server sets a much lower limit). */
export const MAX_ATTACHMENT_SIZE = 2 ** 40;

/** What travels encrypted with the file besides its bytes. */
export interface AttachmentMeta {
	/** File name as the reporter chose it. */
	name: string;
	/** MIME type (may be empty). */
	type: string;
}

/** Declared attachment: meta plus the exact byte count that will be pushed. */
export interface AttachmentInfo extends AttachmentMeta {
	size: number;
}

/** Sizes that follow from the header length and file size. */
export interface AttachmentLayout {
	/** Padded plaintext stream length |S|. */
	streamLength: number;
	/** Number of chunks n. */
	chunks: number;
	/** Total stored bytes: stream header + all chunk ciphertexts. */
	ciphertextLength: number;
}

/** Progress in file bytes. */
export interface Progress {
	done: number;
	total: number;
}

function layoutFor(headerLength: number, size: number): AttachmentLayout {
	const streamLength = attachmentBucket(headerLength + size);
	const chunks = Math.ceil(streamLength / CHUNK_SIZE);
	return { streamLength, chunks, ciphertextLength: ATTACHMENT_HEADER_LENGTH + streamLength + chunks * TAG_LENGTH };
}

function encodeInnerHeader(info: AttachmentInfo): Uint8Array {
	const name = utf8(info.name);
	const type = utf8(info.type);
	if (name.length > MAX_NAME_BYTES) throw new CryptoFormatError('TOO_LARGE', 'attachment: file name too long');
	if (type.length > MAX_TYPE_BYTES) throw new CryptoFormatError('TOO_LARGE', 'attachment: type too long');
	if (!Number.isSafeInteger(info.size) || info.size < 0 || info.size > MAX_ATTACHMENT_SIZE) {
		throw new CryptoFormatError('TOO_LARGE', 'attachment: size out of range');
	}
	const h = new Uint8Array(8 + 2 + name.length + 1 + type.length);
	const v = new DataView(h.buffer);
	v.setUint32(0, Math.floor(info.size / 2 ** 32));
	v.setUint32(4, info.size >>> 0);
	v.setUint16(8, name.length);
	h.set(name, 10);
	v.setUint8(10 + name.length, type.length);
	h.set(type, 11 + name.length);
	return h;
}

/** Parses H from the start of the first chunk's plaintext. */
function decodeInnerHeader(p: Uint8Array): { info: AttachmentInfo; length: number } {
	const bad = (why: string) => new CryptoFormatError('MALFORMED', `attachment header: ${why}`);
	if (p.length < 11) throw bad('too short');
	const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
	const size = v.getUint32(0) * 2 ** 32 + v.getUint32(4);
	if (size > MAX_ATTACHMENT_SIZE) throw bad('size out of range');
	const nameLength = v.getUint16(8);
	if (nameLength > MAX_NAME_BYTES || 11 + nameLength > p.length) throw bad('name length');
	const typeLength = v.getUint8(10 + nameLength);
	const length = 11 + nameLength + typeLength;
	if (length > p.length) throw bad('type length');
	return {
		info: {
			size,
			name: fromUtf8(p.subarray(10, 10 + nameLength)),
			type: fromUtf8(p.subarray(11 + nameLength, length))
		},
		length
	};
}

/** Layout (stored size, chunk count) of an attachment before encrypting it. */
export function attachmentLayout(info: AttachmentInfo): AttachmentLayout {
	return layoutFor(encodeInnerHeader(info).length, info.size);
}

/** Builds the nonce of chunk `index` into `out` (24 bytes). */
function writeNonce(out: Uint8Array, fileId: Uint8Array, index: number, final: boolean): Uint8Array {
	out.set(fileId, 0);
	out[16] = (index >>> 24) & 0xff;
	out[17] = (index >>> 16) & 0xff;
	out[18] = (index >>> 8) & 0xff;
	out[19] = index & 0xff;
	out[20] = final ? 1 : 0;
	out[21] = 0;
	out[22] = 0;
	out[23] = 0;
	return out;
}

/** The nonce of chunk `index` (exported for documentation and tests). */
export function chunkNonce(fileId: Uint8Array, index: number, final: boolean): Uint8Array {
	expectLength(fileId, FILE_ID_LENGTH, 'file id');
	return writeNonce(new Uint8Array(24), fileId, index, final);
}

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

function fileKey(reportKey: Uint8Array, fileId: Uint8Array): Uint8Array {
	return subkey(reportKey, 'attachment', fileId);
}

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

	/** Prefer `createAttachmentEncryptor`; this constructor takes the file id explicitly (test vectors). */
	constructor(reportKey: Uint8Array, info: AttachmentInfo, fileId: Uint8Array) {
		checkKey(reportKey, 'report key');
		expectLength(fileId, FILE_ID_LENGTH, 'file id');
		const inner = encodeInnerHeader(info);
		this.info = { name: info.name, type: info.type, size: info.size };
		this.layout = layoutFor(inner.length, info.size);
		this.fileId = fileId.slice();
		this.key = fileKey(reportKey, this.fileId);
		this.header = new Uint8Array(ATTACHMENT_HEADER_LENGTH);
		this.header[0] = FORMAT_VERSION;
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
		if (lowlevel) {
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
export function createAttachmentEncryptor(reportKey: Uint8Array, info: AttachmentInfo): AttachmentEncryptor {
	return new AttachmentEncryptor(reportKey, info, randomBytes(FILE_ID_LENGTH));
}

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

	/** Decrypts with the report key the attachment was encrypted under. */
	constructor(reportKey: Uint8Array) {
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
		writeNonce(this.nonce, this.fileId as Uint8Array, this.index, final);
		return nacl.secretbox.open(ct, this.nonce, this.key as Uint8Array);
	}

	private unit(ct: Uint8Array, out: Uint8Array[]): void {
		if (!this.key) {
			checkHeader(ct, Kind.attachment, 'attachment');
			this.fileId = ct.slice(HEADER_LENGTH, ATTACHMENT_HEADER_LENGTH);
			this.key = fileKey(this.reportKey, this.fileId);
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
export function createAttachmentDecryptor(reportKey: Uint8Array): AttachmentDecryptor {
	return new AttachmentDecryptor(reportKey);
}

/** Encrypts a whole file with an explicit file id (test vectors); use `encryptAttachment`. */
export function encryptAttachmentWithFileId(
	reportKey: Uint8Array,
	data: Uint8Array,
	meta: AttachmentMeta,
	fileId: Uint8Array
): Uint8Array {
	const enc = new AttachmentEncryptor(reportKey, { name: meta.name, type: meta.type, size: data.length }, fileId);
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
export function encryptAttachment(reportKey: Uint8Array, data: Uint8Array, meta: AttachmentMeta): Uint8Array {
	return encryptAttachmentWithFileId(reportKey, data, meta, randomBytes(FILE_ID_LENGTH));
}

/** Decrypts a whole stored stream in one call. Throws typed errors like `AttachmentDecryptor`. */
export function decryptAttachment(reportKey: Uint8Array, stream: Uint8Array): AttachmentMeta & { data: Uint8Array } {
	const dec = new AttachmentDecryptor(reportKey);
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

/** Encrypts an async stream of file pieces, yielding stored stream pieces and reporting progress. */
export async function* encryptAttachmentStream(
	reportKey: Uint8Array,
	info: AttachmentInfo,
	source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	onProgress?: (progress: Progress) => void
): AsyncGenerator<Uint8Array, void, undefined> {
	const enc = createAttachmentEncryptor(reportKey, info);
	for await (const piece of source) {
		yield* enc.push(piece);
		onProgress?.(enc.progress);
	}
	yield* enc.finish();
	onProgress?.(enc.progress);
}

/** Decrypts an async stream of stored pieces, yielding file pieces; `onInfo` gets name/type/size first. */
export async function* decryptAttachmentStream(
	reportKey: Uint8Array,
	source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	onInfo?: (info: AttachmentInfo) => void,
	onProgress?: (progress: Progress) => void
): AsyncGenerator<Uint8Array, void, undefined> {
	const dec = createAttachmentDecryptor(reportKey);
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
