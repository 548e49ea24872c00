/**
 * Issue 21: the GM suite's PBKDF2-HMAC-SM3 cost a browser accepts from a server has a floor (the calibrated
 * production count) and a ceiling (ten times it), like the NaCl suite's Argon2id bounds (src/lib/client/kdf-floor.ts).
 * A hostile server's receipt spec or staff password wrap outside them is refused with an error naming the bound,
 * before any derivation; the server stores only what a browser will accept again.
 */
import { describe, expect, it } from 'vitest';
import { CryptoFormatError } from '$lib/crypto/errors';
import {
	GM_KDF_CEILING_ITERATIONS,
	GM_KDF_FLOOR_ITERATIONS,
	GM_MAX_ITERATIONS,
	GM_RECEIPT_ITERATIONS,
	GM_STAFF_ITERATIONS,
	encodeGmKdfSpec,
	gmDeriveReceiptKeys,
	gmPasswordUnwrapKey,
	gmPasswordWrapKey,
	isGmKdfInBounds,
	requireGmKdfBounds
} from '$lib/crypto/gm/kdf';
import { gmSuite } from '$lib/crypto/gm/suite';
import { generateReceiptSecret } from '$lib/crypto/receipt';
import { wireOf } from '$lib/server/keys/suite-wire';

const spec = (iterations: number) => encodeGmKdfSpec({ iterations, salt: new Uint8Array(16).fill(0x77) });
/** A wrap made at 10 iterations, relabelled with another count (bytes 2..6): what a hostile server could serve. */
async function wrapClaiming(iterations: number): Promise<Uint8Array> {
	const w = await gmPasswordWrapKey(new Uint8Array(32).fill(1), 'pw', 10);
	new DataView(w.buffer, w.byteOffset).setUint32(2, iterations);
	return w;
}

describe('the GM KDF floor and ceiling (issue 21)', () => {
	it('are derived from the calibration: the production count, and ten times it, well inside the format', () => {
		expect(GM_KDF_FLOOR_ITERATIONS).toBe(GM_RECEIPT_ITERATIONS);
		expect(GM_KDF_FLOOR_ITERATIONS).toBe(GM_STAFF_ITERATIONS);
		expect(GM_KDF_CEILING_ITERATIONS).toBe(10 * GM_RECEIPT_ITERATIONS);
		expect(GM_KDF_CEILING_ITERATIONS).toBeLessThan(GM_MAX_ITERATIONS);
	});

	it('the reporter refuses a receipt spec below the floor or above the ceiling, naming the bound; both bounds pass', () => {
		expect(() => gmSuite.requireReceiptKdfSpec(spec(GM_KDF_FLOOR_ITERATIONS))).not.toThrow();
		expect(() => gmSuite.requireReceiptKdfSpec(spec(GM_KDF_CEILING_ITERATIONS))).not.toThrow();
		expect(() => gmSuite.requireReceiptKdfSpec(spec(GM_KDF_FLOOR_ITERATIONS - 1))).toThrow(
			/11999 PBKDF2-HMAC-SM3 iterations, below the floor of 12000/
		);
		expect(() => gmSuite.requireReceiptKdfSpec(spec(GM_KDF_CEILING_ITERATIONS + 1))).toThrow(
			/120001 PBKDF2-HMAC-SM3 iterations, above the ceiling of 120000/
		);
		for (const n of [1, 10, GM_MAX_ITERATIONS]) {
			const e = (() => {
				try {
					gmSuite.requireReceiptKdfSpec(spec(n));
				} catch (x) {
					return x;
				}
			})();
			expect(e).toBeInstanceOf(CryptoFormatError);
			expect((e as CryptoFormatError).code).toBe('MALFORMED');
		}
		expect(() => requireGmKdfBounds(GM_KDF_FLOOR_ITERATIONS, 'x')).not.toThrow();
	});

	it('the derivations themselves refuse a count above the ceiling before deriving (the worker’s path)', async () => {
		const t0 = performance.now();
		await expect(gmDeriveReceiptKeys(generateReceiptSecret(), spec(GM_MAX_ITERATIONS))).rejects.toThrow(
			/above the ceiling/
		);
		await expect(gmPasswordUnwrapKey(await wrapClaiming(GM_MAX_ITERATIONS), 'pw')).rejects.toThrow(/above the ceiling/);
		await expect(gmPasswordUnwrapKey(await wrapClaiming(GM_KDF_CEILING_ITERATIONS + 1), 'pw')).rejects.toThrow(
			/above the ceiling/
		);
		// 10 000 000 iterations would take many minutes: refused at once.
		expect(performance.now() - t0).toBeLessThan(5_000);
		// At the ceiling the count is honoured (the relabelled wrap then fails authentication, not the bound).
		await expect(gmPasswordUnwrapKey(await wrapClaiming(GM_KDF_CEILING_ITERATIONS), 'pw')).rejects.toMatchObject({
			code: 'DECRYPT_FAILED'
		});
	}, 120_000);

	it('a GM server stores only receipt specs and staff wraps within the bounds', async () => {
		const gm = wireOf('gm');
		expect(isGmKdfInBounds(GM_KDF_FLOOR_ITERATIONS)).toBe(true);
		expect(gm.receiptKdfIsProduction(spec(GM_KDF_FLOOR_ITERATIONS))).toBe(true);
		expect(gm.receiptKdfIsProduction(spec(GM_KDF_CEILING_ITERATIONS))).toBe(true);
		expect(gm.receiptKdfIsProduction(spec(GM_KDF_FLOOR_ITERATIONS - 1))).toBe(false);
		expect(gm.receiptKdfIsProduction(spec(GM_KDF_CEILING_ITERATIONS + 1))).toBe(false);
		expect(gm.passwordWrap(await wrapClaiming(GM_STAFF_ITERATIONS)).production).toBe(true);
		expect(gm.passwordWrap(await wrapClaiming(GM_KDF_CEILING_ITERATIONS + 1)).production).toBe(false);
		expect(gm.passwordWrap(await wrapClaiming(10)).production).toBe(false);
	});
});
