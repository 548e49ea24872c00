/**
 * Strips metadata from images in the browser, before encryption, without re-encoding a single pixel:
 * the result is the input with metadata segments or chunks left out (and, for WebP, the container
 * size and flags fixed). The image data itself is copied byte for byte.
 *
 * - JPEG: drops APP1 (Exif, XMP), APP13 (IPTC / Photoshop), APP2 other than ICC_PROFILE (MPF, FlashPix),
 *   APP3–APP12 and APP15, COM, a JFIF thumbnail, JFXX, and anything after EOI (the secondary images of
 *   MPF files, "motion photo" videos, vendor trailers). Keeps APP0 JFIF, APP2 ICC_PROFILE, APP14 Adobe and
 *   every coding segment (DQT, DHT, SOFn, DRI, SOS and the entropy-coded data) unchanged.
 *   Orientation: if the Exif block said the picture is rotated or mirrored (Orientation 2–8), a minimal
 *   Exif block carrying only that Orientation is put in its place, so the photo still shows upright.
 *   Orientation reveals nothing about place, time or device.
 * - PNG: drops tEXt, zTXt, iTXt, eXIf, tIME and caBX (C2PA content credentials), and anything after
 *   IEND. (An orientation in PNG eXIf is rare and is dropped with it.)
 * - WebP: drops EXIF and XMP chunks (and unknown chunks) from an extended (VP8X) file, clears the
 *   matching VP8X flags and fixes the RIFF size; simple VP8/VP8L files cannot carry metadata. Trailing
 *   bytes after the RIFF container are dropped. WebP orientation lives in EXIF and is dropped with it.
 *
 * `removed` lists what was found, as codes the UI translates (METADATA_CODES). The functions never throw
 * on bad input: a file they cannot parse gives `error: 'unreadable_image'` and the unchanged input, and
 * the UI must warn the reporter that its metadata could not be removed.
 */

import { METADATA_CODES, type MetadataCode } from '../../shared/vocabulary/report';

/** What can be reported as removed, in display order (the shared vocabulary). */
export { METADATA_CODES, type MetadataCode };

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** The only failure: the bytes are not an image this module can parse. */
export type StripError = 'unreadable_image';

export interface StripResult {
	/** The stripped file, or the unchanged input when `error` is set. */
	data: Uint8Array;
	/** What was removed, in METADATA_CODES order, without duplicates. */
	removed: MetadataCode[];
	/** The format detected from the bytes (the declared MIME type is not trusted). */
	format: ImageFormat | null;
	error: StripError | null;
	/** The Exif Orientation kept in the minimal Exif block (JPEG only), or null. */
	orientation: number | null;
}

/** MIME types this module strips. */
const STRIPPABLE = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/apng', 'image/webp']);

/** Types without embedded metadata worth a warning. */
const PLAIN = new Set(['text/plain', 'text/csv', 'text/markdown']);

/** True if `stripImageMetadata` handles files of this MIME type. */
export function canStrip(type: string): boolean {
	return STRIPPABLE.has(type.toLowerCase().split(';')[0]?.trim() ?? '');
}

/**
 * True if a file of this MIME type may carry metadata this module does not remove (PDF and Office
 * documents, video, audio, HEIC, GIF, archives, unknown types…): the UI should warn the reporter.
 */
export function metadataWarning(type: string): boolean {
	const t = type.toLowerCase().split(';')[0]?.trim() ?? '';
	if (canStrip(t) || PLAIN.has(t)) return false;
	return true;
}

/** Detects the image format from the first bytes. */
export function detectImageFormat(b: Uint8Array): ImageFormat | null {
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
	if (
		b.length >= 8 &&
		b[0] === 0x89 &&
		b[1] === 0x50 &&
		b[2] === 0x4e &&
		b[3] === 0x47 &&
		b[4] === 0x0d &&
		b[5] === 0x0a &&
		b[6] === 0x1a &&
		b[7] === 0x0a
	)
		return 'png';
	if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
	return null;
}

/* ------------------------------------------------------------------ helpers */

function ascii(b: Uint8Array, at: number, n: number): string {
	let s = '';
	for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i] as number);
	return s;
}

function startsWith(b: Uint8Array, prefix: string): boolean {
	if (b.length < prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix.charCodeAt(i)) return false;
	return true;
}

function concat(parts: Uint8Array[]): Uint8Array {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

function ordered(codes: Set<MetadataCode>): MetadataCode[] {
	return METADATA_CODES.filter((c) => codes.has(c));
}

/** Thrown inside the parsers for malformed input; never escapes this module. */
class Unreadable extends Error {}

/* ------------------------------------------------------------------ Exif (TIFF) */

export interface ExifSummary {
	codes: Set<MetadataCode>;
	/** Orientation 1–8 from IFD0, or null. */
	orientation: number | null;
}

const IFD0_TAGS: Record<number, MetadataCode> = {
	0x010e: 'comment', // ImageDescription
	0x010f: 'camera', // Make
	0x0110: 'camera', // Model
	0x0131: 'software',
	0x0132: 'datetime', // DateTime
	0x013b: 'author', // Artist
	0x8298: 'author', // Copyright
	0x9c9b: 'comment', // XPTitle
	0x9c9c: 'comment', // XPComment
	0x9c9d: 'author', // XPAuthor
	0xa431: 'camera' // BodySerialNumber (sometimes in IFD0)
};

const EXIF_TAGS: Record<number, MetadataCode> = {
	0x9003: 'datetime', // DateTimeOriginal
	0x9004: 'datetime', // DateTimeDigitized
	0x9010: 'datetime', // OffsetTime
	0x9011: 'datetime',
	0x9012: 'datetime',
	0x9290: 'datetime', // SubSecTime
	0x9291: 'datetime',
	0x9292: 'datetime',
	0x927c: 'camera', // MakerNote (serial numbers and more)
	0x9286: 'comment', // UserComment
	0xa420: 'camera', // ImageUniqueID
	0xa430: 'author', // CameraOwnerName
	0xa431: 'camera', // BodySerialNumber
	0xa432: 'camera', // LensSpecification
	0xa433: 'camera', // LensMake
	0xa434: 'camera', // LensModel
	0xa435: 'camera' // LensSerialNumber
};

/**
 * Reads an Exif TIFF structure (starting at the byte-order mark) and says what it holds. Bounded and
 * loop-safe; returns what it could read before any defect.
 */
export function inspectExif(t: Uint8Array): ExifSummary {
	const codes = new Set<MetadataCode>();
	let orientation: number | null = null;
	if (t.length < 8) return { codes, orientation };
	const le = t[0] === 0x49 && t[1] === 0x49;
	const be = t[0] === 0x4d && t[1] === 0x4d;
	if (!le && !be) return { codes, orientation };
	const u16 = (o: number): number => {
		if (o < 0 || o + 2 > t.length) throw new Unreadable();
		return le ? (t[o] as number) | ((t[o + 1] as number) << 8) : ((t[o] as number) << 8) | (t[o + 1] as number);
	};
	const u32 = (o: number): number => {
		if (o < 0 || o + 4 > t.length) throw new Unreadable();
		return le
			? ((t[o] as number) |
					((t[o + 1] as number) << 8) |
					((t[o + 2] as number) << 16) |
					((t[o + 3] as number) << 24)) >>>
					0
			: (((t[o] as number) << 24) |
					((t[o + 1] as number) << 16) |
					((t[o + 2] as number) << 8) |
					(t[o + 3] as number)) >>>
					0;
	};
	const seen = new Set<number>();
	/** Returns the entries (tag, entry offset) of the IFD at `off`, and the next-IFD pointer. */
	const ifd = (off: number): { entries: { tag: number; type: number; at: number }[]; next: number } => {
		if (seen.has(off) || seen.size > 16) throw new Unreadable();
		seen.add(off);
		const n = u16(off);
		const entries: { tag: number; type: number; at: number }[] = [];
		for (let i = 0; i < n && i < 1000; i++) {
			const at = off + 2 + 12 * i;
			entries.push({ tag: u16(at), type: u16(at + 2), at });
		}
		let next: number;
		try {
			next = u32(off + 2 + 12 * n);
		} catch {
			next = 0;
		}
		return { entries, next };
	};
	try {
		if (u16(2) !== 42) return { codes, orientation };
		const ifd0 = ifd(u32(4));
		let exifAt = 0;
		let gpsAt = 0;
		for (const e of ifd0.entries) {
			const code = IFD0_TAGS[e.tag];
			if (code) codes.add(code);
			if (e.tag === 0x0112 && e.type === 3) {
				const v = u16(e.at + 8);
				if (v >= 1 && v <= 8) orientation = v;
			}
			if (e.tag === 0x8769) exifAt = u32(e.at + 8);
			if (e.tag === 0x8825) gpsAt = u32(e.at + 8);
		}
		if (ifd0.next) {
			try {
				if (ifd(ifd0.next).entries.length > 0) codes.add('thumbnail');
			} catch {
				// a broken thumbnail directory: nothing more to learn
			}
		}
		if (exifAt) {
			try {
				for (const e of ifd(exifAt).entries) {
					const code = EXIF_TAGS[e.tag];
					if (code) codes.add(code);
				}
			} catch {
				// keep what IFD0 said
			}
		}
		if (gpsAt) {
			try {
				for (const e of ifd(gpsAt).entries) {
					if (e.tag === 0x0002 || e.tag === 0x0004) codes.add('gps'); // GPSLatitude, GPSLongitude
					if (e.tag === 0x0007 || e.tag === 0x001d) codes.add('datetime'); // GPSTimeStamp, GPSDateStamp
				}
			} catch {
				// keep what we have
			}
		}
	} catch (e) {
		if (!(e instanceof Unreadable)) throw e;
	}
	return { codes, orientation };
}

/** A minimal APP1 Exif segment carrying only IFD0 Orientation (big-endian TIFF, 34 bytes in all). */
export function orientationApp1(orientation: number): Uint8Array {
	const seg = new Uint8Array(36);
	const v = new DataView(seg.buffer);
	v.setUint16(0, 0xffe1);
	v.setUint16(2, 34); // length field counts itself: 2 + 6 ("Exif\0\0") + 26 (TIFF)
	seg.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4);
	const t = 10;
	seg.set([0x4d, 0x4d, 0x00, 0x2a], t);
	v.setUint32(t + 4, 8); // IFD0 right after the header
	v.setUint16(t + 8, 1); // one entry
	v.setUint16(t + 10, 0x0112); // Orientation
	v.setUint16(t + 12, 3); // SHORT
	v.setUint32(t + 14, 1); // count
	v.setUint16(t + 18, orientation);
	v.setUint32(t + 22, 0); // no next IFD
	return seg;
}

/* ------------------------------------------------------------------ JPEG */

function stripJpeg(b: Uint8Array): { data: Uint8Array; codes: Set<MetadataCode>; orientation: number | null } {
	const codes = new Set<MetadataCode>();
	const out: Uint8Array[] = [b.subarray(0, 2)];
	let orientation: number | null = null;
	let orientationWritten = false;
	let sawScan = false;
	let pos = 2;
	const len = b.length;
	while (pos < len) {
		if (b[pos] !== 0xff) throw new Unreadable();
		while (pos < len && b[pos] === 0xff) pos++; // fill bytes
		if (pos >= len) break;
		const m = b[pos] as number;
		pos++;
		if (m === 0xd9) {
			out.push(new Uint8Array([0xff, 0xd9]));
			if (pos < len) codes.add('embedded_data');
			return { data: concat(out), codes, orientation };
		}
		if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
			out.push(new Uint8Array([0xff, m]));
			continue;
		}
		if (m === 0x00 || m === 0xd8) throw new Unreadable();
		if (pos + 2 > len) throw new Unreadable();
		const L = ((b[pos] as number) << 8) | (b[pos + 1] as number);
		if (L < 2 || pos + L > len) throw new Unreadable();
		const segment = concat([new Uint8Array([0xff, m]), b.subarray(pos, pos + L)]);
		const payload = b.subarray(pos + 2, pos + L);
		pos += L;
		if (m === 0xe0) {
			if (startsWith(payload, 'JFIF\0') && payload.length >= 14) {
				if ((payload[12] as number) !== 0 && (payload[13] as number) !== 0) {
					// JFIF with an embedded thumbnail: keep the header, drop the thumbnail.
					const head = segment.slice(0, 18);
					head[2] = 0;
					head[3] = 16;
					head[16] = 0;
					head[17] = 0;
					out.push(head);
					codes.add('thumbnail');
				} else {
					out.push(segment);
				}
			} else {
				codes.add(startsWith(payload, 'JFXX\0') ? 'thumbnail' : 'other');
			}
		} else if (m === 0xe1) {
			if (startsWith(payload, 'Exif\0')) {
				const summary = inspectExif(payload.subarray(6));
				summary.codes.forEach((c) => codes.add(c));
				codes.add('exif');
				if (summary.orientation !== null && summary.orientation !== 1 && !orientationWritten) {
					orientation = summary.orientation;
					out.push(orientationApp1(summary.orientation));
					orientationWritten = true;
				}
			} else if (startsWith(payload, 'http://ns.adobe.com/')) {
				codes.add('xmp');
			} else {
				codes.add('other');
			}
		} else if (m === 0xe2) {
			if (startsWith(payload, 'ICC_PROFILE\0')) out.push(segment);
			else codes.add(startsWith(payload, 'MPF\0') ? 'embedded_data' : 'other');
		} else if (m === 0xed) {
			codes.add('iptc');
		} else if (m === 0xee) {
			if (startsWith(payload, 'Adobe')) out.push(segment);
			else codes.add('other');
		} else if (m >= 0xe3 && m <= 0xef) {
			codes.add('other');
		} else if (m === 0xfe) {
			codes.add('comment');
		} else if (m === 0xda) {
			out.push(segment);
			sawScan = true;
			// Entropy-coded data runs to the next marker that is not a stuffed 00 or a restart marker.
			let i = pos;
			while (i < len - 1) {
				if (b[i] !== 0xff) {
					i++;
					continue;
				}
				const n = b[i + 1] as number;
				if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) i += 2;
				else if (n === 0xff) i++;
				else break;
			}
			if (i >= len - 1) i = len; // truncated scan: keep what there is
			out.push(b.subarray(pos, i));
			pos = i;
		} else {
			out.push(segment);
		}
	}
	// No EOI: a truncated file. Keep what was read if it has image data at all.
	if (!sawScan) throw new Unreadable();
	return { data: concat(out), codes, orientation };
}

/* ------------------------------------------------------------------ PNG */

const PNG_TEXT_KEYWORDS: [RegExp, MetadataCode][] = [
	[/^(author|copyright|disclaimer)$/i, 'author'],
	[/^creation time$/i, 'datetime'],
	[/^software$/i, 'software'],
	[/^(comment|description|title)$/i, 'comment'],
	[/^source$/i, 'camera'],
	[/^xml:com\.adobe\.xmp$/i, 'xmp'],
	[/^raw profile type (exif|app1)$/i, 'exif'],
	[/^raw profile type (iptc|8bim)$/i, 'iptc']
];

function u32be(b: Uint8Array, o: number): number {
	return (
		(((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0
	);
}

function stripPng(b: Uint8Array): { data: Uint8Array; codes: Set<MetadataCode> } {
	const codes = new Set<MetadataCode>();
	const out: Uint8Array[] = [b.subarray(0, 8)];
	let pos = 8;
	let first = true;
	while (pos + 12 <= b.length) {
		const L = u32be(b, pos);
		if (L > 0x7fffffff || pos + 12 + L > b.length) throw new Unreadable();
		const type = ascii(b, pos + 4, 4);
		if (!/^[A-Za-z]{4}$/.test(type)) throw new Unreadable();
		if (first && type !== 'IHDR') throw new Unreadable();
		first = false;
		const data = b.subarray(pos + 8, pos + 8 + L);
		const chunk = b.subarray(pos, pos + 12 + L);
		pos += 12 + L;
		switch (type) {
			case 'tEXt':
			case 'zTXt':
			case 'iTXt': {
				codes.add('text');
				let end = 0;
				while (end < data.length && end < 80 && data[end] !== 0) end++;
				const keyword = ascii(data, 0, end);
				for (const [re, code] of PNG_TEXT_KEYWORDS) if (re.test(keyword)) codes.add(code);
				break;
			}
			case 'eXIf': {
				inspectExif(data).codes.forEach((c) => codes.add(c));
				codes.add('exif');
				break;
			}
			case 'tIME':
				codes.add('datetime');
				break;
			case 'caBX':
				codes.add('other');
				break;
			case 'IEND':
				out.push(chunk);
				if (pos < b.length) codes.add('embedded_data');
				return { data: concat(out), codes };
			default:
				out.push(chunk);
		}
	}
	if (first || pos !== b.length) throw new Unreadable();
	return { data: concat(out), codes }; // no IEND: truncated, kept as it is
}

/* ------------------------------------------------------------------ WebP */

const WEBP_KNOWN = new Set(['VP8X', 'ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L']);

function u32le(b: Uint8Array, o: number): number {
	return (
		((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0
	);
}

function stripWebp(b: Uint8Array): { data: Uint8Array; codes: Set<MetadataCode> } {
	const codes = new Set<MetadataCode>();
	const size = u32le(b, 4);
	if (size < 4 || size % 2 === 1 || 8 + size > b.length) throw new Unreadable();
	const end = 8 + size;
	if (end < b.length) codes.add('embedded_data');
	const chunks: Uint8Array[] = [];
	let pos = 12;
	let extended = false;
	let first = true;
	while (pos < end) {
		if (pos + 8 > end) throw new Unreadable();
		const fourcc = ascii(b, pos, 4);
		const csize = u32le(b, pos + 4);
		if (pos + 8 + csize > end) throw new Unreadable();
		const stop = Math.min(end, pos + 8 + csize + (csize % 2));
		const chunk = b.subarray(pos, stop);
		const data = b.subarray(pos + 8, pos + 8 + csize);
		pos = stop;
		if (first) {
			if (fourcc !== 'VP8X' && fourcc !== 'VP8 ' && fourcc !== 'VP8L') throw new Unreadable();
			extended = fourcc === 'VP8X';
			if (extended && csize < 10) throw new Unreadable();
			first = false;
		}
		if (!extended) {
			chunks.push(chunk);
			continue;
		}
		if (fourcc === 'EXIF') {
			inspectExif(startsWith(data, 'Exif\0\0') ? data.subarray(6) : data).codes.forEach((c) => codes.add(c));
			codes.add('exif');
		} else if (fourcc === 'XMP ') {
			codes.add('xmp');
		} else if (WEBP_KNOWN.has(fourcc)) {
			if (fourcc === 'VP8X') {
				const copy = chunk.slice();
				copy[8] = (copy[8] as number) & ~0x0c; // clear the EXIF (0x08) and XMP (0x04) flags
				chunks.push(copy);
			} else {
				chunks.push(chunk);
			}
		} else {
			codes.add('other');
		}
	}
	if (first) throw new Unreadable();
	const body = concat(chunks);
	if (body.length % 2 === 1) throw new Unreadable();
	const head = new Uint8Array(12);
	head.set(b.subarray(0, 4), 0);
	const riff = 4 + body.length;
	head[4] = riff & 0xff;
	head[5] = (riff >>> 8) & 0xff;
	head[6] = (riff >>> 16) & 0xff;
	head[7] = (riff >>> 24) & 0xff;
	head.set(b.subarray(8, 12), 8);
	return { data: concat([head, body]), codes };
}

/* ------------------------------------------------------------------ entry points */

/**
 * Strips metadata from image bytes (JPEG, PNG or WebP, detected from the bytes). Never throws: a file
 * it cannot parse comes back unchanged with `error: 'unreadable_image'`.
 */
export function stripImageMetadata(bytes: Uint8Array): StripResult {
	const format = detectImageFormat(bytes);
	const unreadable: StripResult = { data: bytes, removed: [], format, error: 'unreadable_image', orientation: null };
	try {
		if (format === 'jpeg') {
			const r = stripJpeg(bytes);
			return { data: r.data, removed: ordered(r.codes), format, error: null, orientation: r.orientation };
		}
		if (format === 'png') {
			const r = stripPng(bytes);
			return { data: r.data, removed: ordered(r.codes), format, error: null, orientation: null };
		}
		if (format === 'webp') {
			const r = stripWebp(bytes);
			return { data: r.data, removed: ordered(r.codes), format, error: null, orientation: null };
		}
		return unreadable;
	} catch {
		return unreadable;
	}
}

/** Reads a File/Blob and strips it (see `stripImageMetadata`); a read failure is `unreadable_image`. */
export async function stripFileMetadata(file: Blob): Promise<StripResult> {
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(await file.arrayBuffer());
	} catch {
		return { data: new Uint8Array(0), removed: [], format: null, error: 'unreadable_image', orientation: null };
	}
	return stripImageMetadata(bytes);
}

/**
 * Lists what `stripImageMetadata` would remove, without building the output (e.g. for a preview).
 * Same rules; `null` for an unreadable image.
 */
export function findImageMetadata(bytes: Uint8Array): MetadataCode[] | null {
	const r = stripImageMetadata(bytes);
	return r.error ? null : r.removed;
}
