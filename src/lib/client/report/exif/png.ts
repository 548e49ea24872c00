/** PNG: text, Exif and time chunks left out, every other chunk copied (rules in ./index.ts). */
import type { MetadataCode } from '../../../shared/vocabulary/report';
import { ascii, concat, Unreadable } from './bytes';
import { inspectExif } from './tiff';

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

export function stripPng(b: Uint8Array): { data: Uint8Array; codes: Set<MetadataCode> } {
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
