/**
 * The server never sees a staff password: the browser sends an auth key derived from it with Argon2id.
 * The server keeps only a slow hash (Argon2id again, server-side salt) of that key.
 */
import { argon2id, argon2Verify } from 'hash-wasm';
import type { KdfParams } from '$lib/server/db/schema';

/** Browser-side derivation of the auth key (memory ≥ 64 MiB, like the other person-held secrets). */
export const AUTH_KEY_PARAMS: KdfParams = { m: 65536, t: 3, p: 1 };
export const AUTH_KEY_BYTES = 32;
export const AUTH_SALT_BYTES = 16;

/** Server-side hash of the (already high-entropy) auth key: OWASP's Argon2id minimum. */
const SERVER_HASH = { memorySize: 19456, iterations: 2, parallelism: 1, hashLength: 32 };

export async function hashAuthKey(authKey: Uint8Array): Promise<string> {
	const salt = new Uint8Array(16);
	crypto.getRandomValues(salt);
	return argon2id({ password: authKey, salt, ...SERVER_HASH, outputType: 'encoded' });
}

/** Constant work whether or not the account exists: unknown accounts verify against a dummy hash. */
let dummyHash: Promise<string> | null = null;

export async function verifyAuthKey(authKey: Uint8Array, encoded: string | null): Promise<boolean> {
	if (encoded === null || !encoded.startsWith('$argon2id$')) {
		dummyHash ??= hashAuthKey(new Uint8Array(AUTH_KEY_BYTES));
		await argon2Verify({ password: authKey, hash: await dummyHash });
		return false;
	}
	return argon2Verify({ password: authKey, hash: encoded });
}

/** Accepts only a base64 string that decodes to exactly AUTH_KEY_BYTES bytes. */
export function parseAuthKey(value: unknown): Uint8Array | null {
	if (typeof value !== 'string' || value.length > 64 || !/^[A-Za-z0-9+/]+=*$/.test(value)) return null;
	const bytes = Uint8Array.from(Buffer.from(value, 'base64'));
	return bytes.length === AUTH_KEY_BYTES ? bytes : null;
}

export function parseSalt(value: unknown): Uint8Array | null {
	if (typeof value !== 'string' || value.length > 64 || !/^[A-Za-z0-9+/]+=*$/.test(value)) return null;
	const bytes = Uint8Array.from(Buffer.from(value, 'base64'));
	return bytes.length === AUTH_SALT_BYTES ? bytes : null;
}
