import { expect, it } from 'vitest';
import { ConfigError } from '$lib/server/config';
import { describeDb } from '$support/db';
import { intake, powSpent } from '$lib/server/db/schema';
import { jobsEnabled, registeredJobs, startJobs } from './index';
import type { Log } from './registry';

function capture() {
	const lines: { level: string; event: string; fields: Record<string, unknown> }[] = [];
	const log: Log = (level, event, fields = {}) => {
		lines.push({ level, event, fields });
	};
	return { log, lines };
}

it('reads JOBS', () => {
	expect(jobsEnabled({})).toBe(true);
	for (const on of ['on', 'ON', ' 1 ', 'true', 'yes', '']) expect(jobsEnabled({ JOBS: on }), on).toBe(true);
	for (const off of ['off', 'Off', '0', 'false', 'no']) expect(jobsEnabled({ JOBS: off }), off).toBe(false);
	expect(() => jobsEnabled({ JOBS: 'sometimes' })).toThrow(ConfigError);
	expect(() => jobsEnabled({ JOBS: 'sometimes' })).toThrow('JOBS must be on or off (got "sometimes")');
});

it('registers the cleanup job every 10 minutes', () => {
	expect(registeredJobs().map((j) => [j.name, j.cron])).toContainEqual(['cleanup-expired', '*/10 * * * *']);
});

describeDb('startJobs', (get, backend) => {
	it('does nothing with JOBS=off', async () => {
		const { log, lines } = capture();
		const runner = await startJobs({ config: { databaseUrl: null }, database: get(), log, enabled: false });
		expect(runner.kind).toBe('off');
		await expect(runner.trigger('cleanup-expired')).rejects.toThrow(/off/);
		await runner.stop();
		expect(lines).toEqual([{ level: 'info', event: 'jobs_disabled', fields: { reason: 'JOBS=off' } }]);
	});

	it(`runs the registered cleanup job through the ${backend === 'postgres' ? 'pg-boss' : 'timer'} runner`, async () => {
		const d = get() as ReturnType<typeof get> & { url: string | null };
		// One expired and one live upload, one expired proof-of-work id: the job removes the expired ones.
		const hour = 3_600_000;
		const expiredId = new Uint8Array(16).fill(1);
		const liveId = new Uint8Array(16).fill(2);
		await d.db.insert(intake).values([
			{ id: expiredId, expiresAt: new Date(Date.now() - hour), files: 0 },
			{ id: liveId, expiresAt: new Date(Date.now() + hour), files: 0 }
		]);
		// Two days back: the stored expiry is rounded up to the next UTC midnight (issue 16).
		await d.db.insert(powSpent).values({ id: new Uint8Array(16).fill(3), expiresAt: new Date(Date.now() - 48 * hour) });
		const { log, lines } = capture();
		const runner = await startJobs({
			config: { databaseUrl: d.url },
			database: d,
			log,
			enabled: true,
			pollingIntervalSeconds: 0.5,
			tickMs: 60_000
		});
		try {
			expect(runner.kind).toBe(backend === 'postgres' ? 'pg-boss' : 'timer');
			await runner.trigger('cleanup-expired');
			const end = Date.now() + 15_000;
			while (!lines.some((l) => l.event === 'job_done' || l.event === 'job_failed') && Date.now() < end)
				await new Promise((r) => setTimeout(r, 25));
			const done = lines.find((l) => l.event === 'job_done');
			expect(done, JSON.stringify(lines)).toBeDefined();
			expect(done!.fields).toEqual({
				job: 'cleanup-expired',
				runner: runner.kind,
				...(backend === 'postgres' ? { run: expect.stringMatching(/^[0-9a-f-]{36}$/) } : {}),
				ms: expect.any(Number),
				intakes: 1,
				attachments: 0,
				parts: 0,
				powSpent: 1
			});
			expect((await d.db.select({ id: intake.id }).from(intake)).map((r) => r.id)).toEqual([liveId]);
			expect(await d.db.select().from(powSpent)).toEqual([]);
		} finally {
			await runner.stop();
		}
	});
});
