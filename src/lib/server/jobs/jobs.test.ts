import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { isolatedDatabase } from '$support/db';
import type { Db } from '$lib/server/db';
import { rowsOf } from '$lib/server/org/sql';
import { CronError, cronMatches, parseCron } from './cron';
import { countsOf, defineJob, registerJob, registeredJobs, runJob, type Log } from './registry';
import { startTimerRunner } from './timer';
import { PGBOSS_SCHEMA, startPgBossRunner } from './pgboss';

type Line = { level: string; event: string; fields: Record<string, unknown> };
function capture(): { log: Log; lines: Line[] } {
	const lines: Line[] = [];
	const log: Log = (level, event, fields = {}) => {
		lines.push({ level, event, fields });
	};
	return { log, lines };
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error('timed out waiting');
		await new Promise((r) => setTimeout(r, 25));
	}
}

const at = (iso: string) => new Date(iso);

describe('cron expressions', () => {
	it('parses the fields this project uses', () => {
		const s = parseCron('*/10 * * * *');
		expect([...s.minutes]).toEqual([0, 10, 20, 30, 40, 50]);
		expect(s.hours.size).toBe(24);
		expect([...parseCron('5 8-18/5 1,15 * 1-5').hours]).toEqual([8, 13, 18]);
		expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
		expect([...parseCron('5/20 * * * *').minutes]).toEqual([5, 25, 45]);
		for (const bad of [
			'',
			'* * * *',
			'* * * * * *',
			'60 * * * *',
			'* 24 * * *',
			'* * 0 * *',
			'* * * 13 *',
			'* * * * 8',
			'*/0 * * * *',
			'5-1 * * * *',
			'a * * * *',
			'0 0 * JAN *'
		]) {
			expect(() => parseCron(bad), bad).toThrow(CronError);
		}
	});

	it('matches minutes in the job time zone', () => {
		const every10 = parseCron('*/10 * * * *');
		expect(cronMatches(every10, at('2026-11-27T09:40:59Z'), 'Asia/Shanghai')).toBe(true);
		expect(cronMatches(every10, at('2026-11-27T09:41:00Z'), 'Asia/Shanghai')).toBe(false);
		// 08:30 on weekdays, China time = 00:30 UTC.
		const morning = parseCron('30 8 * * 1-5');
		expect(cronMatches(morning, at('2026-11-27T00:30:00Z'), 'Asia/Shanghai')).toBe(true); // Friday
		expect(cronMatches(morning, at('2026-11-28T00:30:00Z'), 'Asia/Shanghai')).toBe(false); // Saturday
		expect(cronMatches(morning, at('2026-11-27T08:30:00Z'), 'UTC')).toBe(true);
		expect(cronMatches(morning, at('2026-11-27T08:30:00Z'), 'Asia/Shanghai')).toBe(false);
		// Both day fields restricted: either one matches (classic cron).
		const either = parseCron('0 0 1 * 1');
		expect(cronMatches(either, at('2026-12-01T00:00:00Z'), 'UTC')).toBe(true); // the 1st, a Tuesday
		expect(cronMatches(either, at('2026-11-30T00:00:00Z'), 'UTC')).toBe(true); // a Monday
		expect(cronMatches(either, at('2026-12-02T00:00:00Z'), 'UTC')).toBe(false);
		// Midnight is hour 0, not 24.
		expect(cronMatches(parseCron('0 0 * * *'), at('2026-11-27T16:00:00Z'), 'Asia/Shanghai')).toBe(true);
	});
});

describe('job registry', () => {
	it('checks definitions', () => {
		const h = async () => ({});
		expect(defineJob('a-job_1', ' 0  3 * * * ', h)).toMatchObject({
			name: 'a-job_1',
			cron: '0 3 * * *',
			timeZone: 'Asia/Shanghai',
			timeoutSeconds: 600
		});
		expect(() => defineJob('Bad Name', '* * * * *', h)).toThrow(/job name/);
		expect(() => defineJob('x', '* * *', h)).toThrow(CronError);
		expect(() => defineJob('x', '* * * * *', h, { timeZone: 'Nowhere/Else' })).toThrow(RangeError);
		expect(() => defineJob('x', '* * * * *', h, { timeoutSeconds: 0 })).toThrow(/timeoutSeconds/);
	});

	it('registers a name once and can undo it', () => {
		const undo = registerJob('test-registry-probe', '0 0 * * *', async () => ({}));
		expect(registeredJobs().map((j) => j.name)).toContain('test-registry-probe');
		expect(() => registerJob('test-registry-probe', '0 0 * * *', async () => ({}))).toThrow(/already registered/);
		undo();
		expect(registeredJobs().map((j) => j.name)).not.toContain('test-registry-probe');
	});

	it('logs only counts', async () => {
		expect(
			countsOf({
				uploads: 3,
				pow: 0,
				ok: true,
				name: 'someone',
				nested: { a: 1 },
				big: Infinity,
				event: 5,
				run: 7,
				'bad key': 1
			})
		).toEqual({ uploads: 3, pow: 0, ok: true });
		expect(countsOf(null)).toEqual({});
		const { log, lines } = capture();
		const def = defineJob('counting', '* * * * *', async () => ({ deleted: 2, who: 'secret' }));
		expect(await runJob(def, null as unknown as Db, log, 'timer')).toEqual({ deleted: 2 });
		expect(lines).toEqual([
			{
				level: 'info',
				event: 'job_done',
				fields: { job: 'counting', runner: 'timer', ms: expect.any(Number), deleted: 2 }
			}
		]);
		const failing = defineJob('failing', '* * * * *', async () => {
			throw new TypeError('boom');
		});
		await expect(runJob(failing, null as unknown as Db, log, 'pg-boss')).rejects.toThrow('boom');
		expect(lines[1]).toEqual({
			level: 'error',
			event: 'job_failed',
			fields: { job: 'failing', runner: 'pg-boss', ms: expect.any(Number), error: 'TypeError: boom' }
		});
	});
});

/** A handler that writes to the database it is given, so a run is visible in the data. */
function probeJob(name: string, cron: string, opts: { delayMs?: number; failFirst?: boolean } = {}) {
	const calls: Date[] = [];
	let failed = false;
	const def = defineJob(name, cron, async (db, now) => {
		calls.push(now);
		if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
		if (opts.failFirst && !failed) {
			failed = true;
			throw new Error('first run fails');
		}
		await db.execute(sql`insert into job_probe (job, at) values (${name}, ${now.toISOString()})`);
		const [row] = rowsOf<{ n: number }>(
			await db.execute(sql`select count(*)::int as n from job_probe where job = ${name}`)
		);
		return { runs: row?.n ?? -1 };
	});
	return { def, calls };
}

async function probeRows(db: Db, name: string): Promise<number> {
	const [row] = rowsOf<{ n: number }>(
		await db.execute(sql`select count(*)::int as n from job_probe where job = ${name}`)
	);
	return row?.n ?? -1;
}

describe('in-process timer runner [pglite]', () => {
	let d: Awaited<ReturnType<typeof isolatedDatabase>>;
	beforeAll(async () => {
		d = await isolatedDatabase('pglite');
		await d.db.execute(sql`create table job_probe (job text not null, at text not null)`);
	});
	afterAll(async () => {
		await d?.drop();
	});

	it('runs a job once in each minute its cron matches, and never in others', async () => {
		let clock = at('2026-11-27T09:39:30Z');
		const every10 = probeJob('every-10', '*/10 * * * *');
		const daily = probeJob('daily', '5 3 * * *');
		const { log, lines } = capture();
		const runner = startTimerRunner({ db: d.db, jobs: [every10.def, daily.def], log, now: () => clock, tickMs: 5 });
		try {
			expect(runner.kind).toBe('timer');
			await new Promise((r) => setTimeout(r, 60));
			expect(every10.calls).toHaveLength(0); // 17:39 China time
			clock = at('2026-11-27T09:40:05Z');
			await until(() => every10.calls.length === 1);
			await new Promise((r) => setTimeout(r, 60)); // more ticks in the same minute: no second run
			clock = at('2026-11-27T09:40:50Z');
			await new Promise((r) => setTimeout(r, 60));
			expect(every10.calls).toHaveLength(1);
			clock = at('2026-11-27T09:50:00Z');
			await until(() => every10.calls.length === 2);
			expect(every10.calls.map((c) => c.toISOString())).toEqual([
				'2026-11-27T09:40:05.000Z',
				'2026-11-27T09:50:00.000Z'
			]);
			await until(async () => (await probeRows(d.db, 'every-10')) === 2);
			expect(daily.calls).toHaveLength(0);
			clock = at('2026-11-27T19:05:00Z'); // 03:05 China time
			await until(() => daily.calls.length === 1);
			await until(() => lines.filter((l) => l.event === 'job_done').length === 3);
			expect(
				lines.filter((l) => l.event === 'job_done').map((l) => [l.fields.job, l.fields.runner, l.fields.runs])
			).toEqual([
				['every-10', 'timer', 1],
				['every-10', 'timer', 2],
				['daily', 'timer', 1]
			]);
		} finally {
			await runner.stop();
		}
		expect(lines.at(-1)).toMatchObject({ event: 'jobs_stopped' });
		// Stopped: the clock moving on starts nothing.
		clock = at('2026-11-27T10:00:00Z');
		await new Promise((r) => setTimeout(r, 60));
		expect(every10.calls).toHaveLength(2);
		await expect(runner.trigger('every-10')).rejects.toThrow(/stopped/);
	});

	it('triggers on demand, skips a run while the previous one is going, keeps going after a failure', async () => {
		const slow = probeJob('slow', '0 0 1 1 *', { delayMs: 150, failFirst: true });
		const { log, lines } = capture();
		const runner = startTimerRunner({ db: d.db, jobs: [slow.def], log, tickMs: 10_000 });
		try {
			await expect(runner.trigger('nope')).rejects.toThrow(/no job/);
			const first = runner.trigger('slow');
			const second = runner.trigger('slow'); // still running: skipped, waits for the same run
			await Promise.all([first, second]);
			expect(slow.calls).toHaveLength(1);
			expect(lines.map((l) => l.event)).toEqual(['jobs_started', 'job_skipped', 'job_failed']);
			await runner.trigger('slow');
			expect(slow.calls).toHaveLength(2);
			expect(await probeRows(d.db, 'slow')).toBe(1);
			expect(lines.at(-1)).toMatchObject({ event: 'job_done', fields: { job: 'slow', runs: 1 } });
			// stop() waits for a running job.
			const third = runner.trigger('slow');
			await runner.stop();
			expect(await probeRows(d.db, 'slow')).toBe(2);
			await third;
		} finally {
			await runner.stop();
		}
	});
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('pg-boss runner [postgres]', () => {
	let d: Awaited<ReturnType<typeof isolatedDatabase>>;
	beforeAll(async () => {
		d = await isolatedDatabase('postgres');
		await d.db.execute(sql`create table job_probe (job text not null, at text not null)`);
	});
	afterAll(async () => {
		await d?.drop();
	});

	it('installs pg-boss in its own schema, schedules the jobs, and runs a job sent to it', async () => {
		const probe = probeJob('probe', '0 3 * * *');
		const { log, lines } = capture();
		const runner = await startPgBossRunner({
			databaseUrl: d.url!,
			db: d.db,
			jobs: [probe.def],
			log,
			pollingIntervalSeconds: 0.5
		});
		try {
			expect(runner.kind).toBe('pg-boss');
			const [schema] = rowsOf<{ n: number }>(
				await d.db.execute(
					sql`select count(*)::int as n from information_schema.schemata where schema_name = ${PGBOSS_SCHEMA}`
				)
			);
			expect(schema?.n).toBe(1);
			const schedules = await runner.boss.getSchedules();
			expect(
				schedules.map((s) => ({
					name: s.name,
					cron: s.cron,
					tz: (s.options as { tz?: string } | undefined)?.tz ?? (s as { timezone?: string }).timezone
				}))
			).toEqual([{ name: 'probe', cron: '0 3 * * *', tz: 'Asia/Shanghai' }]);
			expect((await runner.boss.getQueue('probe'))?.policy).toBe('singleton');

			const id = await runner.boss.send('probe', {});
			expect(id).toBeTruthy();
			await until(() => probe.calls.length === 1);
			await until(async () => (await probeRows(d.db, 'probe')) === 1);
			await until(async () => (await runner.boss.getJobById('probe', id!))?.state === 'completed');
			await runner.trigger('probe');
			await until(async () => (await probeRows(d.db, 'probe')) === 2);
			await until(() => lines.filter((l) => l.event === 'job_done').length === 2);
			expect(lines.filter((l) => l.event === 'job_done').map((l) => l.fields)).toEqual([
				{ job: 'probe', runner: 'pg-boss', run: id, ms: expect.any(Number), runs: 1 },
				{
					job: 'probe',
					runner: 'pg-boss',
					run: expect.stringMatching(/^[0-9a-f-]{36}$/),
					ms: expect.any(Number),
					runs: 2
				}
			]);
			// Its own small pool.
			const [conns] = rowsOf<{ n: number }>(
				await d.db.execute(
					sql`select count(*)::int as n from pg_stat_activity where application_name = 'qingfeng-jobs' and datname = current_database()`
				)
			);
			expect(conns!.n).toBeGreaterThan(0);
			expect(conns!.n).toBeLessThanOrEqual(2);
		} finally {
			await runner.stop();
		}
		expect(lines.at(-1)).toMatchObject({ event: 'jobs_stopped', fields: { runner: 'pg-boss' } });
		await until(async () => {
			const [c] = rowsOf<{ n: number }>(
				await d.db.execute(
					sql`select count(*)::int as n from pg_stat_activity where application_name = 'qingfeng-jobs' and datname = current_database()`
				)
			);
			return c!.n === 0;
		}, 5_000);
	});

	it('restarts on an installed schema and leaves schedules it does not know alone', async () => {
		const other = probeJob('other', '*/5 * * * *');
		const { log, lines } = capture();
		const runner = await startPgBossRunner({
			databaseUrl: d.url!,
			db: d.db,
			jobs: [other.def],
			log,
			pollingIntervalSeconds: 0.5
		});
		try {
			expect((await runner.boss.getSchedules()).map((s) => s.name).sort()).toEqual(['other', 'probe']);
			expect(lines.find((l) => l.event === 'job_schedule_unknown')).toEqual({
				level: 'warn',
				event: 'job_schedule_unknown',
				fields: { job: 'probe', runner: 'pg-boss' }
			});
			await runner.trigger('other');
			await until(async () => (await probeRows(d.db, 'other')) === 1);
		} finally {
			await runner.stop();
		}
	});
});
