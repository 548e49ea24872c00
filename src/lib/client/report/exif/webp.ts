/** WebP: EXIF and XMP chunks left out of an extended file, flags and RIFF size fixed (rules in ./index.ts). */
import type { MetadataCode } from '../../../shared/vocabulary/report';
import { ascii, concat, startsWith, Unreadable } from './bytes';
import { inspectExif } from './tiff';

const WEBP_KNOWN = new Set(['VP8X', 'ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L']);

function u32le(b: Uint8Array, o: number): number {
	return (
		((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0
	);
}

export function stripWebp(b: Uint8Array): { data: Uint8Array; codes: Set<MetadataCode> } {
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
