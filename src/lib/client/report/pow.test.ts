import { describe, expect, it } from 'vitest';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import fc from 'fast-check';
import {
	NonceHasher,
	POW_SLICE,
	checkPow,
	leadingZeroBits,
	runPowRequest,
	searchNonces,
	solvePowSync,
	type PowResponse
} from './pow-core';
import { solveChallenge, syncSolver, workerSolver, type PowWorkerLike } from './pow';
import { readChallenge } from '../../shared/pow';
import { ReportError } from './errors';

function u64be(n: number): Uint8Array {
	const b = new Uint8Array(8);
	const v = new DataView(b.buffer);
	v.setUint32(0, Math.floor(n / 2 ** 32));
	v.setUint32(4, n >>> 0);
	return b;
}

function reference(prefix: Uint8Array, nonce: number): Uint8Array {
	const m = new Uint8Array(prefix.length + 8);
	m.set(prefix);
	m.set(u64be(nonce), prefix.length);
	return sha256(m);
}

function zeroBits(d: Uint8Array): number {
	let n = 0;
	for (const b of d) {
		if (b === 0) {
			n += 8;
			continue;
		}
		return n + Math.clz32(b) - 24;
	}
	return n;
}

/** A version-1 challenge with the given purpose and difficulty (tag and id arbitrary). */
export function makeChallenge(purpose: 1 | 2, difficulty: number, seed = 1): Uint8Array {
	const c = new Uint8Array(39);
	c[0] = 1;
	c[1] = purpose;
	c[2] = difficulty;
	new DataView(c.buffer).setUint32(3, 1_900_000_000);
	for (let i = 7; i < 39; i++) c[i] = (i * 31 + seed * 17) & 0xff;
	return c;
}

describe('SHA-256 of challenge ‖ u64be(nonce)', () => {
	it('equals @oslojs/crypto sha256 for prefixes of 0–200 bytes and nonces up to 2^53 − 1', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ maxLength: 200 }),
				fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
				(prefix, nonce) => {
					expect(new NonceHasher(prefix).digest(nonce)).toEqual(reference(prefix, nonce));
				}
			),
			{ numRuns: 500 }
		);
	});

	it('counts leading zero bits like the byte definition', () => {
		const c = makeChallenge(1, 0);
		const h = new NonceHasher(c);
		for (let n = 0; n < 300; n++) expect(leadingZeroBits(h.hash(n))).toBe(zeroBits(reference(c, n)));
	});
});

describe('solving', () => {
	it('solvePowSync finds a nonce with ≥ difficulty zero bits, and checkPow agrees', () => {
		for (const d of [0, 1, 8, 12, 16]) {
			const c = makeChallenge(1, d, d);
			const nonce = solvePowSync(c, d);
			expect(zeroBits(reference(c, nonce))).toBeGreaterThanOrEqual(d);
			expect(checkPow(c, nonce, d)).toBe(true);
			// it is the first such nonce
			for (let n = 0; n < nonce && n < 5000; n++) expect(zeroBits(reference(c, n))).toBeLessThan(d);
		}
		expect(checkPow(makeChallenge(1, 0), -1, 0)).toBe(false);
		expect(checkPow(makeChallenge(1, 0), 2 ** 53, 0)).toBe(false);
	});

	it('reads the clear fields of a challenge', () => {
		expect(readChallenge(makeChallenge(2, 18))).toEqual({
			version: 1,
			purpose: 'receipt',
			difficulty: 18,
			expiresAt: 1_900_000_000
		});
		expect(readChallenge(new Uint8Array(38))).toBeNull();
	});

	it('the worker job reports progress every slice (on a slow clock) and finds the same nonce as a strided search', () => {
		const c = makeChallenge(1, 18, 3);
		const messages: PowResponse[] = [];
		let t = 0;
		runPowRequest(
			{ challenge: c, difficulty: 18, start: 1, step: 2 },
			(m) => messages.push(m),
			() => (t += 100)
		);
		const last = messages.at(-1);
		expect(last?.type).toBe('found');
		const nonce = (last as { nonce: number }).nonce;
		expect(nonce % 2).toBe(1);
		expect(checkPow(c, nonce, 18)).toBe(true);
		const progress = messages.filter((m) => m.type === 'progress').map((m) => (m as { hashes: number }).hashes);
		progress.forEach((h, i) => expect(h).toBe((i + 1) * POW_SLICE));
		const bad: PowResponse[] = [];
		runPowRequest({ challenge: 'x' }, (m) => bad.push(m));
		expect(bad).toEqual([{ type: 'error', message: 'bad request' }]);
	});

	it('the worker solver splits the space, reports progress, stops all workers on success and on abort', async () => {
		const made: FakeWorker[] = [];
		class FakeWorker implements PowWorkerLike {
			listeners: ((e: Event) => void)[] = [];
			terminated = false;
			constructor() {
				made.push(this);
			}
			postMessage(message: unknown): void {
				setTimeout(
					() =>
						runPowRequest(
							message,
							(m) => !this.terminated && this.listeners.forEach((l) => l({ data: m } as unknown as Event))
						),
					0
				);
			}
			addEventListener(type: string, l: (e: Event) => void): void {
				if (type === 'message') this.listeners.push(l);
			}
			terminate(): void {
				this.terminated = true;
			}
		}
		const c = makeChallenge(1, 12, 9);
		const seen: number[] = [];
		const nonce = await workerSolver(() => new FakeWorker(), 3)(c, 12, { onProgress: (p) => seen.push(p.hashes) });
		expect(checkPow(c, nonce, 12)).toBe(true);
		expect(made).toHaveLength(3);
		expect(made.every((w) => w.terminated)).toBe(true);
		expect(seen.length).toBeGreaterThan(0);

		const ctrl = new AbortController();
		const never = workerSolver(() => ({ postMessage() {}, addEventListener() {}, terminate() {} }), 2)(c, 30, {
			signal: ctrl.signal
		});
		ctrl.abort();
		await expect(never).rejects.toMatchObject({ code: 'cancelled' });
	});

	it('solveChallenge refuses another purpose, a foreign format and absurd difficulty', async () => {
		const wire = (c: Uint8Array) => ({
			challenge: encodeBase64urlNoPadding(c),
			difficulty: c[2] as number,
			expiresAt: 1
		});
		await expect(solveChallenge(wire(makeChallenge(2, 4)), 'intake', { solver: syncSolver })).rejects.toBeInstanceOf(
			ReportError
		);
		await expect(solveChallenge(wire(makeChallenge(1, 41)), 'intake', { solver: syncSolver })).rejects.toMatchObject({
			code: 'pow_failed'
		});
		await expect(
			solveChallenge({ challenge: '!!', difficulty: 1, expiresAt: 1 }, 'intake', { solver: syncSolver })
		).rejects.toMatchObject({ code: 'pow_failed' });
		const sol = await solveChallenge(wire(makeChallenge(1, 10)), 'intake', { solver: syncSolver });
		expect(checkPow(makeChallenge(1, 10), sol.nonce, 10)).toBe(true);
	});
});

describe('speed (printed, not asserted)', () => {
	it('hashes per second: hand loop vs @oslojs/crypto per nonce', () => {
		const c = makeChallenge(1, 0);
		const h = new NonceHasher(c);
		let t = performance.now();
		let n = 0;
		while (performance.now() - t < 1500) n += searchNonces(h, 64, n, 1, 50_000).tried;
		const fast = n / ((performance.now() - t) / 1000);
		t = performance.now();
		let m = 0;
		const buf = new Uint8Array(47);
		buf.set(c);
		const v = new DataView(buf.buffer);
		while (performance.now() - t < 1500) {
			for (let k = 0; k < 10_000; k++) {
				v.setUint32(43, m++);
				sha256(buf);
			}
		}
		const oslo = m / ((performance.now() - t) / 1000);
		console.log(
			`PoW SHA-256 in Node ${process.version}: hand loop ${(fast / 1e6).toFixed(2)} M hashes/s, @oslojs/crypto ${(oslo / 1e6).toFixed(2)} M hashes/s (×${(fast / oslo).toFixed(1)})`
		);
		expect(fast).toBeGreaterThan(0);
	});
});
