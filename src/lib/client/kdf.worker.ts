/// <reference lib="webworker" />
/**
 * Runs Argon2id off the main thread so the page stays responsive while a key is derived.
 * Message in: { id, secret, salt, params, length }; out: { id, key } or { id, error }.
 */
import { deriveKey, type Argon2Params } from '../crypto/kdf';

interface Request {
	id: number;
	secret: string;
	salt: Uint8Array;
	params: Argon2Params;
	length: number;
}

self.onmessage = async (event: MessageEvent<Request>) => {
	const { id, secret, salt, params, length } = event.data;
	try {
		const key = await deriveKey(secret, salt, params, length);
		self.postMessage({ id, key });
	} catch (e) {
		self.postMessage({ id, error: e instanceof Error ? e.message : 'derivation failed' });
	}
};
