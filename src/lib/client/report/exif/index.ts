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
 * `removed` lists what was found, as codes the UI translates (METADATA_CODES, src/lib/shared/vocabulary).
 * The functions never throw on bad input: a file they cannot parse gives `error: 'unreadable_image'` and
 * the unchanged input, and the UI must warn the reporter that its metadata could not be removed. One
 * module per format (./jpeg.ts, ./png.ts, ./webp.ts), the Exif (TIFF) reader they share in ./tiff.ts.
 */
import { METADATA_CODES, type MetadataCode } from '../../../shared/vocabulary/report';
import { ascii } from './bytes';
import { stripJpeg } from './jpeg';
import { stripPng } from './png';
import { stripWebp } from './webp';

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

function ordered(codes: Set<MetadataCode>): MetadataCode[] {
	return METADATA_CODES.filter((c) => codes.has(c));
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
