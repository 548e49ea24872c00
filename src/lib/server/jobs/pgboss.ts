/**
 * Background jobs on PostgreSQL through pg-boss: its own schema (`pgboss`) in the app's database, a
 * small pool of its own (node-postgres, 2 connections), one queue per registered job with the
 * `singleton` policy (at most one active run across all app servers), a cron schedule per job (pg-boss
 * makes sure each cron slot is sent once, however many servers run), and a worker per job on every
 * server. The handlers get the app's own Drizzle database.
 */
import type PgBoss from 'pg-boss';
import type { Db } from '$lib/server/db';
import { errorText, runJob, type JobDefinition, type Log } from './registry';
import type { JobRunner } from './timer';

export const PGBOSS_SCHEMA = 'pgboss';

export interface PgBossRunnerOptions {
	databaseUrl: string;
	db: Db;
	jobs: readonly JobDefinition[];
	log: Log;
	/** How often each worker looks for work (default 5 s; pg-boss's minimum is 0.5 s). */
	pollingIntervalSeconds?: number;
	/** How long stop() lets running jobs finish (default 10 s). */
	stopTimeoutMs?: number;
}

export async function startPgBossRunner(opts: PgBossRunnerOptions): Promise<JobRunner & { boss: PgBoss }> {
	const { db, jobs, log } = opts;
	const { default: PgBossClass } = await import('pg-boss');
	const boss = new PgBossClass({
		connectionString: opts.databaseUrl,
		schema: PGBOSS_SCHEMA,
		max: 2,
		application_name: 'qingfeng-jobs'
	});
	// An EventEmitter without an 'error' listener would crash the process on a lost connection.
	boss.on('error', (e) => log('error', 'jobs_error', { runner: 'pg-boss', error: errorText(e) }));
	await boss.start();
	try {
		const names = new Set(jobs.map((j) => j.name));
		for (const def of jobs) {
			await boss.createQueue(def.name, {
				name: def.name,
				policy: 'singleton',
				retryLimit: 2,
				retryDelay: 60,
				expireInSeconds: def.timeoutSeconds
			});
			await boss.schedule(def.name, def.cron, {}, { tz: def.timeZone });
			await boss.work(
				def.name,
				{ pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 5, batchSize: 1 },
				async (batch) => {
					for (const job of batch) await runJob(def, db, log, 'pg-boss', new Date(), job.id);
				}
			);
		}
		// A schedule this release does not know is left alone (during a rolling upgrade another server may
		// run a newer or older release that does know it); it is only reported.
		for (const s of await boss.getSchedules()) {
			if (!names.has(s.name)) log('warn', 'job_schedule_unknown', { job: s.name, runner: 'pg-boss' });
		}
	} catch (e) {
		await boss.stop({ graceful: false }).catch(() => {});
		throw e;
	}
	log('info', 'jobs_started', { runner: 'pg-boss', jobs: jobs.length });

	let stopping: Promise<void> | null = null;
	return {
		kind: 'pg-boss',
		boss,
		trigger: async (name) => {
			if (!jobs.some((j) => j.name === name)) throw new Error(`no job named ${name}`);
			await boss.send(name, {});
		},
		stop: () =>
			(stopping ??= (async () => {
				// Waits for running handlers (up to the timeout), then fails what is left and closes the pool.
				await boss.stop({ graceful: true, wait: true, timeout: opts.stopTimeoutMs ?? 10_000 });
				log('info', 'jobs_stopped', { runner: 'pg-boss' });
			})())
	};
}
