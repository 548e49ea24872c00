/**
 * Browser side of staff sign-in: the password is turned into an auth key with Argon2id in a Web
 * Worker; only that key (base64) is sent to the server, never the password.
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import type { Argon2Params } from '$lib/crypto/kdf';

let worker: Worker | null = null;
let nextId = 1;

function kdfWorker(): Worker {
	worker ??= new Worker(new URL('./kdf.worker.ts', import.meta.url), { type: 'module' });
	return worker;
}

export function deriveInWorker(
	secret: string,
	salt: Uint8Array,
	params: Argon2Params,
	length = 32
): Promise<Uint8Array> {
	const w = kdfWorker();
	const id = nextId++;
	return new Promise((resolve, reject) => {
		const onMessage = (e: MessageEvent<{ id: number; key?: Uint8Array; error?: string }>) => {
			if (e.data.id !== id) return;
			w.removeEventListener('message', onMessage);
			if (e.data.key) resolve(e.data.key);
			else reject(new Error(e.data.error ?? 'derivation failed'));
		};
		w.addEventListener('message', onMessage);
		w.postMessage({ id, secret, salt, params, length });
	});
}

/** Derives the auth key for a salt given as base64; returns it as base64. */
export async function authKeyFromPassword(password: string, saltB64: string, params: Argon2Params): Promise<string> {
	const key = await deriveInWorker(password, decodeBase64(saltB64), params, 32);
	return encodeBase64(key);
}

/** Fetches the salt for a user name (the server answers alike for unknown names). */
export async function fetchSigninSalt(username: string): Promise<{ salt: string; params: Argon2Params }> {
	const res = await fetch('/staff/login/salt', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username })
	});
	if (!res.ok) throw new Error(`salt request failed: ${res.status}`);
	return res.json();
}
