import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	CONTENT_OVERHEAD,
	MAX_CONTENT_LENGTH,
	contentCiphertextLength,
	decryptContent,
	encryptContent
} from './content';
import { bytesEqual, fromUtf8, utf8 } from './encoding';
import { generateReportKey } from './keys';
import { expectCryptoError, pseudoRandomBytes } from '$support/crypto';
import { naclSuite } from './nacl-suite';
import { gmSuite } from './gm/suite';

const SUITES = [naclSuite, gmSuite];

const KEY = generateReportKey();

describe('report content', () => {
	it('round-trips a UTF-8 JSON payload and pads to 1 KiB', () => {
		const json = JSON.stringify({ target: '某局长', text: '收受礼金 ¥20,000 …' });
		const blob = encryptContent(KEY, utf8(json));
		expect(blob.length).toBe(CONTENT_OVERHEAD + 1024);
		expect(fromUtf8(decryptContent(KEY, blob))).toBe(json);
	});

	it('property: decrypt(encrypt(x)) == x, sizes bucketed, 0 bytes to 1 MiB', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: MAX_CONTENT_LENGTH }), fc.integer(), (size, seed) => {
				const data = pseudoRandomBytes(size, seed);
				const blob = encryptContent(KEY, data);
				expect(blob.length).toBe(contentCiphertextLength(size));
				const n = blob.length - CONTENT_OVERHEAD;
				expect(n & (n - 1)).toBe(0);
				expect(bytesEqual(decryptContent(KEY, blob), data)).toBe(true);
			}),
			{ numRuns: 30 }
		);
	});

	it.each(SUITES)('property ($id suite): round trip; any flipped byte, truncation or wrong key is refused', (suite) => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, pos, x) => {
				const blob = suite.encryptContent(KEY, data);
				expect(bytesEqual(suite.decryptContent(KEY, blob), data)).toBe(true);
				expectCryptoError(() => suite.decryptContent(generateReportKey(), blob), 'DECRYPT_FAILED');
				expectCryptoError(() => suite.decryptContent(KEY, blob.subarray(0, pos % blob.length)));
				const at = pos % blob.length;
				blob[at] = (blob[at] as number) ^ x;
				expectCryptoError(() => suite.decryptContent(KEY, blob));
			}),
			{ numRuns: 200 }
		);
	});

	it('refuses wrong key, truncation, appended bytes, unknown version, too-large content', () => {
		const blob = encryptContent(KEY, utf8('hello'));
		expectCryptoError(() => decryptContent(generateReportKey(), blob), 'DECRYPT_FAILED');
		expectCryptoError(() => decryptContent(KEY, blob.subarray(0, blob.length - 1)), 'BAD_LENGTH');
		expectCryptoError(() => decryptContent(KEY, new Uint8Array([...blob, 0])), 'BAD_LENGTH');
		const v9 = blob.slice();
		v9[0] = 9;
		expectCryptoError(() => decryptContent(KEY, v9), 'UNSUPPORTED_VERSION');
		expectCryptoError(() => decryptContent(KEY, new Uint8Array(1)), 'BAD_LENGTH');
		expectCryptoError(() => encryptContent(KEY, new Uint8Array(MAX_CONTENT_LENGTH + 1)), 'TOO_LARGE');
		expectCryptoError(() => encryptContent(new Uint8Array(31), utf8('x')), 'BAD_LENGTH');
	});
});
