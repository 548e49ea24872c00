/**
 * Exif (TIFF) structures: what an Exif block holds (its tags, as metadata codes) and the minimal block
 * that keeps a JPEG's Orientation. Used by every format: JPEG APP1, PNG eXIf and WebP EXIF carry TIFF.
 */
import type { MetadataCode } from '../../../shared/vocabulary/report';
import { Unreadable } from './bytes';

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
