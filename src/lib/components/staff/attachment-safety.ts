/**
 * What the back office may do with a decrypted attachment (issue 16, "safe attachments"). The type and name
 * inside the encrypted header were chosen by whoever submitted the report, so neither is trusted:
 * - an image is previewed only when its first bytes are those of PNG, JPEG, GIF or WebP (never SVG, which
 *   can carry script), and the preview Blob gets the type the bytes show, not the header's;
 * - text is shown as text (a Svelte text node, never HTML) when it decodes as UTF-8 without control bytes;
 * - everything else, PDFs included, is only downloaded, as application/octet-stream, so the browser never
 *   renders it on the staff origin;
 * - the file name is cleaned of paths, control and bidi characters, and the cleaned name is both the name
 *   shown and the name saved.
 */

export type SafeImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export type SafeView = { kind: 'image'; type: SafeImageType } | { kind: 'text'; text: string } | { kind: 'download' };

/** The type under which every attachment is saved. */
export const DOWNLOAD_TYPE = 'application/octet-stream';

/** Longest text shown inline (longer text is downloaded instead). */
export const TEXT_PREVIEW_MAX_BYTES = 256 * 1024;

const MAX_NAME_CHARS = 120;

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean =>
	b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

/** The image type the bytes themselves show, or null (SVG and anything else are never images here). */
export function sniffImage(b: Uint8Array): SafeImageType | null {
	if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
	if (startsWith(b, [0x47, 0x49, 0x46, 0x38, 0x37, 0x61]) || startsWith(b, [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))
		return 'image/gif';
	if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
	return null;
}

/** The text of `b` when it is plain UTF-8 text (tabs and line breaks allowed, no other control bytes). */
export function asPlainText(b: Uint8Array): string | null {
	if (b.length > TEXT_PREVIEW_MAX_BYTES) return null;
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);
	} catch {
		return null;
	}
	// eslint-disable-next-line no-control-regex
	return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}

/** How an attachment may be viewed, from its bytes (the header's type only says whether text is meant). */
export function safeView(bytes: Uint8Array, headerType: string, name: string): SafeView {
	const image = sniffImage(bytes);
	if (image) return { kind: 'image', type: image };
	const wantsText = /^text\/plain\b/i.test(headerType.trim()) || /\.(txt|text|log|csv)$/i.test(name);
	if (wantsText) {
		const text = asPlainText(bytes);
		if (text !== null) return { kind: 'text', text };
	}
	return { kind: 'download' };
}

/** Control characters, bidi controls and other invisible format characters, removed from names. */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
/** Characters that are not allowed in a file name on at least one common system. */
const RESERVED_CHARS = /[<>:"|?*]/g;

/**
 * A file name that is safe to show and to save: the last path segment only, without control, bidi or
 * reserved characters, no leading dots, at most 120 characters (the extension kept). `fallback` when
 * nothing is left.
 */
export function safeFileName(raw: string | null | undefined, fallback: string): string {
	let name = (raw ?? '').normalize('NFC').replace(UNSAFE_CHARS, '');
	name = name.split(/[/\\]/).pop() ?? '';
	name = name.replace(RESERVED_CHARS, '_').replace(/\s+/g, ' ').trim();
	name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
	if ([...name].length > MAX_NAME_CHARS) {
		const chars = [...name];
		const dot = name.lastIndexOf('.');
		const ext = dot > 0 ? [...name.slice(dot)] : [];
		name =
			ext.length > 0 && ext.length <= 16
				? chars.slice(0, MAX_NAME_CHARS - ext.length).join('') + ext.join('')
				: chars.slice(0, MAX_NAME_CHARS).join('');
	}
	if (name === '') return safeFileName(fallback, 'file');
	return name;
}
