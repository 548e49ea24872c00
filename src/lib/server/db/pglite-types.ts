/**
 * How the embedded PGlite turns bytea into query text and back (issue 20). Its own conversion goes byte by
 * byte through JavaScript strings (`Array.from(bytes).map(b => b.toString(16)…)` out, `parseInt` per pair
 * in): with a report's 30-odd KiB of ciphertext that was a third of the server's time per report under
 * intake on PGlite. Node's native hex codec does the same conversion; the text PostgreSQL receives and sends
 * (`\x` and lower-case hex, the default bytea_output) is the same.
 */
import type { PGliteOptions } from '@electric-sql/pglite';

/** PostgreSQL's type id of bytea. */
const BYTEA = 17;

/** A byte string as PostgreSQL's hex input, `\x0a1b…`. */
export function byteaToText(value: unknown): string {
	if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
	return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

/** PostgreSQL's hex output `\x0a1b…` as a new Uint8Array of its own (not a view on Node's shared pool). */
export function byteaFromText(text: string): Uint8Array {
	const out = new Uint8Array((text.length - 2) >>> 1);
	Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(text.slice(2), 'hex');
	return out;
}

/** The options every PGlite of the app (and its tests and benchmarks) is opened with. */
export const pgliteTypes: Pick<PGliteOptions, 'parsers' | 'serializers'> = {
	serializers: { [BYTEA]: byteaToText },
	parsers: { [BYTEA]: (text: string) => byteaFromText(text) }
};
