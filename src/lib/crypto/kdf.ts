/**
 * Argon2id key derivation (hash-wasm's WASM build: the same code in browsers, workers, Node and tests).
 */
import { argon2id } from 'hash-wasm';

export interface Argon2Params {
	/** Memory in KiB. */
	m: number;
	/** Iterations. */
	t: number;
	/** Parallelism (lanes). */
	p: number;
}

/** Derives `length` bytes from a secret a person types or keeps. */
export async function deriveKey(
	secret: Uint8Array | string,
	salt: Uint8Array,
	params: Argon2Params,
	length = 32
): Promise<Uint8Array> {
	return argon2id({
		password: secret,
		salt,
		memorySize: params.m,
		iterations: params.t,
		parallelism: params.p,
		hashLength: length,
		outputType: 'binary'
	});
}

/**
 * Receipt secrets (55 bits, typed by the reporter): 64 MiB, 3 passes, 1 lane. Measured in Node 20
 * on the project machine at ≈ 0.5 s per derivation (docs/crypto.md has the figures).
 */
export const RECEIPT_KDF: Readonly<Argon2Params> = Object.freeze({ m: 65536, t: 3, p: 1 });

/** Staff passwords (key-encryption key): same cost as receipts. */
export const STAFF_KDF: Readonly<Argon2Params> = Object.freeze({ m: 65536, t: 3, p: 1 });

/**
 * FOR TESTS ONLY: a cheap parameter set (64 KiB, 1 pass) so unit tests that are not about the cost
 * stay fast. Never use it for real data; `isProductionParams` is false for it.
 */
export const TEST_ONLY_CHEAP_KDF: Readonly<Argon2Params> = Object.freeze({ m: 64, t: 1, p: 1 });

/** Minimum memory (KiB) this project accepts for keys derived from what a person types or keeps. */
export const MIN_PRODUCTION_MEMORY_KIB = 65536;

/** True if the parameters meet the production floor (≥ 64 MiB, ≥ 1 pass, ≥ 1 lane). */
export function isProductionParams(params: Argon2Params): boolean {
	return params.m >= MIN_PRODUCTION_MEMORY_KIB && params.t >= 1 && params.p >= 1;
}
