import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CryptoAuthError } from './errors';
import { generateReportKey, unwrapKey, wrapKey } from './keys';
import { SEALED_KEY_LENGTH, generateBoxKeyPair, openSealedKey, sealKey } from './seal';
import { naclSuite } from './nacl-suite';
import { gmSuite } from './gm/suite';
import { expectCryptoError } from '$support/crypto';

const SUITES = [naclSuite, gmSuite];

describe('sealed report keys', () => {
	const alice = generateBoxKeyPair();
	const bob = generateBoxKeyPair();

	it('round-trips, and each seal differs (fresh ephemeral key)', () => {
		const key = generateReportKey();
		const a = sealKey(key, alice.publicKey);
		const b = sealKey(key, alice.publicKey);
		expect(a.length).toBe(SEALED_KEY_LENGTH);
		expect(a).not.toEqual(b);
		expect(openSealedKey(a, alice)).toEqual(key);
		expect(openSealedKey(b, alice)).toEqual(key);
	});

	it('refuses the wrong recipient, a mismatched keypair, and bad framing', () => {
		const sealed = sealKey(generateReportKey(), alice.publicKey);
		expect(expectCryptoError(() => openSealedKey(sealed, bob), 'DECRYPT_FAILED')).toBeInstanceOf(CryptoAuthError);
		expectCryptoError(
			() => openSealedKey(sealed, { publicKey: bob.publicKey, secretKey: alice.secretKey }),
			'KEY_MISMATCH'
		);
		expectCryptoError(() => openSealedKey(sealed.subarray(0, 81), alice), 'BAD_LENGTH');
		const v = sealed.slice();
		v[0] = 0;
		expectCryptoError(() => openSealedKey(v, alice), 'UNSUPPORTED_VERSION');
		expectCryptoError(() => sealKey(generateReportKey(), new Uint8Array(31)), 'BAD_LENGTH');
	});

	it.each(SUITES)('property ($id suite): any flipped byte or truncation is refused, and another recipient', (suite) => {
		const me = suite.generateBoxKeyPair();
		const other = suite.generateBoxKeyPair();
		const key = generateReportKey();
		const sealed = suite.sealKey(key, me.publicKey);
		expect(suite.openSealedKey(sealed, me)).toEqual(key);
		expectCryptoError(() => suite.openSealedKey(sealed, other), 'DECRYPT_FAILED');
		expectCryptoError(
			() => suite.openSealedKey(sealed, { publicKey: other.publicKey, secretKey: me.secretKey }),
			'KEY_MISMATCH'
		);
		fc.assert(
			fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, x) => {
				const at = pos % sealed.length;
				const bad = sealed.slice();
				bad[at] = (bad[at] as number) ^ x;
				expectCryptoError(() => suite.openSealedKey(bad, me));
				expectCryptoError(() => suite.openSealedKey(sealed.subarray(0, at), me));
			}),
			{ numRuns: 150 }
		);
	});

	it.each(SUITES)('property ($id suite): wrapped keys refuse any flipped byte, truncation or wrong KEK', (suite) => {
		const key = generateReportKey();
		const kek = generateReportKey();
		const w = suite.wrapKey(key, kek);
		expect(suite.unwrapKey(w, kek)).toEqual(key);
		expectCryptoError(() => suite.unwrapKey(w, generateReportKey()), 'DECRYPT_FAILED');
		fc.assert(
			fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, x) => {
				const at = pos % w.length;
				const bad = w.slice();
				bad[at] = (bad[at] as number) ^ x;
				expectCryptoError(() => suite.unwrapKey(bad, kek));
				expectCryptoError(() => suite.unwrapKey(w.subarray(0, at), kek), 'BAD_LENGTH');
			}),
			{ numRuns: 150 }
		);
	});

	it('wrapped keys: round trip, wrong KEK, flipped byte', () => {
		const key = generateReportKey();
		const kek = generateReportKey();
		const w = wrapKey(key, kek);
		expect(unwrapKey(w, kek)).toEqual(key);
		expectCryptoError(() => unwrapKey(w, generateReportKey()), 'DECRYPT_FAILED');
		const bad = w.slice();
		bad[40] = (bad[40] as number) ^ 1;
		expectCryptoError(() => unwrapKey(bad, kek), 'DECRYPT_FAILED');
		expectCryptoError(() => unwrapKey(w.subarray(0, 73), kek), 'BAD_LENGTH');
		bad[1] = 0x53;
		expectCryptoError(() => unwrapKey(bad, kek), 'WRONG_KIND');
	});
});
