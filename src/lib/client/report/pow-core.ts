/**
 * Proof of work, the pure part (docs/reporting.md §1; the challenge format: src/lib/shared/pow.ts): find a
 * nonce, 0 ≤ nonce < 2^53, such that SHA-256(challengeBytes ‖ u64be(nonce)) starts with at least
 * `difficulty` zero bits.
 *
 * The search is a tight hand-written SHA-256 over the last one or two blocks only: the challenge is
 * fixed, so the compression of its complete 64-byte blocks (none for the 39-byte challenges of today)
 * is done once, and each nonce costs one compression (two if the tail does not fit one block). It is
 * checked against @oslojs/crypto's sha256 in the tests. In Node 20 on the project machine (2 shared
 * cores) it does 1.0–2.4 million hashes per second depending on load, 4–6 times what calling
 * @oslojs/crypto's sha256 per nonce does (0.2–0.5 million; pow.test.ts prints both). That matters at the
 * top of the server's range: 24 bits (16 + 8 under load) is ≈ 16.8 million hashes on average.
 *
 * Used by pow.worker.ts (in the browser) and directly by `solvePowSync` (Node tests). Its only import is
 * the import-free format module, so the worker bundle stays tiny.
 */
import { MAX_NONCE } from '../../shared/pow';

const K = new Int32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
	0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
	0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);

const IV = new Int32Array([
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
]);

/** One SHA-256 compression of `block` (16 big-endian words at `w[0..16]`, `w` has room for 64) into `h`. */
function compress(h: Int32Array, w: Int32Array): void {
	for (let i = 16; i < 64; i++) {
		const x = w[i - 15] as number;
		const y = w[i - 2] as number;
		const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
		const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
		w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
	}
	let a = h[0] as number;
	let b = h[1] as number;
	let c = h[2] as number;
	let d = h[3] as number;
	let e = h[4] as number;
	let f = h[5] as number;
	let g = h[6] as number;
	let hh = h[7] as number;
	for (let i = 0; i < 64; i++) {
		const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
		const ch = (e & f) ^ (~e & g);
		const t1 = (hh + S1 + ch + (K[i] as number) + (w[i] as number)) | 0;
		const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
		const maj = (a & b) ^ (a & c) ^ (b & c);
		const t2 = (S0 + maj) | 0;
		hh = g;
		g = f;
		f = e;
		e = (d + t1) | 0;
		d = c;
		c = b;
		b = a;
		a = (t1 + t2) | 0;
	}
	h[0] = ((h[0] as number) + a) | 0;
	h[1] = ((h[1] as number) + b) | 0;
	h[2] = ((h[2] as number) + c) | 0;
	h[3] = ((h[3] as number) + d) | 0;
	h[4] = ((h[4] as number) + e) | 0;
	h[5] = ((h[5] as number) + f) | 0;
	h[6] = ((h[6] as number) + g) | 0;
	h[7] = ((h[7] as number) + hh) | 0;
}

function loadWords(bytes: Uint8Array, at: number, w: Int32Array): void {
	for (let i = 0; i < 16; i++) {
		const o = at + 4 * i;
		w[i] =
			((bytes[o] as number) << 24) |
			((bytes[o + 1] as number) << 16) |
			((bytes[o + 2] as number) << 8) |
			(bytes[o + 3] as number);
	}
}

/**
 * A hasher of `prefix ‖ u64be(nonce)` for a fixed prefix: `hash(nonce)` leaves the digest's eight words
 * in `state` (big-endian words, as SHA-256 defines them).
 */
export class NonceHasher {
	readonly state = new Int32Array(8);
	private readonly mid = new Int32Array(8);
	/** The tail (rest of the prefix, nonce, padding, length): 64 or 128 bytes. */
	private readonly tail: Uint8Array;
	private readonly nonceAt: number;
	/** The tail as big-endian words; only the two or three words holding the nonce change per hash. */
	private readonly tailWords: Int32Array;
	private readonly firstWord: number;
	private readonly lastWord: number;
	private readonly w = new Int32Array(64);

	constructor(prefix: Uint8Array) {
		const full = Math.floor(prefix.length / 64);
		this.mid.set(IV);
		for (let b = 0; b < full; b++) {
			loadWords(prefix, b * 64, this.w);
			compress(this.mid, this.w);
		}
		const rest = prefix.length - full * 64;
		const tailLength = rest + 8 + 9 <= 64 ? 64 : 128;
		this.tail = new Uint8Array(tailLength);
		this.tail.set(prefix.subarray(full * 64), 0);
		this.nonceAt = rest;
		this.tail[rest + 8] = 0x80;
		const bits = (prefix.length + 8) * 8;
		const v = new DataView(this.tail.buffer);
		v.setUint32(tailLength - 8, Math.floor(bits / 2 ** 32));
		v.setUint32(tailLength - 4, bits >>> 0);
		this.tailWords = new Int32Array(tailLength / 4);
		for (let i = 0; i < this.tailWords.length; i++) this.tailWords[i] = v.getInt32(4 * i);
		this.firstWord = rest >> 2;
		this.lastWord = (rest + 7) >> 2;
	}

	/** Hashes prefix ‖ u64be(nonce) into `state`. */
	hash(nonce: number): Int32Array {
		const t = this.tail;
		const at = this.nonceAt;
		const hi = Math.floor(nonce / 4294967296);
		const lo = nonce >>> 0;
		t[at] = hi >>> 24;
		t[at + 1] = (hi >>> 16) & 0xff;
		t[at + 2] = (hi >>> 8) & 0xff;
		t[at + 3] = hi & 0xff;
		t[at + 4] = lo >>> 24;
		t[at + 5] = (lo >>> 16) & 0xff;
		t[at + 6] = (lo >>> 8) & 0xff;
		t[at + 7] = lo & 0xff;
		const tw = this.tailWords;
		for (let i = this.firstWord; i <= this.lastWord; i++) {
			const o = 4 * i;
			tw[i] =
				((t[o] as number) << 24) | ((t[o + 1] as number) << 16) | ((t[o + 2] as number) << 8) | (t[o + 3] as number);
		}
		this.state.set(this.mid);
		const w = this.w;
		for (let b = 0; b < tw.length; b += 16) {
			for (let i = 0; i < 16; i++) w[i] = tw[b + i] as number;
			compress(this.state, w);
		}
		return this.state;
	}

	/** The digest as bytes (for tests). */
	digest(nonce: number): Uint8Array {
		const s = this.hash(nonce);
		const out = new Uint8Array(32);
		const v = new DataView(out.buffer);
		for (let i = 0; i < 8; i++) v.setInt32(4 * i, s[i] as number);
		return out;
	}
}

/** Number of leading zero bits of a digest given as words. */
export function leadingZeroBits(state: Int32Array): number {
	let n = 0;
	for (let i = 0; i < 8; i++) {
		const w = state[i] as number;
		if (w === 0) {
			n += 32;
			continue;
		}
		return n + Math.clz32(w);
	}
	return n;
}

/** True if the digest has at least `difficulty` leading zero bits. */
function meets(state: Int32Array, difficulty: number): boolean {
	if (difficulty <= 32) return difficulty === 0 || Math.clz32(state[0] as number) >= difficulty;
	return leadingZeroBits(state) >= difficulty;
}

/** Checks a solution (what the server does, minus tag and expiry). */
export function checkPow(challenge: Uint8Array, nonce: number, difficulty: number): boolean {
	if (!Number.isSafeInteger(nonce) || nonce < 0 || nonce >= MAX_NONCE) return false;
	return meets(new NonceHasher(challenge).hash(nonce), difficulty);
}

/** Expected number of hashes for a difficulty (2^difficulty). */
export function expectedHashes(difficulty: number): number {
	return 2 ** difficulty;
}

/**
 * Searches nonces start, start + step, start + 2·step, … for at most `count` tries. Returns the nonce
 * found, or -1 with `tried` hashes done. Used in slices so a caller can report progress in between.
 */
export function searchNonces(
	hasher: NonceHasher,
	difficulty: number,
	start: number,
	step: number,
	count: number
): { nonce: number; tried: number } {
	let nonce = start;
	for (let i = 0; i < count; i++) {
		if (nonce >= MAX_NONCE) return { nonce: -1, tried: i };
		if (meets(hasher.hash(nonce), difficulty)) return { nonce, tried: i + 1 };
		nonce += step;
	}
	return { nonce: -1, tried: count };
}

/** Solves a challenge synchronously (Node tests, or anywhere blocking is fine). */
export function solvePowSync(challenge: Uint8Array, difficulty: number, onProgress?: (hashes: number) => void): number {
	const hasher = new NonceHasher(challenge);
	let tried = 0;
	for (let start = 0; start < MAX_NONCE;) {
		const r = searchNonces(hasher, difficulty, start, 1, 1 << 16);
		tried += r.tried;
		if (r.nonce >= 0) {
			onProgress?.(tried);
			return r.nonce;
		}
		start += r.tried;
		onProgress?.(tried);
		if (r.tried === 0) break;
	}
	throw new Error('no nonce below 2^53 solves this challenge');
}

/* ------------------------------------------------------------------ worker messages */

/** Main thread → PoW worker: search nonces start, start + step, … */
export interface PowRequest {
	challenge: Uint8Array;
	difficulty: number;
	start: number;
	step: number;
}

/** PoW worker → main thread. */
export type PowResponse =
	| { type: 'progress'; hashes: number }
	| { type: 'found'; nonce: number; hashes: number }
	| { type: 'error'; message: string };

/**
 * Hashes per batch: the worker looks at the clock after each batch. 4,096 hashes take 2–40 ms from a
 * desktop to a slow phone, so a bar fed per batch moves in small steps (1/16 of the expected work at
 * 16 bits, less above).
 */
export const POW_SLICE = 1 << 12;

/** At most one progress message per this many milliseconds (a fast desktop would otherwise post ~500/s). */
export const POW_PROGRESS_MS = 50;

/**
 * The worker's job: search until found (the main thread terminates the worker to cancel). Posts
 * progress after a batch of POW_SLICE hashes once POW_PROGRESS_MS passed since the last message (so
 * a slow phone reports after every batch); `hashes` counts this worker's tries. `now` is injectable for
 * tests.
 */
export function runPowRequest(
	request: unknown,
	post: (m: PowResponse) => void,
	now: () => number = () => Date.now()
): void {
	const r = (typeof request === 'object' && request !== null ? request : {}) as Partial<PowRequest>;
	const { challenge, difficulty, start, step } = r;
	if (
		!(challenge instanceof Uint8Array) ||
		typeof difficulty !== 'number' ||
		!Number.isInteger(difficulty) ||
		difficulty < 0 ||
		difficulty > 256 ||
		typeof start !== 'number' ||
		!Number.isSafeInteger(start) ||
		start < 0 ||
		typeof step !== 'number' ||
		!Number.isSafeInteger(step) ||
		step < 1
	) {
		post({ type: 'error', message: 'bad request' });
		return;
	}
	const hasher = new NonceHasher(challenge);
	let hashes = 0;
	let next = start;
	let lastPost = now();
	for (;;) {
		const res = searchNonces(hasher, difficulty, next, step, POW_SLICE);
		hashes += res.tried;
		if (res.nonce >= 0) {
			post({ type: 'found', nonce: res.nonce, hashes });
			return;
		}
		if (res.tried < POW_SLICE) {
			post({ type: 'error', message: 'nonce space exhausted' });
			return;
		}
		next += res.tried * step;
		const t = now();
		if (t - lastPost >= POW_PROGRESS_MS) {
			lastPost = t;
			post({ type: 'progress', hashes });
		}
	}
}
