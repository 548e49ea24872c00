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
