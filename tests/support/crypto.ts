/** Helpers shared by the *.test.ts files only (deterministic data, error matching). */
import { expect } from 'vitest';
import { CryptoError, type CryptoErrorCode } from '../../src/lib/crypto/errors';

/** Deterministic pseudo-random bytes (xorshift32) so big property inputs are cheap and reproducible. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
	const out = new Uint8Array(length);
	let x = seed | 0 || 0x9e3779b9;
	for (let i = 0; i < length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		out[i] = x & 0xff;
	}
	return out;
}

/** Asserts `fn` throws a CryptoError (optionally with one of `codes`) and returns it. */
export function expectCryptoError(fn: () => unknown, ...codes: CryptoErrorCode[]): CryptoError {
	try {
		fn();
	} catch (e) {
		expect(e).toBeInstanceOf(CryptoError);
		if (codes.length) expect(codes).toContain((e as CryptoError).code);
		return e as CryptoError;
	}
	throw new Error('expected a CryptoError, nothing was thrown');
}

/** Async variant of `expectCryptoError`. */
export async function expectCryptoErrorAsync(
	fn: () => Promise<unknown>,
	...codes: CryptoErrorCode[]
): Promise<CryptoError> {
	try {
		await fn();
	} catch (e) {
		expect(e).toBeInstanceOf(CryptoError);
		if (codes.length) expect(codes).toContain((e as CryptoError).code);
		return e as CryptoError;
	}
	throw new Error('expected a CryptoError, nothing was thrown');
}
