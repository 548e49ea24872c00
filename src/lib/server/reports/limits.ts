/**
 * In-memory request counters per address (or per other key) for the reporter's API. Keys are hashed with a
 * random key that is replaced with every window, so nothing here outlives an hour and nothing is written
 * anywhere; several app servers each count on their own (the limits are per server).
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { encodeBase64 } from '@oslojs/encoding';

export class WindowLimiter {
	private key = fresh();
	private windowStart: number;
	private counts = new Map<string, number>();

	constructor(
		private readonly windowMs: number,
		private readonly now: () => number = Date.now
	) {
		this.windowStart = this.now();
	}

	private roll(): void {
		const t = this.now();
		if (t - this.windowStart >= this.windowMs) {
			this.key = fresh();
			this.counts.clear();
			this.windowStart = t;
		}
	}

	/** Counts one request for `raw`; returns 0 when allowed (at most `limit` per window), else the seconds until the window ends. */
	take(raw: string, limit: number): number {
		this.roll();
		const h = encodeBase64(hmac(SHA256, this.key, new TextEncoder().encode(raw)));
		const n = (this.counts.get(h) ?? 0) + 1;
		if (n > limit) return Math.ceil((this.windowStart + this.windowMs - this.now()) / 1000);
		if (this.counts.size > 500_000 && !this.counts.has(h)) this.counts.clear();
		this.counts.set(h, n);
		return 0;
	}
}

function fresh(): Uint8Array {
	const k = new Uint8Array(32);
	crypto.getRandomValues(k);
	return k;
}
