import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CROCKFORD_ALPHABET } from './encoding';
import { RECEIPT_KDF, TEST_ONLY_CHEAP_KDF, isProductionParams } from './kdf';
import { decodeKdfSpec } from './kdf-spec';
import { generateReportKey } from './keys';
import {
	createReceipt,
	deriveReceiptKeys,
	formatLocator,
	formatReceiptSecret,
	generateLocator,
	generateReceiptSecret,
	openReceiptWrappedKey,
	parseLocator,
	parseReceiptSecret,
	receiptAuthHash
} from './receipt';
import { expectCryptoError, expectCryptoErrorAsync } from '$support/crypto';

describe('receipts', () => {
	it('locators and secrets have the documented shape and ≥ 53 bits', () => {
		const loc = generateLocator();
		expect(loc).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
		expect(formatLocator(loc)).toMatch(/^.{5}-.{5}$/);
		const secret = generateReceiptSecret();
		expect(secret).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
		expect(formatReceiptSecret(secret)).toMatch(/^.{4}-.{4}-.{4}$/);
		expect(11 * Math.log2(CROCKFORD_ALPHABET.length)).toBeGreaterThanOrEqual(53);
	});

	it('parsing forgives case, spaces, dashes and look-alikes; catches typos', () => {
		const secret = generateReceiptSecret();
		const typed = ` ${formatReceiptSecret(secret).toLowerCase().replaceAll('-', ' ')} `;
		expect(parseReceiptSecret(typed)).toBe(secret);
		expect(parseReceiptSecret(secret.replaceAll('0', 'o').replaceAll('1', 'l'))).toBe(secret);
		expect(parseLocator('abcde-fghjk')).toBe('ABCDEFGHJK');
		expectCryptoError(() => parseLocator('ABCDE'), 'BAD_LENGTH');
		expectCryptoError(() => parseReceiptSecret(secret.slice(0, 11)), 'BAD_LENGTH');
		expectCryptoError(() => parseReceiptSecret(secret + 'U'), 'MALFORMED');
	});

	it('property: the check character catches most single-character typos', () => {
		let caught = 0;
		const runs = 300;
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 31 }), (pos, delta) => {
				const secret = generateReceiptSecret();
				const v = CROCKFORD_ALPHABET.indexOf(secret[pos] as string);
				const typo = secret.slice(0, pos) + CROCKFORD_ALPHABET[(v + delta) % 32] + secret.slice(pos + 1);
				try {
					parseReceiptSecret(typo);
				} catch {
					caught++;
				}
			}),
			{ numRuns: runs }
		);
		expect(caught / runs).toBeGreaterThan(0.85); // expected 31/32
	});

	it('creates a receipt and reopens the report key (cheap params)', async () => {
		const reportKey = generateReportKey();
		const r = await createReceipt(reportKey, TEST_ONLY_CHEAP_KDF);
		const spec = decodeKdfSpec(r.kdfSpec);
		const keys = await deriveReceiptKeys(formatReceiptSecret(r.secret).toLowerCase(), spec);
		expect(keys.authKey).toEqual(r.authKey);
		expect(receiptAuthHash(keys.authKey)).toEqual(r.authHash);
		expect(openReceiptWrappedKey(r.wrappedReportKey, keys)).toEqual(reportKey);
		expect(keys.authKey).not.toEqual(keys.unwrapKey);
	});

	it('a wrong receipt secret (valid check character) is refused', async () => {
		const r = await createReceipt(generateReportKey(), TEST_ONLY_CHEAP_KDF);
		let other = generateReceiptSecret();
		while (other === r.secret) other = generateReceiptSecret();
		const keys = await deriveReceiptKeys(other, decodeKdfSpec(r.kdfSpec));
		expect(receiptAuthHash(keys.authKey)).not.toEqual(r.authHash);
		expectCryptoError(() => openReceiptWrappedKey(r.wrappedReportKey, keys), 'DECRYPT_FAILED');
		await expectCryptoErrorAsync(() => deriveReceiptKeys('XXXX', decodeKdfSpec(r.kdfSpec)), 'BAD_LENGTH');
	});

	it('uses ≥ 64 MiB Argon2id in production (one real derivation)', async () => {
		expect(isProductionParams(RECEIPT_KDF)).toBe(true);
		expect(isProductionParams(TEST_ONLY_CHEAP_KDF)).toBe(false);
		const r = await createReceipt(generateReportKey());
		const spec = decodeKdfSpec(r.kdfSpec);
		expect(spec.m).toBeGreaterThanOrEqual(65536);
		expect({ m: spec.m, t: spec.t, p: spec.p }).toEqual(RECEIPT_KDF);
	});

	it('KDF specs refuse unknown versions, wrong lengths and absurd parameters', () => {
		const spec = new Uint8Array([1, 0x4b, 0, 1, 0, 0, 0, 0, 0, 3, 1, ...new Uint8Array(16)]);
		expect(decodeKdfSpec(spec).m).toBe(65536);
		expectCryptoError(() => decodeKdfSpec(spec.subarray(0, 26)), 'BAD_LENGTH');
		expectCryptoError(() => decodeKdfSpec(new Uint8Array([2, ...spec.subarray(1)])), 'UNSUPPORTED_VERSION');
		const huge = spec.slice();
		huge[2] = 0xff;
		expectCryptoError(() => decodeKdfSpec(huge), 'MALFORMED');
		const zeroT = spec.slice();
		zeroT[9] = 0;
		expectCryptoError(() => decodeKdfSpec(zeroT), 'MALFORMED');
	});
});
