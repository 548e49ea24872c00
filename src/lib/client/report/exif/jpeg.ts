/** JPEG: metadata segments left out, coding segments and scan data copied (rules in ./index.ts). */
import type { MetadataCode } from '../../../shared/vocabulary/report';
import { concat, startsWith, Unreadable } from './bytes';
import { inspectExif, orientationApp1 } from './tiff';

export function stripJpeg(b: Uint8Array): { data: Uint8Array; codes: Set<MetadataCode>; orientation: number | null } {
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
