/**
 * The background jobs the app runs, whoever runs them (pg-boss on PostgreSQL, the in-process timer on
 * PGlite). A module adds its job with `registerJob` from here (not from ./index, which imports the
 * modules that register, so importing it back would be a cycle) and is imported once by ./index.
 */
import type { Db } from '$lib/server/db';
import type { log as appLog } from '$lib/server/log';
import { CHINA_TIME_ZONE } from '$lib/server/calendar';
import { parseCron, type CronSchedule } from './cron';

/**
 * A job's work: gets the app's database and the time of the run, returns counts for the log line
 * (only finite numbers and booleans of the answer are logged: never put names or content in it).
 */
export type JobHandler = (db: Db, now: Date) => Promise<object>;

export interface JobOptions {
	/** Time zone the cron expression is read in (default Asia/Shanghai). */
	timeZone?: string;
	/** A run taking longer is given up by pg-boss and counted as failed (default 600 s). */
	timeoutSeconds?: number;
}

export interface JobDefinition {
	name: string;
	cron: string;
	schedule: CronSchedule;
	handler: JobHandler;
	timeZone: string;
	timeoutSeconds: number;
}

export type Log = typeof appLog;

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Checks and builds a job definition (throws on a bad name, cron expression, time zone or timeout). */
export function defineJob(name: string, cron: string, handler: JobHandler, opts: JobOptions = {}): JobDefinition {
	if (!NAME.test(name)) throw new Error(`job name ${JSON.stringify(name)}: use 1-64 of a-z, 0-9, _ and -`);
	const schedule = parseCron(cron);
	const timeZone = opts.timeZone ?? CHINA_TIME_ZONE;
	new Intl.DateTimeFormat('en-US', { timeZone }); // RangeError for an unknown zone
	const timeoutSeconds = opts.timeoutSeconds ?? 600;
	if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 86_400)
		throw new Error('timeoutSeconds must be 1 to 86400');
	return { name, cron: cron.trim().split(/\s+/).join(' '), schedule, handler, timeZone, timeoutSeconds };
}

const registry = new Map<string, JobDefinition>();

/**
 * Adds a job to the app's registry; `startJobs` schedules every registered job. A name can be
 * registered once (a second registration is a programming error and throws). Returns an undo function.
 */
export function registerJob(name: string, cron: string, handler: JobHandler, opts: JobOptions = {}): () => void {
	if (registry.has(name)) throw new Error(`job ${name} is already registered`);
	const def = defineJob(name, cron, handler, opts);
	registry.set(name, def);
	return () => {
		if (registry.get(name) === def) registry.delete(name);
	};
}

/** The registered jobs, in registration order. */
export function registeredJobs(): JobDefinition[] {
	return [...registry.values()];
}

const RESERVED = new Set(['t', 'level', 'event', 'job', 'runner', 'run', 'ms', 'error']);

/** The loggable part of a handler's answer: finite numbers and booleans under plain keys. */
export function countsOf(result: unknown): Record<string, number | boolean> {
	const out: Record<string, number | boolean> = {};
	if (typeof result !== 'object' || result === null) return out;
	for (const [k, v] of Object.entries(result)) {
		if (RESERVED.has(k) || !/^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(k)) continue;
		if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[k] = v;
	}
	return out;
}

/**
 * Runs a job once and writes one log line: `job_done` with the duration and counts, or `job_failed`
 * with the error (as the app's error hook logs it: class and message, cut short). Rethrows a failure so
 * pg-boss can retry. `runId` (pg-boss: the job's id in its job table) goes into the line as `run`, so a
 * run can be matched across the logs of several servers.
 */
export async function runJob(
	def: JobDefinition,
	db: Db,
	log: Log,
	runner: 'pg-boss' | 'timer',
	now = new Date(),
	runId?: string
): Promise<Record<string, number | boolean>> {
	const started = performance.now();
	const id: Record<string, string> = runId ? { run: runId } : {};
	try {
		const counts = countsOf(await def.handler(db, now));
		log('info', 'job_done', { job: def.name, runner, ...id, ms: Math.round(performance.now() - started), ...counts });
		return counts;
	} catch (e) {
		log('error', 'job_failed', {
			job: def.name,
			runner,
			...id,
			ms: Math.round(performance.now() - started),
			error: errorText(e)
		});
		throw e;
	}
}

/** An error as one short line (class and message), for logs. */
export function errorText(e: unknown): string {
	return e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : 'unknown';
}
