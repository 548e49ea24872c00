/**
 * Proof of work for the reporter (docs/reporting.md §1): fetch a challenge, solve it in Web Workers with
 * progress and cancellation, and hand back the `pow` object the API expects.
 *
 *   const pow = await solve('intake', { onProgress: (p) => bar(p.hashes / p.expected), signal });
 *   await fetch('/api/v1/intake', { body: JSON.stringify({ pow, files }) … });
 *
 * The solver splits the nonce space between up to `workers` workers (nonces i, i + k, i + 2k, …) and
 * terminates them all as soon as one finds a nonce, or on abort. Node tests inject `solver` (see
 * `syncSolver`) or a WorkerLike factory.
 */
import { decodeBase64urlIgnorePadding } from '@oslojs/encoding';
import { ReportError, throwIfAborted } from './errors';
import { requestJson, type HttpOptions } from './http';
import { expectedHashes, solvePowSync, type PowResponse } from './pow-core';
import { MAX_DIFFICULTY, readChallenge, type PowPurpose } from '../../shared/pow';
import type { PowChallenge, PowChallengeRequest, PowSolution } from '../../shared/wire/reporter';

export interface PowProgress {
	/** Hashes tried so far (all workers). */
	hashes: number;
	/** Expected hashes for the difficulty (2^difficulty): a rough scale for a progress bar, not a bound. */
	expected: number;
}

export interface SolveOptions {
	onProgress?: (progress: PowProgress) => void;
	signal?: AbortSignal;
}

/** Solves a challenge (raw bytes, difficulty) and resolves with the nonce. */
export type PowSolver = (challenge: Uint8Array, difficulty: number, options: SolveOptions) => Promise<number>;

/** The part of a Worker the solver uses. */
export interface PowWorkerLike {
	postMessage(message: unknown): void;
	addEventListener(type: 'message' | 'error', listener: (event: Event) => void): void;
	terminate(): void;
}

/** The default PoW worker, bundled by Vite. */
function createPowWorker(): PowWorkerLike {
	return new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
}

function defaultWorkers(): number {
	const n =
		typeof navigator !== 'undefined' && typeof navigator.hardwareConcurrency === 'number'
			? navigator.hardwareConcurrency
			: 1;
	return Math.max(1, Math.min(4, n - 1 || 1));
}

/**
 * A solver that runs in Web Workers. `workers` (default: cores − 1, at most 4) workers search disjoint
 * nonce sequences; `create` makes one worker (injectable).
 */
export function workerSolver(create: () => PowWorkerLike = createPowWorker, workers = defaultWorkers()): PowSolver {
	return (challenge, difficulty, { onProgress, signal }) =>
		new Promise<number>((resolve, reject) => {
			if (signal?.aborted) return reject(new ReportError('cancelled', 'cancelled by the caller'));
			const expected = expectedHashes(difficulty);
			const running: PowWorkerLike[] = [];
			const counts: number[] = [];
			let settled = false;
			const stop = () => {
				settled = true;
				signal?.removeEventListener('abort', onAbort);
				for (const w of running) w.terminate();
			};
			const onAbort = () => {
				if (settled) return;
				stop();
				reject(new ReportError('cancelled', 'cancelled by the caller'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			const fail = (why: string) => {
				if (settled) return;
				stop();
				reject(new ReportError('pow_failed', why));
			};
			try {
				for (let i = 0; i < workers; i++) {
					const w = create();
					running.push(w);
					counts.push(0);
					w.addEventListener('message', (event) => {
						if (settled) return;
						const m = (event as MessageEvent<PowResponse>).data;
						if (m.type === 'error') return fail(`proof-of-work worker: ${m.message}`);
						counts[i] = m.hashes;
						const hashes = counts.reduce((a, b) => a + b, 0);
						onProgress?.({ hashes, expected });
						if (m.type === 'found') {
							stop();
							resolve(m.nonce);
						}
					});
					w.addEventListener('error', () => fail('the proof-of-work worker failed to load or crashed'));
					w.postMessage({ challenge, difficulty, start: i, step: workers });
				}
			} catch (e) {
				fail(e instanceof Error ? e.message : 'could not start the proof-of-work worker');
			}
		});
}

/**
 * A solver on the calling thread (Node tests, or a fallback where Workers are unavailable). It blocks
 * while it works; abort is checked before starting only.
 */
export const syncSolver: PowSolver = async (challenge, difficulty, { onProgress, signal }) => {
	throwIfAborted(signal);
	const expected = expectedHashes(difficulty);
	return solvePowSync(challenge, difficulty, (hashes) => onProgress?.({ hashes, expected }));
};

let sharedSolver: PowSolver | null = null;

/** The page's default solver (Web Workers). */
function defaultSolver(): PowSolver {
	sharedSolver ??= workerSolver();
	return sharedSolver;
}

/** POST /api/v1/pow: a fresh challenge for `purpose`. */
export async function fetchChallenge(purpose: PowPurpose, options: HttpOptions = {}): Promise<PowChallenge> {
	const request: PowChallengeRequest = { purpose };
	const answer = await requestJson<unknown>('/api/v1/pow', { ...options, method: 'POST', json: request });
	const a = answer as Partial<PowChallenge> | null;
	if (!a || typeof a.challenge !== 'string' || typeof a.difficulty !== 'number' || typeof a.expiresAt !== 'number') {
		throw new ReportError('server', 'not a proof-of-work challenge');
	}
	return { challenge: a.challenge, difficulty: a.difficulty, expiresAt: a.expiresAt };
}

/**
 * Solves a challenge the server issued. The difficulty that counts is the one inside the signed
 * challenge bytes; a challenge that is not version 1, has another purpose, or asks for more than
 * MAX_DIFFICULTY bits is refused (`pow_failed`) rather than worked on.
 */
export async function solveChallenge(
	c: PowChallenge,
	purpose: PowPurpose,
	options: SolveOptions & { solver?: PowSolver } = {}
): Promise<PowSolution> {
	let bytes: Uint8Array;
	try {
		bytes = decodeBase64urlIgnorePadding(c.challenge);
	} catch {
		throw new ReportError('pow_failed', 'challenge is not base64url');
	}
	const info = readChallenge(bytes);
	if (!info || info.purpose !== purpose) throw new ReportError('pow_failed', 'unexpected challenge format or purpose');
	const difficulty = Math.max(info.difficulty, c.difficulty);
	if (difficulty > MAX_DIFFICULTY)
		throw new ReportError('pow_failed', `difficulty ${difficulty} is beyond what this client will do`);
	const nonce = await (options.solver ?? defaultSolver())(bytes, difficulty, options);
	return { challenge: c.challenge, nonce };
}

/** Fetches a challenge for `purpose` and solves it: the `pow` field of the next request. */
export async function solve(
	purpose: PowPurpose,
	options: SolveOptions & HttpOptions & { solver?: PowSolver } = {}
): Promise<PowSolution> {
	const c = await fetchChallenge(purpose, options);
	return solveChallenge(c, purpose, options);
}
