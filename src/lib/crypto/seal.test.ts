import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CryptoAuthError } from './errors';
import { generateReportKey, unwrapKey, wrapKey } from './keys';
import { SEALED_KEY_LENGTH, generateBoxKeyPair, openSealedKey, sealKey } from './seal';
import { expectCryptoError } from '$support/crypto';

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

	it('property: any flipped byte is refused', () => {
		const sealed = sealKey(generateReportKey(), alice.publicKey);
		fc.assert(
			fc.property(fc.integer({ min: 0, max: SEALED_KEY_LENGTH - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
				const bad = sealed.slice();
				bad[at] = (bad[at] as number) ^ x;
				expectCryptoError(() => openSealedKey(bad, alice));
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
