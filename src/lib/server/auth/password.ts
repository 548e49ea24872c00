/**
 * The server never sees a staff password: the browser sends an auth key derived from it with Argon2id.
 * The server keeps only a slow hash (Argon2id again, server-side salt) of that key. The hashing runs in
 * worker threads (./argon2-pool.ts), never on the event loop.
 */
import type { KdfParams } from '$lib/server/db/schema';
import { argon2Pool } from './argon2-pool';

/** Browser-side derivation of the auth key (memory ≥ 64 MiB, like the other person-held secrets). */
export const AUTH_KEY_PARAMS: KdfParams = { m: 65536, t: 3, p: 1 };
export const AUTH_KEY_BYTES = 32;
export const AUTH_SALT_BYTES = 16;

/** Server-side hash of the (already high-entropy) auth key: OWASP's Argon2id minimum. */
const SERVER_HASH = { memorySize: 19456, iterations: 2, parallelism: 1, hashLength: 32 };

export async function hashAuthKey(authKey: Uint8Array): Promise<string> {
	const salt = new Uint8Array(16);
	crypto.getRandomValues(salt);
	return (await argon2Pool().run({ op: 'hash', password: authKey, salt, ...SERVER_HASH })) as string;
}

/** Constant work whether or not the account exists: unknown accounts verify against a dummy hash. */
let dummyHash: Promise<string> | null = null;

export async function verifyAuthKey(authKey: Uint8Array, encoded: string | null): Promise<boolean> {
	if (encoded === null || !encoded.startsWith('$argon2id$')) {
		dummyHash ??= hashAuthKey(new Uint8Array(AUTH_KEY_BYTES));
		await argon2Pool().run({ op: 'verify', password: authKey, hash: await dummyHash });
		return false;
	}
	return (await argon2Pool().run({ op: 'verify', password: authKey, hash: encoded })) === true;
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
