/**
 * In-memory request counters per address (or per other key) for the reporter's API. Keys are hashed with a
 * random key that is replaced with every window, so nothing here outlives an hour and nothing is written
 * anywhere; several app servers each count on their own (the limits are per server).
 */
import { createHmac } from 'node:crypto';

export class WindowLimiter {
	private key = fresh();
	private windowStart: number;
	private counts = new Map<string, number>();

	constructor(
		private readonly windowMs: number,
		private readonly now: () => number = Date.now,
		/** Keys kept per window; when full, the key counted least recently is dropped (not the whole table). */
		private readonly maxKeys = 500_000
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
		const h = createHmac('sha256', this.key).update(raw).digest('base64');
		const n = (this.counts.get(h) ?? 0) + 1;
		// Re-inserted on every request, allowed or refused, so the Map's order is least recently seen first; when
		// full, only that key goes. A flood of fresh keys thus cannot clear the count of an address that keeps
		// asking (it was cleared whole at 500k keys before).
		this.counts.delete(h);
		if (this.counts.size >= this.maxKeys) this.counts.delete(this.counts.keys().next().value!);
		if (n > limit) {
			this.counts.set(h, limit);
			return Math.ceil((this.windowStart + this.windowMs - this.now()) / 1000);
		}
		this.counts.set(h, n);
		return 0;
	}
}

function fresh(): Uint8Array {
	const k = new Uint8Array(32);
	crypto.getRandomValues(k);
	return k;
}
