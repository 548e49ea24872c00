/**
 * Issue 19 item 8: the proof-of-work and upload bars move in small steps, never back, on a slow phone.
 * The workers' real search code (runPowRequest) and the real uploader (uploadParts) feed the same
 * mapper the report page uses (submitStages); only the clock and the network are simulated.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { POW_PROGRESS_MS, POW_SLICE, runPowRequest, solvePowSync, type PowResponse } from './pow-core';
import { workerSolver, type PowWorkerLike } from './pow';
import { powFraction, submitStages, type SubmitStage } from './progress';
import { uploadParts } from './files';

function challenge(difficulty: number, seed: number): Uint8Array {
	const c = new Uint8Array(39);
	c[0] = 1;
	c[1] = 1;
	c[2] = difficulty;
	new DataView(c.buffer).setUint32(3, 1_900_000_000);
	for (let i = 7; i < 39; i++) c[i] = (i * 31 + seed * 17) & 0xff;
	return c;
}

/** The values one bar was set to, in order. */
function recorder() {
	const bars = new Map<SubmitStage, number[]>();
	return {
		bars,
		report: (stage: SubmitStage, f: number) => bars.set(stage, [...(bars.get(stage) ?? []), f])
	};
}

function steps(values: number[]): number[] {
	return values.slice(1).map((v, i) => v - (values[i] as number));
}

describe('proof-of-work bar', () => {
	it('1 − e^(−hashes/expected): 0 at the start, monotonic, below 1 until found', () => {
		expect(powFraction(0, 65536)).toBe(0);
		expect(powFraction(65536, 65536)).toBeCloseTo(0.632, 3);
		expect(powFraction(1e9, 65536)).toBe(0.99);
		expect(powFraction(5, 0)).toBe(0.5);
		let last = -1;
		for (let h = 0; h < 400_000; h += 4096) {
			const f = powFraction(h, 65536);
			expect(f).toBeGreaterThanOrEqual(last);
			last = f;
		}
	});

	it('a worker on a slow phone reports after every batch; a fast one at most every 50 ms', () => {
		const c = challenge(16, 7);
		const slow: PowResponse[] = [];
		let t = 0;
		// 4,096 hashes per 60 ms ≈ 68,000 hashes/s: a slow phone.
		runPowRequest(
			{ challenge: c, difficulty: 16, start: 0, step: 1 },
			(m) => slow.push(m),
			() => (t += 60)
		);
		const found = slow.at(-1) as Extract<PowResponse, { type: 'found' }>;
		expect(found.type).toBe('found');
		const progress = slow.filter((m) => m.type === 'progress');
		expect(progress.length).toBe(Math.floor((found.hashes - 1) / POW_SLICE));
		progress.forEach((m, i) => expect(m.hashes).toBe((i + 1) * POW_SLICE));

		const fast: PowResponse[] = [];
		let u = 0;
		// 4,096 hashes per 5 ms: one message per ten batches.
		runPowRequest(
			{ challenge: c, difficulty: 16, start: 0, step: 1 },
			(m) => fast.push(m),
			() => (u += 5)
		);
		const fastProgress = fast.filter((m) => m.type === 'progress').map((m) => m.hashes);
		expect(steps(fastProgress).every((d) => d >= (POW_PROGRESS_MS / 5) * POW_SLICE - POW_SLICE)).toBe(true);
		expect((fast.at(-1) as { nonce: number }).nonce).toBe(found.nonce);
	});

	it('two workers on a slow phone at the default 16 bits: the bar rises in steps under 10 %, never back', async () => {
		// A challenge whose search takes long (≥ 40 batches), so the bar has a long way to go.
		let seed = 1;
		while (solvePowSync(challenge(16, seed), 16) < 40 * POW_SLICE) seed++;
		const c = challenge(16, seed);
		const made: PowWorkerLike[] = [];
		let clock = 0;
		const create = (): PowWorkerLike => {
			const listeners: ((e: Event) => void)[] = [];
			let stopped = false;
			const w: PowWorkerLike = {
				addEventListener: (type, l) => void (type === 'message' && listeners.push(l)),
				terminate: () => void (stopped = true),
				postMessage: (message) =>
					setTimeout(() =>
						runPowRequest(
							message,
							(m) => !stopped && listeners.forEach((l) => l({ data: m } as unknown as Event)),
							() => (clock += 60)
						)
					)
			};
			made.push(w);
			return w;
		};
		const { bars, report } = recorder();
		const stages = submitStages(report);
		await workerSolver(create, 2)(c, 16, { onProgress: (p) => stages.onProgress({ phase: 'pow', ...p }) });
		stages.onProgress({ phase: 'uploading', done: 0, total: 0 });
		stages.stop();
		const pow = bars.get('pow') ?? [];
		expect(made).toHaveLength(2);
		expect(pow.length).toBeGreaterThan(20);
		expect(pow.at(-1)).toBe(1);
		const rising = pow.slice(0, -1);
		expect(Math.min(...steps(rising))).toBeGreaterThanOrEqual(0);
		expect(Math.max(...steps(rising))).toBeLessThanOrEqual(0.1);
		// 1/16 of the expected work per batch at 16 bits: the largest step is one batch.
		expect(Math.max(...steps(rising))).toBeLessThanOrEqual(POW_SLICE / 65536 + 1e-9);
	});
});

describe('upload bar', () => {
	afterEach(() => vi.useRealTimers());

	it('3 MiB in 1 MiB parts on a slow line: the bar creeps within each part, steps under 10 %, never back', async () => {
		vi.useFakeTimers();
		const MiB = 1 << 20;
		const file = new Blob([new Uint8Array(3 * MiB)]);
		// Each part takes 4 s to go up (≈ 256 KiB/s).
		const fetch = vi.fn(
			() => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response(null, { status: 204 })), 4000))
		);
		const { bars, report } = recorder();
		const stages = submitStages(report);
		const done = uploadParts({ id: 'i', partSize: MiB, expiresAt: 2e9 }, [file], new Set(), {
			fetch,
			onProgress: (p) => stages.onProgress({ phase: 'uploading', ...p })
		});
		await vi.advanceTimersByTimeAsync(13_000);
		await done;
		stages.onProgress({ phase: 'committing' });
		stages.stop();
		expect(fetch).toHaveBeenCalledTimes(3);
		const up = bars.get('upload') ?? [];
		expect(up.at(-1)).toBe(1);
		expect(Math.min(...steps(up))).toBeGreaterThanOrEqual(0);
		expect(Math.max(...steps(up))).toBeLessThanOrEqual(0.1);
		// Before the first part is acknowledged the bar already moved (it used to sit at 0 for the whole part).
		expect(up.some((f) => f > 0.2 && f < 1 / 3)).toBe(true);
		expect(up.length).toBeGreaterThan(60);
	});
});
