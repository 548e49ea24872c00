/**
 * Progress as the reporter's pages show it: the library's detailed events (submit.ts `SubmitProgress`,
 * followup.ts `OpenProgress`) mapped to a few bars, each filled from 0 to 1. Argon2id says only "started"
 * and "done", so its bar creeps towards 95 % over the time the last derivation took.
 *
 * Proof of work: the workers report after each batch of hashes (pow-core.ts POW_SLICE); the bar shows
 * 1 − e^(−hashes/expected), the chance the search would have ended by now. It rises in steps of at most
 * batch/expected (1/16 at the default 16 bits), never stalls at a cap and never goes back.
 * Upload: files go up in parts of 1 MiB (files.ts); while a part is in flight its bar creeps across the
 * part at the speed the previous parts went (a guess for the first), stopping short of the part's end, so
 * a 3 MiB upload no longer jumps in thirds.
 */
import type { OpenProgress } from './followup';
import type { SubmitProgress } from './submit';

/** The bars of a submission (`files` only when files are attached). */
export type SubmitStage = 'files' | 'receipt' | 'pow' | 'upload' | 'commit';
/** The bars of opening a report with its receipt. */
export type FollowUpStage = 'kdf' | 'pow' | 'open';

/** Sets one bar to a fraction from 0 to 1. */
export type StageReport<S extends string> = (stage: S, fraction: number) => void;

/** Maps a library's events to bars; `stop` ends a bar still creeping (call it when the operation ends). */
export interface StageMapper<P> {
	onProgress(progress: P): void;
	stop(): void;
}

/** A bar that creeps towards `cap` over `estimateMs` (for steps that only say "started" and "done"). */
function creeping(report: (fraction: number) => void, estimateMs: number, cap = 0.95): () => void {
	const t0 = Date.now();
	const timer = setInterval(() => report(Math.min(cap, (Date.now() - t0) / Math.max(estimateMs, 1))), 150);
	return () => clearInterval(timer);
}

/** The proof-of-work bar: 1 − e^(−hashes/expected), at most 0.99 until the nonce is found. */
export function powFraction(hashes: number, expected: number): number {
	if (!(expected > 0)) return 0.5;
	return Math.min(0.99, 1 - Math.exp(-Math.max(0, hashes) / expected));
}

/** Speed assumed for the first part of an upload, in bytes per millisecond (≈ 250 KiB/s, a slow phone). */
export const FIRST_PART_BYTES_PER_MS = 256;

/**
 * The upload bar: `done` of `total` bytes acknowledged, `sending` bytes in flight. While a part is in
 * flight the bar creeps towards 95 % of it at the measured speed; `stop` ends the creeping.
 */
export function uploadCreep(report: (fraction: number) => void, now: () => number = () => Date.now()) {
	let timer: ReturnType<typeof setInterval> | null = null;
	let partStart = 0;
	let partBytes = 0;
	let bytesPerMs = FIRST_PART_BYTES_PER_MS;
	let shown = 0;
	const show = (f: number) => {
		if (f < shown) return;
		shown = f;
		report(f);
	};
	const stop = () => {
		if (timer) clearInterval(timer);
		timer = null;
	};
	return {
		stop,
		update(done: number, total: number, sending = 0) {
			const t = now();
			if (partBytes > 0 && t > partStart) bytesPerMs = partBytes / (t - partStart);
			stop();
			partBytes = 0;
			if (total <= 0) return show(1);
			show(done / total);
			if (sending <= 0) return;
			partStart = t;
			partBytes = sending;
			const speed = bytesPerMs;
			timer = setInterval(() => {
				const guess = Math.min(0.95 * sending, (now() - partStart) * speed);
				show((done + guess) / total);
			}, 100);
		}
	};
}

/** The five bars of a submission. */
export function submitStages(
	report: StageReport<SubmitStage>,
	now: () => number = () => Date.now()
): StageMapper<SubmitProgress> {
	let stopKdf: (() => void) | null = null;
	const upload = uploadCreep((f) => report('upload', f), now);
	const stop = () => {
		stopKdf?.();
		stopKdf = null;
		upload.stop();
	};
	return {
		stop,
		onProgress(p) {
			switch (p.phase) {
				case 'encrypting':
					report('files', p.total > 0 ? p.done / p.total : 1);
					break;
				case 'deriving':
					if (p.kdf.state === 'started') {
						report('files', 1);
						stop();
						stopKdf = creeping((f) => report('receipt', f), p.kdf.estimateMs ?? 3000);
					} else {
						stop();
						report('receipt', 1);
					}
					break;
				case 'pow':
					report('receipt', 1);
					report('pow', powFraction(p.hashes, p.expected));
					break;
				case 'uploading':
					report('pow', 1);
					upload.update(p.done, p.total, p.sending);
					break;
				case 'committing':
					upload.stop();
					report('pow', 1);
					report('upload', 1);
					report('commit', 0.5);
					break;
			}
		}
	};
}

/** The three bars of opening a report: key derivation, proof of work, opening. */
export function openStages(report: StageReport<FollowUpStage>): StageMapper<OpenProgress> {
	let stopKdf: (() => void) | null = null;
	const stop = () => {
		stopKdf?.();
		stopKdf = null;
	};
	return {
		stop,
		onProgress(p) {
			if (p.phase === 'deriving') {
				stop();
				if (p.kdf.state === 'started') stopKdf = creeping((f) => report('kdf', f), p.kdf.estimateMs ?? 3000);
				else report('kdf', 1);
			} else if (p.phase === 'pow') {
				report('kdf', 1);
				report('pow', powFraction(p.hashes, p.expected));
			} else if (p.phase === 'opening') {
				report('kdf', 1);
				report('pow', 1);
				report('open', 0.5);
			}
		}
	};
}
