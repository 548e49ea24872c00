/**
 * Browser side of staff sign-in: the password is turned into an auth key with Argon2id in the crypto
 * worker (crypto-client.ts, its `deriveKey` operation); only that key (base64) is sent to the server,
 * never the password.
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import type { Argon2Params } from '$lib/crypto/kdf';
import { cryptoWorker } from './crypto-client';
import { sendRequest } from './http';
import { requireStaffKdf } from './kdf-floor';

/**
 * Derives the auth key for a salt given as base64; returns it as base64. Parameters below the floor (a server
 * that wants an auth key cheap to brute-force) are refused before anything is derived (issue 16):
 * `WeakKdfError`, which the forms show as a general failure.
 */
export async function authKeyFromPassword(
	password: string,
	saltB64: string,
	params: Argon2Params,
	testBuild?: boolean
): Promise<string> {
	requireStaffKdf(params, testBuild);
	const key = await cryptoWorker().deriveKey(password, decodeBase64(saltB64), params, 32);
	return encodeBase64(key);
}

/** Fetches the salt for a user name (the server answers alike for unknown names). */
export async function fetchSigninSalt(username: string): Promise<{ salt: string; params: Argon2Params }> {
	const res = await sendRequest('/staff/login/salt', { json: { username }, credentials: 'same-origin' });
	if (!res.ok) throw new Error(`salt request failed: ${res.status}`);
	return res.json();
}
