/**
 * Keys the reporter's API derives from the instance secret (src/lib/server/auth/instance-secret.ts), one per
 * purpose, so every app server signs and checks challenges and tokens alike without configuration:
 * key(label) = HMAC-SHA-256(instance secret, "qingfeng/v1/server/" + label).
 */
import { createHmac } from 'node:crypto';
import { instanceSecret } from '$lib/server/auth/instance-secret';
import type { Db } from '$lib/server/db';

export type KeyLabel = 'pow' | 'receipt-token' | 'receipt-salt' | 'receipt-backoff';

/** The derived keys of each instance secret (derived once: two HMACs per report otherwise, issue 20). */
const derived = new WeakMap<Uint8Array, Map<KeyLabel, Uint8Array>>();

export async function serverKey(db: Db, label: KeyLabel): Promise<Uint8Array> {
	const secret = await instanceSecret(db);
	let keys = derived.get(secret);
	if (!keys) derived.set(secret, (keys = new Map()));
	let key = keys.get(label);
	if (!key) keys.set(label, (key = mac(secret, new TextEncoder().encode(`qingfeng/v1/server/${label}`))));
	return key;
}

/** HMAC-SHA-256 under a derived key (Node's native HMAC: the same bytes as any other implementation). */
export function mac(key: Uint8Array, message: Uint8Array): Uint8Array {
	const d = createHmac('sha256', key).update(message).digest();
	return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}
