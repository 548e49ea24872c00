/**
 * Progress as the reporter's pages show it: the library's detailed events (submit.ts `SubmitProgress`,
 * followup.ts `OpenProgress`) mapped to a few bars, each filled from 0 to 1. Argon2id says only "started"
 * and "done", so its bar creeps towards 95 % over the time the last derivation took.
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

/** The five bars of a submission. */
export function submitStages(report: StageReport<SubmitStage>): StageMapper<SubmitProgress> {
	let stopKdf: (() => void) | null = null;
	const stop = () => {
		stopKdf?.();
		stopKdf = null;
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
					report('pow', p.expected > 0 ? Math.min(0.95, p.hashes / p.expected) : 0.5);
					break;
				case 'uploading':
					report('pow', 1);
					report('upload', p.total > 0 ? p.done / p.total : 1);
					break;
				case 'committing':
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
				report('pow', p.expected > 0 ? Math.min(0.95, p.hashes / p.expected) : 0.5);
			} else if (p.phase === 'opening') {
				report('kdf', 1);
				report('pow', 1);
				report('open', 0.5);
			}
		}
	};
}
