import { describe, expect, it } from 'vitest';
import { byteaFromText, byteaHex, byteaParam, createPglite } from './pglite-types';

describe('PGlite bytea conversion', () => {
	it('reads PostgreSQL’s hex output into a Uint8Array of its own', () => {
		expect(Array.from(byteaFromText('\\x00010f107f80feff'))).toEqual([0, 1, 15, 16, 127, 128, 254, 255]);
		expect(byteaFromText('\\x')).toEqual(new Uint8Array());
		const read = byteaFromText('\\x0a0b');
		expect(read.byteOffset).toBe(0);
		expect(read.buffer.byteLength).toBe(2);
	});

	it('passes bytes as they are and refuses what is not bytes, as PGlite does', () => {
		const b = new Uint8Array([1, 2, 3]);
		expect(byteaParam(b)).toBe(b);
		expect(() => byteaParam('abc')).toThrow('Invalid input for bytea type');
		expect(byteaHex(new Uint8Array([9, 9, 1, 255]).subarray(2))).toBe('\\x01ff');
	});

	it('round-trips random bytes through a PGlite opened with it, byte for byte', async () => {
		const pg = await createPglite('memory://');
		try {
			const sizes = [0, 1, 255, 4096, 40_000];
			for (const n of sizes) {
				// A view at an offset inside a larger buffer: only its own bytes go.
				const whole = new Uint8Array(n + 7).map((_, i) => (i * 151 + n) & 0xff);
				const value = whole.subarray(3, 3 + n);
				const { rows } = await pg.query<{ b: Uint8Array; len: number; md5: string }>(
					'select $1::bytea as b, length($1::bytea) as len, md5($1::bytea) as md5',
					[value]
				);
				expect(rows[0]!.len).toBe(n);
				expect(rows[0]!.b).toBeInstanceOf(Uint8Array);
				expect(Array.from(rows[0]!.b)).toEqual(Array.from(value));
				expect(rows[0]!.md5).toBe((await import('node:crypto')).createHash('md5').update(value).digest('hex'));
			}
		} finally {
			await pg.close();
		}
	});

	it('takes bytea[] parameters (hex elements in the array literal) and reads them back', async () => {
		const pg = await createPglite('memory://');
		try {
			const items = [new Uint8Array([1, 2]), new Uint8Array(), new Uint8Array([255]).subarray(0, 1)];
			const { rows } = await pg.query<{ a: Uint8Array[]; n: number }>(
				'select $1::bytea[] as a, cardinality($1::bytea[]) as n',
				[items]
			);
			expect(rows[0]!.n).toBe(3);
			expect(rows[0]!.a.map((x) => Array.from(x))).toEqual([[1, 2], [], [255]]);
		} finally {
			await pg.close();
		}
	});
});
