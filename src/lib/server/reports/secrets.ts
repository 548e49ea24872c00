/**
 * Keys the reporter's API derives from the instance secret (src/lib/server/auth/instance-secret.ts), one per
 * purpose, so every app server signs and checks challenges and tokens alike without configuration:
 * key(label) = HMAC-SHA-256(instance secret, "qingfeng/v1/server/" + label).
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { instanceSecret } from '$lib/server/auth/instance-secret';
import type { Db } from '$lib/server/db';

export type KeyLabel = 'pow' | 'receipt-token' | 'receipt-salt' | 'receipt-backoff';

export async function serverKey(db: Db, label: KeyLabel): Promise<Uint8Array> {
	return hmac(SHA256, await instanceSecret(db), new TextEncoder().encode(`qingfeng/v1/server/${label}`));
}

/** HMAC-SHA-256 under a derived key. */
export function mac(key: Uint8Array, message: Uint8Array): Uint8Array {
	return hmac(SHA256, key, message);
}
