/**
 * Slows down repeated failures (sign-in, and later receipt look-ups) per key. Keys such as client
 * addresses are hashed with a random key that rotates; nothing here is ever written anywhere, and
 * rotation forgets every hash made with the old key.
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { encodeBase64 } from '@oslojs/encoding';
import type { RequestEvent } from '@sveltejs/kit';

export interface LimiterOptions {
	/** Failures allowed before waits begin. */
	free: number;
	/** Longest wait, in seconds. */
	maxDelaySeconds: number;
	/** How often the hashing key (and with it every entry) is replaced. */
	rotateMs: number;
	now?: () => number;
}

/** Seconds to wait after `failures` failures, the last at `lastFailureMs`; 0 when a try is allowed. */
export function backoffSeconds(
	failures: number,
	lastFailureMs: number | null,
	free: number,
	maxDelaySeconds: number,
	nowMs: number
): number {
	if (failures < free || lastFailureMs === null) return 0;
	const delay = Math.min(2 ** (failures - free + 1), maxDelaySeconds);
	const until = lastFailureMs + delay * 1000;
	return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
}

export class FailureLimiter {
	private key = freshKey();
	private rotatedAt: number;
	private entries = new Map<string, { failures: number; last: number }>();
	private readonly now: () => number;

	constructor(private readonly opts: LimiterOptions) {
		this.now = opts.now ?? Date.now;
		this.rotatedAt = this.now();
	}

	private hash(raw: string): string {
		if (this.now() - this.rotatedAt >= this.opts.rotateMs) {
			this.key = freshKey();
			this.rotatedAt = this.now();
			this.entries.clear();
		}
		return encodeBase64(hmac(SHA256, this.key, new TextEncoder().encode(raw)));
	}

	/** Seconds before `raw` may try again (0 = now). */
	wait(raw: string): number {
		const e = this.entries.get(this.hash(raw));
		if (!e) return 0;
		return backoffSeconds(e.failures, e.last, this.opts.free, this.opts.maxDelaySeconds, this.now());
	}

	fail(raw: string): void {
		const h = this.hash(raw);
		const e = this.entries.get(h);
		if (this.entries.size > 200_000 && !e) this.entries.clear();
		this.entries.set(h, { failures: (e?.failures ?? 0) + 1, last: this.now() });
	}

	reset(raw: string): void {
		this.entries.delete(this.hash(raw));
	}
}

function freshKey(): Uint8Array {
	const k = new Uint8Array(32);
	crypto.getRandomValues(k);
	return k;
}

/**
 * The only place that touches a client's address: it goes straight into a keyed hash in memory.
 */
export function addressKey(event: RequestEvent): string {
	let address = 'unknown';
	try {
		address = event.getClientAddress();
	} catch {
		/* no address available (e.g. some test set-ups) */
	}
	return `addr:${address}`;
}
