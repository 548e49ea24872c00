/**
 * Shared framing for every binary format: byte 0 is the format version, byte 1 the kind (so one
 * format can never be parsed as another), then fixed fields. Big-endian integers throughout.
 */
import { CryptoFormatError } from './errors';

/**
 * Byte 0 of every format is the suite's format version: `01` is the NaCl suite (format version 1, the
 * default), `47` ('G') the GM suite (国密, issue 21; ./gm/). A parser of one suite refuses the other's bytes
 * with `UNSUPPORTED_VERSION` before touching keys.
 */
export const FORMAT_VERSION = 0x01;
/** Byte 0 of every format of the GM suite (./gm/formats.ts). */
export const GM_FORMAT_VERSION = 0x47;

/** Kind bytes (ASCII letters, so a hex dump is readable). */
export const Kind = {
	content: 0x43, // 'C'
	attachment: 0x41, // 'A'
	sealedKey: 0x53, // 'S'
	wrappedKey: 0x57, // 'W'
	passwordWrappedKey: 0x50, // 'P'
	kdfSpec: 0x4b, // 'K'
	directoryEntry: 0x44, // 'D'
	revocationList: 0x52, // 'R'
	summary: 0x49, // 'I': the inbox summary (./summary.ts)
	note: 0x4e, // 'N': an internal note, v2 (./notes.ts)
	transferProof: 0x54 // 'T': who re-sealed a report key for a transfer (./transfer.ts)
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Length of the version + kind header. */
export const HEADER_LENGTH = 2;

/**
 * Checks the version and kind bytes at the start of `bytes`.
 * Throws `CryptoFormatError` with `BAD_LENGTH`, `UNSUPPORTED_VERSION` or `WRONG_KIND`.
 */
export function checkHeader(bytes: Uint8Array, kind: Kind, what: string, version: number = FORMAT_VERSION): void {
	if (bytes.length < HEADER_LENGTH) throw new CryptoFormatError('BAD_LENGTH', `${what}: too short`);
	if (bytes[0] !== version) {
		throw new CryptoFormatError('UNSUPPORTED_VERSION', `${what}: version ${bytes[0]} is not supported`);
	}
	if (bytes[1] !== kind) throw new CryptoFormatError('WRONG_KIND', `${what}: kind byte ${bytes[1]} is not ${kind}`);
}

/** Throws `CryptoFormatError('BAD_LENGTH')` unless `bytes` has exactly `length` bytes. */
export function expectLength(bytes: Uint8Array, length: number, what: string): void {
	if (bytes.length !== length) {
		throw new CryptoFormatError('BAD_LENGTH', `${what}: expected ${length} bytes, got ${bytes.length}`);
	}
}

/** Largest integer a u64 field may hold here (JavaScript numbers stay exact up to 2^53 − 1). */
const MAX_U64 = Number.MAX_SAFE_INTEGER;

/** Appends fixed fields into a buffer of known size. */
export class ByteWriter {
	readonly bytes: Uint8Array;
	private at = 0;
	private readonly view: DataView;
	constructor(length: number) {
		this.bytes = new Uint8Array(length);
		this.view = new DataView(this.bytes.buffer);
	}
	header(kind: Kind, version: number = FORMAT_VERSION): this {
		return this.u8(version).u8(kind);
	}
	u8(v: number): this {
		this.view.setUint8(this.at, v);
		this.at += 1;
		return this;
	}
	u16(v: number): this {
		this.view.setUint16(this.at, v);
		this.at += 2;
		return this;
	}
	u32(v: number): this {
		this.view.setUint32(this.at, v);
		this.at += 4;
		return this;
	}
	u64(v: number): this {
		if (!Number.isSafeInteger(v) || v < 0 || v > MAX_U64)
			throw new CryptoFormatError('INVALID_ARGUMENT', `u64 out of range: ${v}`);
		this.view.setUint32(this.at, Math.floor(v / 2 ** 32));
		this.view.setUint32(this.at + 4, v >>> 0);
		this.at += 8;
		return this;
	}
	raw(b: Uint8Array): this {
		this.bytes.set(b, this.at);
		this.at += b.length;
		return this;
	}
	/** Bytes written so far (a view, not a copy). */
	written(): Uint8Array {
		return this.bytes.subarray(0, this.at);
	}
	get offset(): number {
		return this.at;
	}
}

/** Reads fixed fields; every overrun throws `CryptoFormatError('BAD_LENGTH')`. */
export class ByteReader {
	private at = 0;
	private readonly view: DataView;
	constructor(
		readonly bytes: Uint8Array,
		private readonly what: string
	) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	private need(n: number): void {
		if (this.at + n > this.bytes.length) throw new CryptoFormatError('BAD_LENGTH', `${this.what}: truncated`);
	}
	get offset(): number {
		return this.at;
	}
	get remaining(): number {
		return this.bytes.length - this.at;
	}
	u8(): number {
		this.need(1);
		return this.view.getUint8(this.at++);
	}
	u16(): number {
		this.need(2);
		const v = this.view.getUint16(this.at);
		this.at += 2;
		return v;
	}
	u32(): number {
		this.need(4);
		const v = this.view.getUint32(this.at);
		this.at += 4;
		return v;
	}
	u64(): number {
		this.need(8);
		const hi = this.view.getUint32(this.at);
		const lo = this.view.getUint32(this.at + 4);
		this.at += 8;
		const v = hi * 2 ** 32 + lo;
		if (!Number.isSafeInteger(v)) throw new CryptoFormatError('MALFORMED', `${this.what}: integer too large`);
		return v;
	}
	/** A view of the next `n` bytes (not a copy). */
	raw(n: number): Uint8Array {
		this.need(n);
		const v = this.bytes.subarray(this.at, this.at + n);
		this.at += n;
		return v;
	}
	/** Throws `CryptoFormatError('BAD_LENGTH')` if bytes are left over. */
	end(): void {
		if (this.at !== this.bytes.length)
			throw new CryptoFormatError('BAD_LENGTH', `${this.what}: ${this.remaining} trailing bytes`);
	}
}
