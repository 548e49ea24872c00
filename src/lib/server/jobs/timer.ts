/**
 * The PGlite exception: pg-boss needs a PostgreSQL server it can connect to over the network, and PGlite
 * runs inside this process, so with PGlite the registered jobs run from this minimal in-process timer
 * instead. It checks once a minute, runs the jobs whose cron expression matches that minute, never runs
 * a job while its previous run is still going, and logs each run like the pg-boss runner does.
 * PGlite means one app server, so there is nobody to coordinate with; nothing is persisted (a run missed
 * while the server was down is simply not made up, which suits cleanup-style jobs).
 */
import type { Db } from '$lib/server/db';
import { cronMatches } from './cron';
import { runJob, type JobDefinition, type Log } from './registry';

export interface JobRunner {
	kind: 'pg-boss' | 'timer' | 'off';
	/** Runs a registered job now, outside its schedule: the timer waits for the run; pg-boss queues it. */
	trigger(name: string): Promise<void>;
	/** Stops scheduling, waits for running jobs (up to `stopTimeoutMs`), releases resources. */
	stop(): Promise<void>;
}

export interface TimerRunnerOptions {
	db: Db;
	jobs: readonly JobDefinition[];
	log: Log;
	/** Clock (tests); default the real one. */
	now?: () => Date;
	/** Milliseconds between checks (tests); default: just after each minute boundary. */
	tickMs?: number;
	/** How long stop() waits for running jobs (default 10 s). */
	stopTimeoutMs?: number;
}

export function startTimerRunner(opts: TimerRunnerOptions): JobRunner {
	const { db, jobs, log } = opts;
	const now = opts.now ?? (() => new Date());
	const lastMinute = new Map<string, number>();
	const running = new Map<string, Promise<void>>();
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | null = null;

	const start = (def: JobDefinition, at: Date): Promise<void> => {
		const busy = running.get(def.name);
		if (busy) {
			log('warn', 'job_skipped', { job: def.name, runner: 'timer', reason: 'still_running' });
			return busy;
		}
		const run = runJob(def, db, log, 'timer', at)
			.then(
				() => undefined,
				() => undefined // logged by runJob; the next scheduled run tries again
			)
			.finally(() => running.delete(def.name));
		running.set(def.name, run);
		return run;
	};

	const tick = () => {
		timer = null;
		if (stopped) return;
		const at = now();
		const minute = Math.floor(at.getTime() / 60_000);
		for (const def of jobs) {
			if (lastMinute.get(def.name) === minute) continue;
			if (!cronMatches(def.schedule, at, def.timeZone)) continue;
			lastMinute.set(def.name, minute);
			void start(def, at);
		}
		schedule();
	};

	const schedule = () => {
		if (stopped) return;
		const delay = opts.tickMs ?? 60_000 - (Date.now() % 60_000) + 1_000;
		timer = setTimeout(tick, delay);
		timer.unref?.();
	};

	schedule();
	log('info', 'jobs_started', { runner: 'timer', jobs: jobs.length });

	return {
		kind: 'timer',
		trigger: async (name) => {
			const def = jobs.find((j) => j.name === name);
			if (!def) throw new Error(`no job named ${name}`);
			if (stopped) throw new Error('the job runner is stopped');
			await start(def, now());
		},
		stop: async () => {
			if (stopped) return;
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = null;
			const pending = [...running.values()];
			if (pending.length > 0) {
				const limit = new Promise<'timeout'>((resolve) =>
					setTimeout(() => resolve('timeout'), opts.stopTimeoutMs ?? 10_000).unref?.()
				);
				if ((await Promise.race([Promise.all(pending), limit])) === 'timeout') {
					log('warn', 'jobs_stop_timeout', { runner: 'timer', running: running.size });
				}
			}
			log('info', 'jobs_stopped', { runner: 'timer' });
		}
	};
}
