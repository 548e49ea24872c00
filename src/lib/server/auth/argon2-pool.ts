/**
 * Argon2id off the event loop (issue 16, "one client can stall the service"): the server's hashes of staff
 * auth keys run in a small pool of worker threads, so a burst of sign-ins or resets delays other sign-ins,
 * never intake or page loads. At most `size` hashes run at once (2 by default, fewer on a one-core machine);
 * the rest wait in a queue. Idle threads do not keep the process alive; a running job does.
 */
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type Argon2Job =
	| {
			op: 'hash';
			password: Uint8Array;
			salt: Uint8Array;
			memorySize: number;
			iterations: number;
			parallelism: number;
			hashLength: number;
	  }
	| { op: 'verify'; password: Uint8Array; hash: string };

/** The worker's code: hash-wasm loaded from the path the main thread resolved. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { argon2id, argon2Verify } = require(workerData.hashWasm);
parentPort.on('message', async ({ id, job }) => {
	try {
		const value = job.op === 'hash'
			? await argon2id({ password: job.password, salt: job.salt, memorySize: job.memorySize, iterations: job.iterations, parallelism: job.parallelism, hashLength: job.hashLength, outputType: 'encoded' })
			: await argon2Verify({ password: job.password, hash: job.hash });
		parentPort.postMessage({ id, value });
	} catch (e) {
		parentPort.postMessage({ id, error: String(e && e.message || e) });
	}
});
`;

interface Pending {
	id: number;
	job: Argon2Job;
	resolve: (v: string | boolean) => void;
	reject: (e: Error) => void;
}

export class Argon2Pool {
	private readonly idle: Worker[] = [];
	private readonly all = new Set<Worker>();
	private readonly queue: Pending[] = [];
	private readonly running = new Map<Worker, Pending>();
	private nextId = 1;
	private readonly hashWasm = createRequire(import.meta.url).resolve('hash-wasm');

	constructor(readonly size: number = Math.max(1, Math.min(2, cpus().length - 1))) {}

	/** Runs one job in a worker thread. */
	run(job: Argon2Job): Promise<string | boolean> {
		return new Promise((resolve, reject) => {
			this.queue.push({ id: this.nextId++, job, resolve, reject });
			this.pump();
		});
	}

	/** Jobs waiting for a thread (not counting those running). */
	get waiting(): number {
		return this.queue.length;
	}

	private spawn(): Worker {
		const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm: this.hashWasm } });
		w.unref();
		w.on('message', (m: { id: number; value?: string | boolean; error?: string }) => {
			const p = this.running.get(w);
			this.running.delete(w);
			if (p && p.id === m.id) {
				if (m.error !== undefined) p.reject(new Error(m.error));
				else p.resolve(m.value!);
			}
			w.unref(); // idle: does not keep the process alive
			this.idle.push(w);
			this.pump();
		});
		w.on('error', (e) => this.lose(w, e));
		w.on('exit', () => this.lose(w, new Error('argon2 worker exited')));
		this.all.add(w);
		return w;
	}

	private lose(w: Worker, e: Error): void {
		if (!this.all.delete(w)) return;
		const i = this.idle.indexOf(w);
		if (i >= 0) this.idle.splice(i, 1);
		const p = this.running.get(w);
		this.running.delete(w);
		p?.reject(e);
		this.pump();
	}

	private pump(): void {
		while (this.queue.length > 0) {
			const w = this.idle.pop() ?? (this.all.size < this.size ? this.spawn() : null);
			if (!w) return;
			const p = this.queue.shift()!;
			this.running.set(w, p);
			w.ref(); // a job under way keeps the process alive until it answers (scripts await it)
			w.postMessage({ id: p.id, job: p.job });
		}
	}

	/** Stops every thread (tests). */
	async close(): Promise<void> {
		const ws = [...this.all];
		await Promise.all(ws.map((w) => w.terminate()));
	}
}

let shared: Argon2Pool | null = null;

/** The process's pool, started on first use. */
export function argon2Pool(): Argon2Pool {
	shared ??= new Argon2Pool();
	return shared;
}
