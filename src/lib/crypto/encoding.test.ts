import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCrockford, encodeCrockford, fromHex, fromUtf8, group, normalizeCrockford } from './encoding';
import { attachmentBucket, contentBucket } from './padding';
import { ByteReader } from './format';
import { expectCryptoError } from '$support/crypto';

describe('encoding', () => {
	it('Crockford base32 round-trips any bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
				expect(decodeCrockford(encodeCrockford(b), b.length)).toEqual(b);
			})
		);
	});

	it('normalizes case, separators and look-alikes', () => {
		expect(normalizeCrockford(' ab-cd ef_o i l ')).toBe('ABCDEF011');
		expect(normalizeCrockford('ＡＢ１２')).toBe('AB12');
		expectCryptoError(() => normalizeCrockford('ABU'), 'MALFORMED');
		expectCryptoError(() => normalizeCrockford('A!'), 'MALFORMED');
		expect(group('ABCDEFGHJK', 4)).toBe('ABCD-EFGH-JK');
	});

	it('refuses bad lengths, padding bits, hex and UTF-8', () => {
		expectCryptoError(() => decodeCrockford('ABC', 1), 'BAD_LENGTH');
		expectCryptoError(() => decodeCrockford('01', 1), 'MALFORMED');
		expectCryptoError(() => fromHex('zz'), 'MALFORMED');
		expectCryptoError(() => fromUtf8(new Uint8Array([0xff])), 'MALFORMED');
		expectCryptoError(() => new ByteReader(new Uint8Array(3), 'x').u32(), 'BAD_LENGTH');
	});
});

describe('padding buckets', () => {
	it('content: powers of two from 1 KiB to 1 MiB', () => {
		expect([0, 1024, 1025, 5000, 1048576].map(contentBucket)).toEqual([1024, 1024, 2048, 8192, 1048576]);
		expectCryptoError(() => contentBucket(1048577), 'TOO_LARGE');
	});

	it('attachments: powers of two to 1 MiB, then Padmé with overhead under 1/32', () => {
		expect(attachmentBucket(3000)).toBe(4096);
		expect(attachmentBucket(1048576)).toBe(1048576);
		fc.assert(
			fc.property(fc.integer({ min: 1048577, max: 2 ** 40 }), (n) => {
				const b = attachmentBucket(n);
				expect(b).toBeGreaterThanOrEqual(n);
				expect((b - n) / n).toBeLessThan(1 / 32);
				expect(attachmentBucket(b)).toBe(b);
			})
		);
	});
});
