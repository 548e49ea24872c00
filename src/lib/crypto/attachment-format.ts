/**
 * The attachment stream format (./attachment.ts gives the picture): its constants and sizes, the inner
 * header H, the chunk nonces and the per-file key. Shared by ./attachment-encrypt.ts and
 * ./attachment-decrypt.ts.
 */
import { CryptoFormatError } from './errors';
import { HEADER_LENGTH, expectLength } from './format';
import { TAG_LENGTH, subkey } from './keys';
import { attachmentBucket } from './padding';
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

/**
 * How a suite other than NaCl encrypts the chunks of this framing (the GM suite: ./gm/formats.ts). The
 * framing, sizes and padding are the same; the cipher binds the file id, the chunk index and the final
 * flag. Without one, the NaCl chunks above are used (the stored bytes of format version 1).
 */
export interface ChunkCipher {
	/** Byte 0 of the stream header (the suite's format version). */
	readonly version: number;
	/** The key of one file, from the report key and the file id. */
	fileKey(reportKey: Uint8Array, fileId: Uint8Array): Uint8Array;
	/** Encrypts chunk `index`: ciphertext ‖ 16-byte tag. */
	seal(key: Uint8Array, fileId: Uint8Array, index: number, final: boolean, plaintext: Uint8Array): Uint8Array;
	/** Opens chunk `index`; null when it does not authenticate as that chunk of that file. */
	open(key: Uint8Array, fileId: Uint8Array, index: number, final: boolean, ciphertext: Uint8Array): Uint8Array | null;
}

/** Progress in file bytes. */
export interface Progress {
	done: number;
	total: number;
}

export function layoutFor(headerLength: number, size: number): AttachmentLayout {
	const streamLength = attachmentBucket(headerLength + size);
	const chunks = Math.ceil(streamLength / CHUNK_SIZE);
	return { streamLength, chunks, ciphertextLength: ATTACHMENT_HEADER_LENGTH + streamLength + chunks * TAG_LENGTH };
}

export function encodeInnerHeader(info: AttachmentInfo): Uint8Array {
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
export function decodeInnerHeader(p: Uint8Array): { info: AttachmentInfo; length: number } {
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
export function writeNonce(out: Uint8Array, fileId: Uint8Array, index: number, final: boolean): Uint8Array {
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

/** The key of one file: a subkey of the report key, bound to the file id. */
export function fileKey(reportKey: Uint8Array, fileId: Uint8Array): Uint8Array {
	return subkey(reportKey, 'attachment', fileId);
}
