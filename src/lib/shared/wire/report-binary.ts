/**
 * The binary commit body of `POST /api/v1/reports` (docs/api.md, "The binary commit body"): the clear
 * fields as a small JSON head, every ciphertext as raw bytes behind a 4-byte length. A third fewer bytes
 * than base64 in JSON, and the server takes each ciphertext as a view of the body it read, without
 * decoding or copying it. The ciphertexts are opaque here: their lengths are checked against
 * {@link REPORT_BYTE_LENGTHS} and their framing by the server, whatever the crypto suite.
 *
 * Layout (all integers big-endian):
 *   magic "QFR" (0x51 0x46 0x52), version 0x01
 *   u32 head length, head (UTF-8 JSON: v, intake?, pow?, routing, organ, receipt.locator)
 *   u32 + content | u32 + summary (0 = none) | u32 + kdfSpec | u32 + authHash | u32 + wrappedKey
 *   u32 wrap count, then per wrap: u32 + entryId, u32 + sealed
 *   u32 file count, then per file: u32 + file (inline files; 0 files with an intake = none)
 * and nothing after. Pure and portable (no Buffer): the browser encodes, the server decodes.
 */
import { KDF_SPEC_LENGTH } from '../../crypto/kdf-spec';
import { WRAPPED_KEY_LENGTH } from '../../crypto/keys';
import { SEALED_KEY_LENGTH } from '../../crypto/seal';
import { ENTRY_ID_LENGTH } from '../../crypto/directory';
import { SUMMARY_CIPHERTEXT_LENGTH } from '../../crypto/summary';
import { GM_LENGTHS } from '../../crypto/gm/lengths';
import { INLINE_MAX_BYTES, MAX_CONTENT_BYTES, MAX_INLINE_FILES, MAX_WRAPS } from '../limits';

/** The content type of the binary commit (the JSON one stays `application/json`). */
export const REPORT_BINARY_TYPE = 'application/octet-stream';

/** The first four bytes: "QFR" and the envelope's version. */
export const REPORT_BINARY_MAGIC = [0x51, 0x46, 0x52] as const;
export const REPORT_BINARY_VERSION = 1;

/** Largest JSON head (the clear fields and a solved challenge are well under 1 KiB). */
export const REPORT_HEAD_MAX = 8 * 1024;

/** The exact lengths of the fixed-size byte fields of a commit (the JSON schema checks the same). */
export const REPORT_BYTE_LENGTHS = {
	summary: SUMMARY_CIPHERTEXT_LENGTH,
	kdfSpec: KDF_SPEC_LENGTH,
	authHash: 32,
	wrappedKey: WRAPPED_KEY_LENGTH,
	entryId: ENTRY_ID_LENGTH,
	sealed: SEALED_KEY_LENGTH
} as const;

type SizedField = Exclude<keyof typeof REPORT_BYTE_LENGTHS, 'entryId'>;
/**
 * The same fields in the GM suite (issue 21). The envelope takes either suite's length; the server's checks
 * (src/lib/server/reports/intake/schemas.ts) then accept only the deployment's suite, byte 0 and length.
 */
export const REPORT_BYTE_LENGTHS_GM: Readonly<Record<SizedField, number>> = GM_LENGTHS;
const maxLength = (f: SizedField) => Math.max(REPORT_BYTE_LENGTHS[f], REPORT_BYTE_LENGTHS_GM[f]);
const minLength = (f: SizedField) => Math.min(REPORT_BYTE_LENGTHS[f], REPORT_BYTE_LENGTHS_GM[f]);
/** True if `n` is the length of field `f` in one of the suites. */
export const isSuiteLength = (f: SizedField, n: number) =>
	n === REPORT_BYTE_LENGTHS[f] || n === REPORT_BYTE_LENGTHS_GM[f];

/** The byte fields of a commit: views of the body on the server, the client's ciphertexts when encoding. */
export interface ReportBytes {
	content: Uint8Array;
	summary?: Uint8Array;
	kdfSpec: Uint8Array;
	authHash: Uint8Array;
	wrappedKey: Uint8Array;
	wraps: { entryId: Uint8Array; sealed: Uint8Array }[];
	/** Inline files; absent (or empty) with an intake. */
	files?: Uint8Array[];
}

/** Largest binary commit: the largest content and inline files, the most wraps, a head, with room. */
export const REPORT_BINARY_CAP =
	4 +
	4 +
	REPORT_HEAD_MAX +
	4 * 6 +
	MAX_CONTENT_BYTES +
	maxLength('summary') +
	maxLength('kdfSpec') +
	32 +
	maxLength('wrappedKey') +
	MAX_WRAPS * (8 + ENTRY_ID_LENGTH + maxLength('sealed')) +
	4 * MAX_INLINE_FILES +
	INLINE_MAX_BYTES;

export type ReportBinaryRefusal = {
	ok: false;
	code: 'invalid_field' | 'invalid_json' | 'unsupported_version';
	field: string;
};
export type ReportBinaryDecoded = { ok: true; head: unknown; bytes: ReportBytes } | ReportBinaryRefusal;

const refusal = (code: ReportBinaryRefusal['code'], field: string): ReportBinaryRefusal => ({ ok: false, code, field });

/** A reader over the body: every field a view (subarray), every length checked before it is used. */
class Reader {
	at = 0;
	private readonly view: DataView;
	constructor(private readonly body: Uint8Array) {
		this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
	}
	u32(): number | null {
		if (this.body.length - this.at < 4) return null;
		const n = this.view.getUint32(this.at);
		this.at += 4;
		return n;
	}
	/** A length-prefixed field of `min` to `max` bytes, or null (truncated, or out of bounds). */
	bytes(min: number, max: number): Uint8Array | null {
		const n = this.u32();
		if (n === null || n < min || n > max || n > this.body.length - this.at) return null;
		const out = this.body.subarray(this.at, this.at + n);
		this.at += n;
		return out;
	}
	exact(n: number): Uint8Array | null {
		return this.bytes(n, n);
	}
	/** A field of one of the suites' lengths. */
	sized(f: SizedField): Uint8Array | null {
		const b = this.bytes(minLength(f), maxLength(f));
		return b && isSuiteLength(f, b.length) ? b : null;
	}
}

/**
 * Decodes a binary commit. Refusals name the field at fault, as the JSON body's checks do: a body that is
 * not this envelope (`body`), another version (`v`), a head that is not JSON (`invalid_json`), a length
 * that runs past the end or outside its bounds (the field), bytes left over (`body`). Never throws.
 */
export function decodeReportBinary(body: Uint8Array): ReportBinaryDecoded {
	if (body.length < 4 || body[0] !== 0x51 || body[1] !== 0x46 || body[2] !== 0x52)
		return refusal('invalid_field', 'body');
	if (body[3] !== REPORT_BINARY_VERSION) return refusal('unsupported_version', 'v');
	const r = new Reader(body);
	r.at = 4;
	const headBytes = r.bytes(2, REPORT_HEAD_MAX);
	if (!headBytes) return refusal('invalid_field', 'head');
	let head: unknown;
	try {
		head = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headBytes));
	} catch {
		return refusal('invalid_json', 'head');
	}
	const content = r.bytes(1, MAX_CONTENT_BYTES);
	if (!content) return refusal('invalid_field', 'content');
	const summary = r.bytes(0, maxLength('summary'));
	if (!summary || (summary.length !== 0 && !isSuiteLength('summary', summary.length)))
		return refusal('invalid_field', 'summary');
	const kdfSpec = r.sized('kdfSpec');
	if (!kdfSpec) return refusal('invalid_field', 'receipt.kdfSpec');
	const authHash = r.exact(REPORT_BYTE_LENGTHS.authHash);
	if (!authHash) return refusal('invalid_field', 'receipt.authHash');
	const wrappedKey = r.sized('wrappedKey');
	if (!wrappedKey) return refusal('invalid_field', 'receipt.wrappedKey');
	const wrapCount = r.u32();
	if (wrapCount === null || wrapCount > MAX_WRAPS) return refusal('invalid_field', 'wraps');
	const wraps: ReportBytes['wraps'] = [];
	for (let i = 0; i < wrapCount; i++) {
		const entryId = r.exact(REPORT_BYTE_LENGTHS.entryId);
		if (!entryId) return refusal('invalid_field', `wraps[${i}].entryId`);
		const sealed = r.sized('sealed');
		if (!sealed) return refusal('invalid_field', `wraps[${i}].sealed`);
		wraps.push({ entryId, sealed });
	}
	const fileCount = r.u32();
	if (fileCount === null || fileCount > MAX_INLINE_FILES) return refusal('invalid_field', 'files');
	const files: Uint8Array[] = [];
	for (let i = 0; i < fileCount; i++) {
		const f = r.bytes(1, INLINE_MAX_BYTES);
		if (!f) return refusal('invalid_field', `files[${i}]`);
		files.push(f);
	}
	if (r.at !== body.length) return refusal('invalid_field', 'body');
	const bytes: ReportBytes = { content, kdfSpec, authHash, wrappedKey, wraps };
	if (summary.length > 0) bytes.summary = summary;
	// With an intake, no file count means no files (a count with an intake is refused by the server's checks).
	const withIntake = typeof head === 'object' && head !== null && 'intake' in head;
	if (!withIntake || fileCount > 0) bytes.files = files;
	return { ok: true, head, bytes };
}

/** Encodes a commit: the clear fields (`head`, JSON) and the byte fields, in one allocation. */
export function encodeReportBinary(head: object, b: ReportBytes): Uint8Array<ArrayBuffer> {
	const headBytes = new TextEncoder().encode(JSON.stringify(head));
	const fields: Uint8Array[] = [
		headBytes,
		b.content,
		b.summary ?? new Uint8Array(0),
		b.kdfSpec,
		b.authHash,
		b.wrappedKey
	];
	const wraps = b.wraps.flatMap((w) => [w.entryId, w.sealed]);
	const files = b.files ?? [];
	let size = 4 + 4 + 4;
	for (const f of [...fields, ...wraps, ...files]) size += 4 + f.length;
	const out = new Uint8Array(size);
	const view = new DataView(out.buffer);
	out.set([...REPORT_BINARY_MAGIC, REPORT_BINARY_VERSION]);
	let at = 4;
	const u32 = (n: number) => {
		view.setUint32(at, n);
		at += 4;
	};
	const put = (f: Uint8Array) => {
		u32(f.length);
		out.set(f, at);
		at += f.length;
	};
	fields.forEach(put);
	u32(b.wraps.length);
	wraps.forEach(put);
	u32(files.length);
	files.forEach(put);
	return out;
}
