/**
 * The single source of randomness for src/lib/crypto: tweetnacl's CSPRNG (crypto.getRandomValues in
 * browsers and workers, node:crypto in Node). Never Math.random.
 */
import nacl from 'tweetnacl';

/** Returns `n` bytes from the platform CSPRNG. */
export function randomBytes(n: number): Uint8Array {
	return nacl.randomBytes(n);
}

/** A source of random bytes; tests pass a deterministic one to reproduce vectors. */
export type RandomSource = (n: number) => Uint8Array;
