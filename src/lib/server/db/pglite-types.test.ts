import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { byteaFromText, byteaToText, pgliteTypes } from './pglite-types';

describe('PGlite bytea conversion', () => {
	it('writes and reads the same text as PGlite’s own conversion', () => {
		const bytes = new Uint8Array([0, 1, 15, 16, 127, 128, 254, 255]);
		expect(byteaToText(bytes)).toBe('\\x00010f107f80feff');
		expect(Array.from(byteaFromText('\\x00010f107f80feff'))).toEqual(Array.from(bytes));
		expect(byteaToText(new Uint8Array())).toBe('\\x');
		expect(byteaFromText('\\x')).toEqual(new Uint8Array());
	});

	it('takes a view at an offset without its neighbours, and reads into a buffer of its own', () => {
		const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
		expect(byteaToText(big.subarray(2, 5))).toBe('\\x010203');
		const read = byteaFromText('\\x0a0b');
		expect(read.byteOffset).toBe(0);
		expect(read.buffer.byteLength).toBe(2);
	});

	it('refuses what is not bytes, as PGlite does', () => {
		expect(() => byteaToText('abc')).toThrow('Invalid input for bytea type');
	});

	it('round-trips random bytes through a PGlite opened with it, byte for byte', async () => {
		const pg = await PGlite.create('memory://', pgliteTypes);
		try {
			const sizes = [0, 1, 255, 4096, 40_000];
			for (const n of sizes) {
				const value = new Uint8Array(n).map((_, i) => (i * 151 + n) & 0xff);
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
});
