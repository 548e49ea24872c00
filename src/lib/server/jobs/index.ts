/**
 * Background jobs (docs/operations.md, "Background jobs"). `startJobs` runs every registered job on its
 * cron schedule: through pg-boss when the database is PostgreSQL, through a minimal in-process timer
 * when it is PGlite (pg-boss needs a PostgreSQL server to connect to; see ./timer.ts). JOBS=off turns
 * both off (e.g. for a server that should only answer requests while another one runs the jobs).
 *
 * Jobs are registered with `registerJob(name, cron, handler)` (./registry.ts); the module that owns a job
 * registers it and is imported below, so registration happens before `startJobs` runs.
 */
import type { Config } from '$lib/server/config';
import { ConfigError } from '$lib/server/config';
import type { Database } from '$lib/server/db';
import { cleanupExpired } from '$lib/server/reports/cleanup';
// Registers 'deadline-reminders' (due-soon and overdue notices for staff).
import '$lib/server/backoffice/reminders';
// Registers 'audit-anchor' (signed audit chain head written outside the database, when configured).
import '$lib/server/audit/anchor-job';
// Registers 'key-stay-sweep' (expired key stays of staff sessions, issue 18).
import '$lib/server/auth/key-stay';
import { registerJob, registeredJobs, type JobDefinition, type Log } from './registry';
import { startTimerRunner, type JobRunner } from './timer';

export {
	registerJob,
	registeredJobs,
	defineJob,
	type JobDefinition,
	type JobHandler,
	type JobOptions
} from './registry';
export type { JobRunner } from './timer';

/* ------------------------------------------------------------------ the app's jobs */

/** Every 10 minutes: expired uncommitted uploads and spent proof-of-work ids (src/lib/server/reports/cleanup.ts). */
registerJob('cleanup-expired', '*/10 * * * *', (db, now) => cleanupExpired(db, now));

/* ------------------------------------------------------------------ configuration */

/**
 * JOBS: `on` (default) or `off`; also accepted: 1/0, true/false, yes/no. It is read here rather than in
 * config.ts so the jobs module owns its one setting; a bad value throws ConfigError like the others.
 */
export function jobsEnabled(env: Record<string, string | undefined>): boolean {
	const raw = env.JOBS?.trim() ?? '';
	const v = raw.toLowerCase();
	if (v === '' || v === 'on' || v === '1' || v === 'true' || v === 'yes') return true;
	if (v === 'off' || v === '0' || v === 'false' || v === 'no') return false;
	throw new ConfigError('JOBS', 'on or off', raw);
}

/* ------------------------------------------------------------------ start and stop */

export interface StartJobsOptions {
	config: Pick<Config, 'databaseUrl'>;
	database: Pick<Database, 'db' | 'kind'>;
	log: Log;
	/** Default: from JOBS in the process environment. */
	enabled?: boolean;
	/** Default: every registered job. */
	jobs?: readonly JobDefinition[];
	/** pg-boss workers' polling interval (default 5 s). */
	pollingIntervalSeconds?: number;
	/** Timer runner check interval (tests; default each minute). */
	tickMs?: number;
	now?: () => Date;
}

/** Starts the runner that fits the database; call `stop()` before closing the database. */
export async function startJobs(opts: StartJobsOptions): Promise<JobRunner> {
	const { database, log } = opts;
	const enabled = opts.enabled ?? jobsEnabled(process.env);
	const jobs = opts.jobs ?? registeredJobs();
	if (!enabled) {
		log('info', 'jobs_disabled', { reason: 'JOBS=off' });
		return {
			kind: 'off',
			trigger: async () => {
				throw new Error('background jobs are off (JOBS=off)');
			},
			stop: async () => {}
		};
	}
	if (database.kind === 'postgres') {
		if (!opts.config.databaseUrl) throw new Error('startJobs: a PostgreSQL database needs config.databaseUrl');
		const { startPgBossRunner } = await import('./pgboss');
		return startPgBossRunner({
			databaseUrl: opts.config.databaseUrl,
			db: database.db,
			jobs,
			log,
			pollingIntervalSeconds: opts.pollingIntervalSeconds
		});
	}
	return startTimerRunner({ db: database.db, jobs, log, tickMs: opts.tickMs, now: opts.now });
}
