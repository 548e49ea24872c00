/**
 * Slows down repeated failures (sign-in, and later receipt look-ups) per key. Keys such as client
 * addresses are hashed with a random key that rotates; nothing here is ever written anywhere, and
 * rotation forgets every hash made with the old key.
 */
import { createHmac } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import type { IncomingMessage } from 'node:http';

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
	private readonly maxKeys: number;

	constructor(private readonly opts: LimiterOptions & { maxKeys?: number }) {
		this.maxKeys = opts.maxKeys ?? 200_000;
		this.now = opts.now ?? Date.now;
		this.rotatedAt = this.now();
	}

	private hash(raw: string): string {
		if (this.now() - this.rotatedAt >= this.opts.rotateMs) {
			this.key = freshKey();
			this.rotatedAt = this.now();
			this.entries.clear();
		}
		return createHmac('sha256', this.key).update(raw).digest('base64');
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
		// Most recently failed last (a Map keeps insertion order): when full, the longest-quiet key goes,
		// never the whole table (a flood of fresh keys must not wipe the counts of the keys it shares with).
		this.entries.delete(h);
		if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
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
 * The part of an address that names one client for rate limits: an IPv4 address as it is, an IPv6 address
 * by its /64 prefix (one subscriber gets a whole /64 and can use any address in it), an IPv4-mapped IPv6
 * address as its IPv4 address. Anything else (not an address) as it is.
 */
export function addressPrefix(address: string): string {
	const a = address
		.trim()
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/%.*$/, '');
	if (!a.includes(':')) return a;
	const mapped =
		/^(?:0{1,4}:){5}ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a) ?? /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
	if (mapped) return mapped[1]!;
	const halves = a.split('::');
	if (halves.length > 2) return a;
	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	if (tail.length > 0 && tail[tail.length - 1]!.includes('.')) tail.splice(-1, 1, '0', '0'); // embedded IPv4
	const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
	const groups = [...head, ...Array<string>(Math.max(0, fill)).fill('0'), ...tail];
	if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return a;
	return `${groups
		.slice(0, 4)
		.map((g) => g.replace(/^0+(?=.)/, ''))
		.join(':')}::/64`;
}

/**
 * The only place that touches a client's address: it goes straight into a keyed hash in memory (IPv6 by
 * its /64, see {@link addressPrefix}).
 */
export function addressKey(event: RequestEvent): string {
	let address = 'unknown';
	try {
		address = event.getClientAddress();
	} catch {
		/* no address available (e.g. some test set-ups) */
	}
	return keyOfAddress(address);
}

/** The rate-limit key of an address as {@link addressKey} makes it (for callers that hold the address text). */
export function keyOfAddress(address: string): string {
	return `addr:${addressPrefix(address)}`;
}

/** How adapter-node finds the client's address (ADDRESS_HEADER, XFF_DEPTH), read by the server entry. */
export interface AddressOptions {
	/** ADDRESS_HEADER in lower case, '' for the connection's own address. */
	addressHeader: string;
	/** XFF_DEPTH (used when the header is X-Forwarded-For). */
	xffDepth: number;
}

/**
 * The client's address exactly as adapter-node's `getClientAddress` finds it; 'unknown' where the adapter
 * would throw (the header missing, too few X-Forwarded-For entries), which {@link keyOfAddress} turns into
 * the same key.
 */
export function clientAddress(req: IncomingMessage, opts: AddressOptions): string {
	const { addressHeader, xffDepth } = opts;
	if (addressHeader) {
		if (!(addressHeader in req.headers)) return 'unknown';
		const raw = req.headers[addressHeader];
		const value = (Array.isArray(raw) ? raw.join(', ') : raw) || '';
		if (addressHeader !== 'x-forwarded-for') return value;
		const addresses = value.split(',');
		if (xffDepth < 1 || xffDepth > addresses.length) return 'unknown';
		return addresses[addresses.length - xffDepth]!.trim();
	}
	return req.socket?.remoteAddress ?? 'unknown';
}

/**
 * The rate-limit key of a request taken straight from Node (the lean submission handler,
 * ./http/submission.ts): the same key as {@link addressKey} gives the same request through SvelteKit.
 */
export function nodeAddressKey(req: IncomingMessage, opts: AddressOptions): string {
	return keyOfAddress(clientAddress(req, opts));
}
