/**
 * Sealing the staff secret key for the key stay (issue 18; docs/security.md): AES-GCM-256 under a key that is
 * made non-extractable (WebCrypto: script in this origin may use it, nobody can read its bits), a random
 * 96-bit nonce per seal, the format byte and a label as associated data. Blob: `version ‖ nonce ‖ ciphertext ‖
 * tag` (src/lib/shared/key-stay.ts). Pure WebCrypto: the same in the browser and in Node's tests.
 */
import { KEY_STAY_BYTES, KEY_STAY_NONCE_BYTES, KEY_STAY_VERSION } from '../shared/key-stay';

const LABEL = new TextEncoder().encode('qingfeng key stay');
const aad = (): Uint8Array<ArrayBuffer> => {
	const out = new Uint8Array(1 + LABEL.length);
	out[0] = KEY_STAY_VERSION;
	out.set(LABEL, 1);
	return out;
};

export class KeyStayFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'KeyStayFormatError';
	}
}

/** A new random AES-GCM-256 key that cannot be exported. */
export function newStayKey(): Promise<CryptoKey> {
	return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Seals a 32-byte secret key under `key`. */
export async function sealForStay(key: CryptoKey, secretKey: Uint8Array): Promise<Uint8Array> {
	if (secretKey.length !== 32) throw new KeyStayFormatError('a secret key is 32 bytes');
	const nonce = crypto.getRandomValues(new Uint8Array(KEY_STAY_NONCE_BYTES));
	const plain = new Uint8Array(secretKey);
	try {
		const sealed = new Uint8Array(
			await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad() }, key, plain)
		);
		const out = new Uint8Array(KEY_STAY_BYTES);
		out[0] = KEY_STAY_VERSION;
		out.set(nonce, 1);
		out.set(sealed, 1 + KEY_STAY_NONCE_BYTES);
		return out;
	} finally {
		plain.fill(0);
	}
}

/**
 * Opens a blob sealed by `sealForStay` under `key`: the 32-byte secret key (the caller zeroes it). A wrong
 * key or any changed byte throws (WebCrypto's OperationError); a wrong length or version throws
 * KeyStayFormatError.
 */
export async function openStay(key: CryptoKey, blob: Uint8Array): Promise<Uint8Array> {
	if (blob.length !== KEY_STAY_BYTES) throw new KeyStayFormatError('wrong length');
	if (blob[0] !== KEY_STAY_VERSION) throw new KeyStayFormatError('unknown version');
	const nonce = blob.slice(1, 1 + KEY_STAY_NONCE_BYTES);
	const sealed = blob.slice(1 + KEY_STAY_NONCE_BYTES);
	return new Uint8Array(
		await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad() }, key, sealed)
	);
}
