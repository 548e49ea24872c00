/** Byte helpers of the image parsers (./jpeg.ts, ./png.ts, ./webp.ts). */

export function ascii(b: Uint8Array, at: number, n: number): string {
	let s = '';
	for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i] as number);
	return s;
}

export function startsWith(b: Uint8Array, prefix: string): boolean {
	if (b.length < prefix.length) return false;
	for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix.charCodeAt(i)) return false;
	return true;
}

export function concat(parts: Uint8Array[]): Uint8Array {
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

/** Thrown inside the parsers for malformed input; never escapes `stripImageMetadata` (./index.ts). */
export class Unreadable extends Error {}
