/**
 * How the embedded PGlite passes bytea (issue 20). Its own conversion goes byte by byte through JavaScript
 * strings (`Array.from(bytes).map(b => b.toString(16)…)` out, `parseInt` per pair in): with a report's 30-odd
 * KiB of ciphertext that was a third of the server's time per report under intake on PGlite.
 * - Parameters: the bytes themselves. PGlite's Bind sends a byte array as a binary parameter (format 1), which
 *   PostgreSQL's bytea receive function copies as is: no hex text on either side.
 * - Results: PostgreSQL's hex text (`\x…`, the default bytea_output) decoded by Node's native hex codec into a
 *   new Uint8Array of its own.
 * - bytea[] parameters: elements as hex text inside the array literal, as PGlite did (an array goes as text).
 */
import { PGlite, types, type PGliteOptions } from '@electric-sql/pglite';

/** PostgreSQL's type ids of bytea and bytea[]. */
const BYTEA = 17;
const BYTEA_ARRAY = 1001;

/** A bytea parameter as PGlite's Bind sends it in binary: the bytes (anything else is refused, as PGlite does). */
export function byteaParam(value: unknown): Uint8Array {
	if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
	return value;
}

/** PostgreSQL's hex output `\x0a1b…` as a new Uint8Array of its own (not a view on Node's shared pool). */
export function byteaFromText(text: string): Uint8Array {
	const out = new Uint8Array((text.length - 2) >>> 1);
	Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(text.slice(2), 'hex');
	return out;
}

/** A byte string as PostgreSQL's hex input text, `\x0a1b…` (inside bytea[] literals). */
export function byteaHex(value: unknown): string {
	const b = byteaParam(value);
	return '\\x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** The options every PGlite of the app (and its tests and benchmarks) is opened with; see {@link createPglite}. */
const pgliteTypes: Pick<PGliteOptions, 'parsers' | 'serializers'> = {
	// PGlite types serializers as returning text; a byte array is what its Bind sends in binary.
	serializers: { [BYTEA]: byteaParam as unknown as (x: unknown) => string },
	parsers: { [BYTEA]: (text: string) => byteaFromText(text) }
};

/**
 * Opens a PGlite with {@link pgliteTypes}. PGlite makes its array serializers from the element's when it
 * opens, which would put raw bytes into a bytea[] literal: bytea[] gets hex elements instead.
 */
export async function createPglite(dataDir: string, options: PGliteOptions = {}): Promise<PGlite> {
	const client = await PGlite.create(dataDir, { ...options, ...pgliteTypes });
	client.serializers[BYTEA_ARRAY] = (value: unknown) => types.arraySerializer(value, byteaHex, BYTEA_ARRAY);
	return client;
}
