import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	ascii,
	buildTiff,
	concat,
	exifApp1,
	jpegSegment,
	phoneExif,
	pngChunk,
	riffChunk,
	vp8x,
	webpFile,
	ASCII,
	SHORT
} from '../../../../tests/fixtures/exif-builder';
import {
	canStrip,
	detectImageFormat,
	metadataWarning,
	stripFileMetadata,
	stripImageMetadata,
	type StripResult
} from './exif';
import { inspectExif } from './exif/tiff';

const fixture = (name: string) =>
	new Uint8Array(readFileSync(new URL(`../../../../tests/fixtures/${name}`, import.meta.url)));
const gpsJpg = fixture('gps.jpg');
const plainJpg = fixture('plain.jpg');
const plainPng = fixture('plain.png');
const plainWebp = fixture('plain.webp');

/** Marker segments of a JPEG up to SOS: [marker, offset, length incl. marker]. */
function jpegSegments(b: Uint8Array): { marker: number; at: number; payload: Uint8Array }[] {
	const out: { marker: number; at: number; payload: Uint8Array }[] = [];
	let pos = 2;
	while (pos + 4 <= b.length && b[pos] === 0xff) {
		const marker = b[pos + 1] as number;
		const L = ((b[pos + 2] as number) << 8) | (b[pos + 3] as number);
		out.push({ marker, at: pos, payload: b.subarray(pos + 4, pos + 2 + L) });
		if (marker === 0xda) break;
		pos += 2 + L;
	}
	return out;
}

const indexOfMarker = (b: Uint8Array, marker: number) => jpegSegments(b).find((s) => s.marker === marker)?.at ?? -1;
const has = (b: Uint8Array, text: string) => Buffer.from(b).includes(Buffer.from(text));

function ok(r: StripResult): StripResult {
	expect(r.error).toBeNull();
	return r;
}

describe('JPEG', () => {
	it('the fixture carries what it should (sanity)', () => {
		expect(has(gpsJpg, 'QingfengTestCam')).toBe(true);
		expect(has(gpsJpg, 'CANARY-7731')).toBe(true);
		expect(jpegSegments(gpsJpg).filter((s) => s.marker === 0xe1)).toHaveLength(2);
		expect(jpegSegments(gpsJpg).some((s) => s.marker === 0xfe)).toBe(true);
	});

	it('removes GPS, camera, dates, software, comment, thumbnail and XMP from gps.jpg', () => {
		const r = ok(stripImageMetadata(gpsJpg));
		expect(r.format).toBe('jpeg');
		expect(r.removed).toEqual(['gps', 'camera', 'datetime', 'software', 'comment', 'thumbnail', 'xmp', 'exif']);
		expect(r.orientation).toBeNull();
		for (const canary of [
			'QingfengTestCam',
			'CANARY-7731',
			'2026:11:20',
			'PhoneOS',
			'back door',
			'county office',
			'GPSLatitude',
			'BODY-SERIAL',
			'Exif',
			'ns.adobe.com'
		]) {
			expect(has(r.data, canary), canary).toBe(false);
		}
	});

	it('leaves the image data (DQT … EOI) byte-identical and keeps JFIF and ICC', () => {
		const r = ok(stripImageMetadata(gpsJpg));
		const dqtIn = indexOfMarker(gpsJpg, 0xdb);
		const dqtOut = indexOfMarker(r.data, 0xdb);
		expect(dqtIn).toBeGreaterThan(0);
		expect(Buffer.from(r.data.subarray(dqtOut)).equals(Buffer.from(gpsJpg.subarray(dqtIn)))).toBe(true);
		// stripping the fixture gives back exactly what Chromium encoded
		expect(Buffer.from(r.data).equals(Buffer.from(plainJpg))).toBe(true);
		const markers = jpegSegments(r.data).map((s) => s.marker);
		expect(markers[0]).toBe(0xe0);
		expect(markers).toContain(0xe2); // ICC_PROFILE kept
		expect(markers).not.toContain(0xe1);
		expect(markers).not.toContain(0xfe);
		expect(r.data.subarray(-2)).toEqual(new Uint8Array([0xff, 0xd9]));
	});

	it('re-parsing the result finds nothing more to remove (idempotent)', () => {
		const once = ok(stripImageMetadata(gpsJpg));
		const twice = ok(stripImageMetadata(once.data));
		expect(twice.removed).toEqual([]);
		expect(Buffer.from(twice.data).equals(Buffer.from(once.data))).toBe(true);
		expect(ok(stripImageMetadata(plainJpg)).removed).toEqual([]);
	});

	it('keeps a rotated photo upright: a minimal Exif with only Orientation', () => {
		for (const littleEndian of [true, false]) {
			const { head, rest } = split(plainJpg);
			const rotated = concat(head, exifApp1(phoneExif({ orientation: 6, littleEndian })), rest);
			const r = ok(stripImageMetadata(rotated));
			expect(r.orientation).toBe(6);
			expect(r.removed).toContain('gps');
			const app1 = jpegSegments(r.data).filter((s) => s.marker === 0xe1);
			expect(app1).toHaveLength(1);
			const summary = inspectExif((app1[0] as { payload: Uint8Array }).payload.subarray(6));
			expect(summary.orientation).toBe(6);
			expect([...summary.codes]).toEqual([]);
			expect(has(r.data, 'QingfengTestCam')).toBe(false);
			// stripping again keeps the same tiny block and finds only 'exif'
			const again = ok(stripImageMetadata(r.data));
			expect(again.orientation).toBe(6);
			expect(Buffer.from(again.data).equals(Buffer.from(r.data))).toBe(true);
		}
	});

	it('drops a JFIF thumbnail, APP13 IPTC, MPF and data after EOI', () => {
		const { rest } = split(plainJpg);
		const jfifThumb = jpegSegment(
			0xe0,
			concat(ascii('JFIF\0'), new Uint8Array([1, 1, 0, 0, 1, 0, 1, 2, 2]), new Uint8Array(12).fill(0x77))
		);
		const iptc = jpegSegment(0xed, concat(ascii('Photoshop 3.0\0'), ascii('8BIM'), new Uint8Array(8)));
		const mpf = jpegSegment(0xe2, concat(ascii('MPF\0'), new Uint8Array(16)));
		const app5 = jpegSegment(0xe5, ascii('vendor stuff'));
		const input = concat(new Uint8Array([0xff, 0xd8]), jfifThumb, iptc, mpf, app5, rest, ascii('MOTION-PHOTO-VIDEO'));
		const r = ok(stripImageMetadata(input));
		expect(r.removed).toEqual(['thumbnail', 'iptc', 'embedded_data', 'other']);
		const app0 = jpegSegments(r.data)[0] as { marker: number; payload: Uint8Array };
		expect(app0.marker).toBe(0xe0);
		expect(app0.payload.length).toBe(14);
		expect(app0.payload[12]).toBe(0);
		expect(has(r.data, 'MOTION-PHOTO')).toBe(false);
		expect(has(r.data, 'Photoshop')).toBe(false);
		expect(r.data.subarray(-2)).toEqual(new Uint8Array([0xff, 0xd9]));
	});

	it('refuses garbage and truncated headers with unreadable_image, returning the input unchanged', () => {
		const junk = concat(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), ascii('short'));
		const r = stripImageMetadata(junk);
		expect(r.error).toBe('unreadable_image');
		expect(r.data).toBe(junk);
		expect(stripImageMetadata(gpsJpg.subarray(0, 40)).error).toBe('unreadable_image');
		expect(stripImageMetadata(new Uint8Array(0)).error).toBe('unreadable_image');
		expect(stripImageMetadata(ascii('%PDF-1.4')).format).toBeNull();
	});
});

function split(jpg: Uint8Array): { head: Uint8Array; rest: Uint8Array } {
	const at = 4 + (((jpg[4] as number) << 8) | (jpg[5] as number));
	return { head: jpg.subarray(0, at), rest: jpg.subarray(at) };
}

/** PNG chunk types in order. */
function pngTypes(b: Uint8Array): string[] {
	const out: string[] = [];
	let pos = 8;
	while (pos + 12 <= b.length) {
		const L = new DataView(b.buffer, b.byteOffset).getUint32(pos);
		out.push(String.fromCharCode(...b.subarray(pos + 4, pos + 8)));
		pos += 12 + L;
	}
	return out;
}

describe('PNG', () => {
	const ihdrEnd = 8 + 12 + 13;
	const withMeta = concat(
		plainPng.subarray(0, ihdrEnd),
		pngChunk('tEXt', ascii('Author\0Li Si')),
		pngChunk('tEXt', ascii('Creation Time\0Fri, 20 Nov 2026 09:15:42 +0800')),
		pngChunk('iTXt', concat(ascii('XML:com.adobe.xmp\0\0\0\0\0'), ascii('<x:xmpmeta/>'))),
		pngChunk('zTXt', concat(ascii('Comment\0\0'), new Uint8Array([0x78, 0x9c, 3, 0, 0, 0, 0, 1]))),
		pngChunk('eXIf', phoneExif()),
		pngChunk('tIME', new Uint8Array([7, 234, 11, 20, 9, 15, 42])),
		plainPng.subarray(ihdrEnd),
		ascii('TRAILER')
	);

	it('drops tEXt, iTXt, zTXt, eXIf, tIME and a trailer; keeps IHDR, IDAT, IEND byte for byte', () => {
		expect(detectImageFormat(withMeta)).toBe('png');
		const r = ok(stripImageMetadata(withMeta));
		expect(r.removed).toEqual([
			'gps',
			'camera',
			'datetime',
			'software',
			'author',
			'comment',
			'xmp',
			'text',
			'exif',
			'embedded_data'
		]);
		expect(Buffer.from(r.data).equals(Buffer.from(plainPng))).toBe(true);
		expect(pngTypes(r.data)).toEqual(pngTypes(plainPng));
		expect(pngTypes(r.data)).not.toContain('tEXt');
		expect(ok(stripImageMetadata(plainPng)).removed).toEqual([]);
	});

	it('refuses a PNG whose first chunk is not IHDR or whose chunk runs past the end', () => {
		expect(stripImageMetadata(concat(plainPng.subarray(0, 8), pngChunk('tEXt', ascii('a\0b')))).error).toBe(
			'unreadable_image'
		);
		expect(stripImageMetadata(withMeta.subarray(0, 60)).error).toBe('unreadable_image');
	});
});

describe('WebP', () => {
	it('drops EXIF and XMP from a VP8X file, clears the flags and fixes the RIFF size', () => {
		// plain.webp from Chromium is VP8X (ICC flag) + ICCP + VP8
		expect(String.fromCharCode(...plainWebp.subarray(12, 16))).toBe('VP8X');
		const chunks: Uint8Array[] = [];
		let pos = 12;
		while (pos < plainWebp.length) {
			const size = new DataView(plainWebp.buffer, plainWebp.byteOffset).getUint32(pos + 4, true);
			chunks.push(plainWebp.subarray(pos, pos + 8 + size + (size % 2)));
			pos += 8 + size + (size % 2);
		}
		const head = (chunks[0] as Uint8Array).slice();
		head[8] = (head[8] as number) | 0x08 | 0x04;
		const input = webpFile(
			head,
			...chunks.slice(1),
			riffChunk('EXIF', concat(ascii('Exif\0\0'), phoneExif())),
			riffChunk('XMP ', ascii('<x:xmpmeta>odd</x:xmpmeta>'))
		);
		const r = ok(stripImageMetadata(input));
		expect(r.format).toBe('webp');
		expect(r.removed).toEqual(['gps', 'camera', 'datetime', 'software', 'comment', 'xmp', 'exif']);
		expect(Buffer.from(r.data).equals(Buffer.from(plainWebp))).toBe(true);
		const riff = new DataView(r.data.buffer, r.data.byteOffset).getUint32(4, true);
		expect(riff).toBe(r.data.length - 8);
		expect((r.data[20] as number) & 0x0c).toBe(0);
	});

	it('leaves a simple VP8L file alone and drops a trailer', () => {
		const simple = webpFile(riffChunk('VP8L', new Uint8Array([0x2f, 1, 2, 3, 4])));
		expect(ok(stripImageMetadata(simple)).data).toEqual(simple);
		const trailed = concat(simple, ascii('XX'));
		const r = ok(stripImageMetadata(trailed));
		expect(r.removed).toEqual(['embedded_data']);
		expect(r.data).toEqual(simple);
	});

	it('refuses a RIFF size past the end and a first chunk that is not VP8/VP8L/VP8X', () => {
		expect(stripImageMetadata(plainWebp.subarray(0, plainWebp.length - 10)).error).toBe('unreadable_image');
		expect(stripImageMetadata(webpFile(riffChunk('EXIF', phoneExif()))).error).toBe('unreadable_image');
		expect(stripImageMetadata(webpFile(vp8x(0, 1, 1), riffChunk('VP8L', new Uint8Array(4)))).error).toBeNull();
	});
});

describe('Exif reader', () => {
	it('says nothing about a TIFF without personal tags and survives loops and bad offsets', () => {
		const bare = buildTiff({ ifd0: [{ tag: 0x011a, type: SHORT, value: [72] }] });
		expect([...inspectExif(bare).codes]).toEqual([]);
		// IFD0's next pointer pointing at itself
		const loop = buildTiff({ ifd0: [{ tag: 0x010f, type: ASCII, value: 'Cam' }] });
		new DataView(loop.buffer).setUint32(8 + 2 + 12, 8, true);
		expect([...inspectExif(loop).codes]).toEqual(['camera']);
		const broken = phoneExif().slice(0, 30);
		expect(() => inspectExif(broken)).not.toThrow();
	});
});

describe('types and warnings', () => {
	it('warns for documents, video, audio and unknown types, not for stripped images or plain text', () => {
		for (const t of [
			'application/pdf',
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
			'application/msword',
			'video/mp4',
			'audio/mpeg',
			'image/heic',
			'image/gif',
			'application/zip',
			''
		]) {
			expect(metadataWarning(t), t).toBe(true);
		}
		for (const t of ['image/jpeg', 'image/png', 'image/webp', 'IMAGE/JPEG', 'text/plain; charset=utf-8'])
			expect(metadataWarning(t), t).toBe(false);
		expect(canStrip('image/jpeg')).toBe(true);
		expect(canStrip('application/pdf')).toBe(false);
	});

	it('sample.pdf carries an Author and Title (the reason for the warning) and is not an image', () => {
		const pdf = fixture('sample.pdf');
		expect(has(pdf, '/Author (Zhang San')).toBe(true);
		expect(has(pdf, '/Title (')).toBe(true);
		expect(stripImageMetadata(pdf)).toMatchObject({ error: 'unreadable_image', format: null });
	});

	it('stripFileMetadata reads a Blob', async () => {
		const r = await stripFileMetadata(new Blob([gpsJpg as BlobPart], { type: 'image/jpeg' }));
		expect(r.removed).toContain('gps');
	});
});

describe('never throws (fast-check)', () => {
	it('on random bytes, with or without an image signature', () => {
		const prefixes = [
			new Uint8Array(0),
			new Uint8Array([0xff, 0xd8, 0xff]),
			plainPng.subarray(0, 8),
			ascii('RIFF\x10\0\0\0WEBPVP8X')
		];
		fc.assert(
			fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), (prefix, body) => {
				const r = stripImageMetadata(concat(prefix, body));
				expect(r.error === null || r.error === 'unreadable_image').toBe(true);
			}),
			{ numRuns: 2000 }
		);
	});

	it('on mutated fixtures (byte flips, truncation, insertion)', () => {
		const inputs = [gpsJpg, plainPng, plainWebp];
		fc.assert(
			fc.property(
				fc.constantFrom(...inputs),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
				fc.nat(),
				fc.uint8Array({ maxLength: 16 }),
				(input, flips, cut, insert) => {
					const m = input.slice();
					for (const [at, v] of flips) m[at % m.length] = v;
					const at = cut % (m.length + 1);
					const mutated = concat(m.subarray(0, at), insert, m.subarray(at, m.length - (cut % 7)));
					const r = stripImageMetadata(mutated);
					if (r.error === null) {
						// whatever it produced must parse again without error
						expect(stripImageMetadata(r.data).error).toBeNull();
					}
				}
			),
			{ numRuns: 1500 }
		);
	});
});
