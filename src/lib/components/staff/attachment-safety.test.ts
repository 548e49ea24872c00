import { describe, expect, it } from 'vitest';
import { asPlainText, DOWNLOAD_TYPE, safeFileName, safeView, sniffImage } from './attachment-safety';

const enc = (s: string) => new TextEncoder().encode(s);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const WEBP = enc('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ');
const GIF = enc('GIF89a\u0001\u0000');

describe('safeView: what a decrypted attachment may become in the back office', () => {
	it('downloads an HTML page disguised as a PDF (header type application/pdf) and never previews it', () => {
		const html = enc('<!doctype html><html><body><script>parent.pwned=1</script></body></html>');
		expect(safeView(html, 'application/pdf', 'scan.pdf')).toEqual({ kind: 'download' });
		// Also when the header claims an image or text/html: the bytes decide.
		expect(safeView(html, 'image/png', 'scan.png')).toEqual({ kind: 'download' });
		expect(safeView(html, 'text/html', 'scan.html')).toEqual({ kind: 'download' });
	});

	it('downloads an SVG with script even when the header says image/svg+xml', () => {
		const svg = enc('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
		expect(sniffImage(svg)).toBeNull();
		expect(safeView(svg, 'image/svg+xml', 'photo.svg')).toEqual({ kind: 'download' });
		expect(safeView(svg, 'image/png', 'photo.png')).toEqual({ kind: 'download' });
	});

	it('downloads a real PDF (PDFs are never rendered on the staff origin)', () => {
		expect(safeView(enc('%PDF-1.7\n1 0 obj'), 'application/pdf', 'a.pdf')).toEqual({ kind: 'download' });
	});

	it('previews images by the type their bytes show, not the header type', () => {
		expect(safeView(PNG, 'application/pdf', 'x.pdf')).toEqual({ kind: 'image', type: 'image/png' });
		expect(safeView(JPEG, 'image/png', 'x.png')).toEqual({ kind: 'image', type: 'image/jpeg' });
		expect(safeView(WEBP, '', 'x')).toEqual({ kind: 'image', type: 'image/webp' });
		expect(safeView(GIF, 'text/html', 'x.html')).toEqual({ kind: 'image', type: 'image/gif' });
	});

	it('shows plain text as text, but not text with control bytes or invalid UTF-8', () => {
		expect(safeView(enc('证据：采购合同\n第二行'), 'text/plain', 'e.txt')).toEqual({
			kind: 'text',
			text: '证据：采购合同\n第二行'
		});
		expect(safeView(enc('<script>alert(1)</script>'), 'text/plain', 'e.txt')).toEqual({
			kind: 'text',
			text: '<script>alert(1)</script>'
		});
		expect(asPlainText(new Uint8Array([0x41, 0x00, 0x42]))).toBeNull();
		expect(asPlainText(new Uint8Array([0xc3, 0x28]))).toBeNull();
		expect(safeView(new Uint8Array([0xc3, 0x28]), 'text/plain', 'e.txt')).toEqual({ kind: 'download' });
		// Text is shown only when text was meant: an HTML file is not shown even as text.
		expect(safeView(enc('<b>hi</b>'), 'text/html', 'e.html')).toEqual({ kind: 'download' });
	});

	it('saves everything as application/octet-stream', () => {
		expect(DOWNLOAD_TYPE).toBe('application/octet-stream');
	});
});

describe('safeFileName: the name shown is the name saved', () => {
	it('removes the bidi override that makes "scan\\u202Egnp.exe" look like "scanexe.png"', () => {
		expect(safeFileName('scan\u202Egnp.exe', 'f')).toBe('scangnp.exe');
		expect(safeFileName('a\u2066b\u2069\u200e\u200f\u061c.txt', 'f')).toBe('ab.txt');
	});

	it('keeps only the last path segment', () => {
		expect(safeFileName('../../x', 'f')).toBe('x');
		expect(safeFileName('..\\..\\windows\\system32\\evil.dll', 'f')).toBe('evil.dll');
		expect(safeFileName('/etc/passwd', 'f')).toBe('passwd');
		expect(safeFileName('../..', 'fallback-id')).toBe('fallback-id');
	});

	it('removes control characters and reserved characters, leading dots and blanks', () => {
		expect(safeFileName('a\u0000b\nc\r\td\u007f\u0085.txt', 'f')).toBe('abcd.txt');
		expect(safeFileName('  ..hidden  ', 'f')).toBe('hidden');
		expect(safeFileName('a<b>:c"|?*.txt', 'f')).toBe('a_b__c____.txt');
		expect(safeFileName('', 'id-1')).toBe('id-1');
		expect(safeFileName(null, '')).toBe('file');
	});

	it('keeps Chinese names and caps long names, the extension kept', () => {
		expect(safeFileName('采购合同 扫描件.jpg', 'f')).toBe('采购合同 扫描件.jpg');
		const long = safeFileName(`${'证'.repeat(300)}.jpg`, 'f');
		expect([...long].length).toBe(120);
		expect(long.endsWith('.jpg')).toBe(true);
	});
});
