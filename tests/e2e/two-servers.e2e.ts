/**
 * Several app servers on one database (issue 12, item 5).
 *
 * PostgreSQL (E2E_DB=postgres): two production servers on one database holding the keyed demo.
 * - A report submitted through server A is found, decrypted and answered by an inspector signed in on
 *   server B; the reporter reads the reply through A, and B's staff session works on A.
 * - Both servers print a setup link (no administrator yet); either link works on either server, and sent
 *   to the two servers at the same moment, exactly one creates the administrator; then both are spent.
 * - Scheduled jobs: the schedules are set to every minute; every job pg-boss created since then is run
 *   exactly once, by one of the two servers (matched by the pg-boss job id in the `job_done` lines).
 * - The connection budget: each server holds at most DATABASE_POOL_MAX app connections plus 2 for jobs.
 *
 * PGlite: one process per data folder: a second server on the same folder refuses to start with one line
 * naming the first one's pid, and the first keeps serving.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYED_UNITS, startWithKeyedDemo, type KeyedDemoKeys, type KeyedDemoStaff } from './keyed-demo';
import { root, runServerExpectingExit, startServer, type Server } from './harness';
import { openAsReporter, submitAsReporter } from './reporter-node';
import { StaffSession } from './staff-node';

const CITY = 'o-sf-c01';
const POOL = 4;
const ENV = { POW_DIFFICULTY: '8', DATABASE_POOL_MAX: String(POOL) };
const JOBS = ['cleanup-expired', 'deadline-reminders', 'audit-anchor', 'key-stay-sweep'];
const zh = JSON.parse(readFileSync(path.join(root, 'messages', 'zh-CN.json'), 'utf8')) as Record<string, string>;

type Sql = import('postgres').Sql;

if (process.env.E2E_DB === 'postgres') {
	let a: Server;
	let b: Server | null = null;
	let keys: KeyedDemoKeys;
	let sql: Sql;
	let schedulesChangedAt: Date;

	beforeAll(async () => {
		({ server: a, keys } = await startWithKeyedDemo({ signin: true, testKdf: true, organIds: [CITY], env: ENV }));
		b = await startServer({ databaseUrl: a.databaseUrl!, env: ENV });
		const { default: postgres } = await import('postgres');
		sql = postgres(a.databaseUrl!, { max: 1, onnotice: () => {} });
		// Every job every minute, so scheduled runs happen while the test runs (pg-boss reads its schedules
		// from this table at each cron check, on whichever server does the check).
		schedulesChangedAt = (
			await sql`update pgboss.schedule set cron = '* * * * *' where name = any(${JOBS}) returning now() as at`
		)[0]!.at as Date;
	}, 180_000);

	afterAll(async () => {
		await sql?.end();
		await b?.stop();
		await a?.stop();
	});

	describe('two servers on one PostgreSQL database', () => {
		it('a report submitted through one server is handled through the other', async () => {
			const description = `两台服务器测试 ${randomBytes(4).toString('hex')}`;
			const receipt = await submitAsReporter(a.url, {
				unit: KEYED_UNITS.countyDepartment.unitId,
				position: 'top_leader',
				person: '测试对象',
				description,
				files: []
			});
			const inspector = (
				keys.staff.filter((s) => s.organId === CITY && s.role === 'inspector') as KeyedDemoStaff[]
			)[0]!;
			const onB = await StaffSession.signIn(b!.url, inspector);
			const id = await onB.findReport(receipt.locator);
			expect(id).not.toBeNull();
			const r = await onB.open(id!);
			expect(r.content.description).toBe(description);
			await onB.reply(r, '已收到，感谢反映。');
			// The session made on B is valid on A (sessions live in the database).
			expect((await onB.on(a.url).open(id!)).view.messages).toHaveLength(1);
			const reporter = await openAsReporter(a.url, receipt.locator, receipt.secret);
			try {
				expect(reporter.report.messages.map((m) => [m.author, m.text])).toEqual([['staff', '已收到，感谢反映。']]);
			} finally {
				reporter.close();
			}
		}, 120_000);

		it('the setup links of both servers work on either, and once in total', async () => {
			const links = [a.setupLink(), b!.setupLink()];
			expect(links).toEqual([
				expect.stringContaining('/staff/setup?token='),
				expect.stringContaining('/staff/setup?token=')
			]);
			const [tokenA, tokenB] = links.map((l) => new URL(l!).searchParams.get('token')!) as [string, string];
			expect(tokenA).not.toBe(tokenB);
			// A's link on B's pages and B's on A's: both show the form.
			for (const [server, token] of [
				[b!, tokenA],
				[a, tokenB]
			] as const) {
				const page = await (await fetch(`${server.url}/staff/setup?token=${token}`)).text();
				expect(page).toContain(zh.staff_setup_intro);
				expect(page).toContain(`value="${token}"`);
			}
			const create = (server: Server, token: string, username: string) =>
				fetch(`${server.url}/staff/setup`, {
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url },
					body: new URLSearchParams({
						token,
						username,
						displayName: username,
						salt: randomBytes(16).toString('base64'),
						authKey: randomBytes(32).toString('base64')
					}),
					redirect: 'manual'
				});
			// The same moment, each server with the other's link.
			const answers = await Promise.all([create(a, tokenB, 'admin.a'), create(b!, tokenA, 'admin.b')]);
			expect(answers.map((r) => r.status).sort()).toEqual([303, 403]);
			const winner = answers.find((r) => r.status === 303)!;
			expect(winner.headers.get('location')).toBe('/staff/2fa/setup');
			const loser = await answers.find((r) => r.status === 403)!.text();
			expect(loser.includes(zh.staff_setup_invalid!) || loser.includes(zh.staff_setup_done_already!)).toBe(true);
			const admins = await sql`select username from staff_user where is_admin`;
			expect(admins).toHaveLength(1);
			expect(await sql`select count(*)::int as n from setup_token`).toEqual([{ n: 0 }]);
			for (const server of [a, b!]) {
				for (const token of [tokenA, tokenB]) {
					expect(await (await fetch(`${server.url}/staff/setup?token=${token}`)).text()).toContain(
						zh.staff_setup_done_already
					);
					expect((await create(server, token, 'admin.late')).status).toBe(403);
				}
			}
			expect(await sql`select count(*)::int as n from staff_user where is_admin`).toEqual([{ n: 1 }]);
		}, 60_000);

		it('each scheduled job runs once, on one of the two servers', async () => {
			for (const s of [a, b!]) expect(s.output()).toMatch(/"event":"jobs_started","runner":"pg-boss","jobs":4/);
			type Row = { id: string; name: string; state: string };
			const since = () =>
				sql<
					Row[]
				>`select id::text, name, state from pgboss.job where name = any(${JOBS}) and created_on >= ${schedulesChangedAt}`;
			// Wait (pg-boss checks its cron schedules every 30 s) until each job has a completed scheduled run.
			const end = Date.now() + 150_000;
			let rows: Row[] = [];
			while (Date.now() < end) {
				rows = await since();
				if (JOBS.every((j) => rows.some((r) => r.name === j && r.state === 'completed'))) break;
				await new Promise((r) => setTimeout(r, 1000));
			}
			const completed = rows.filter((r) => r.state === 'completed');
			expect(
				JOBS.filter((j) => !completed.some((r) => r.name === j)),
				'jobs without a scheduled run'
			).toEqual([]);
			await new Promise((r) => setTimeout(r, 500)); // the job_done line is written as the handler returns
			const runs = new Map<string, string[]>();
			for (const [label, s] of [
				['A', a],
				['B', b!]
			] as const) {
				for (const line of s.output().split('\n')) {
					const m = /"event":"job_done","job":"([a-z-]+)","runner":"pg-boss","run":"([0-9a-f-]{36})"/.exec(line);
					if (m) runs.set(m[2]!, [...(runs.get(m[2]!) ?? []), `${label}:${m[1]}`]);
				}
			}
			// No run appears twice (in one server's log or in both), and every completed job has its one run.
			expect([...runs.entries()].filter(([, where]) => where.length > 1)).toEqual([]);
			for (const r of completed)
				expect(runs.get(r.id), `pg-boss job ${r.name} ${r.id}`).toEqual([
					expect.stringMatching(new RegExp(`^[AB]:${r.name}$`))
				]);
			// One send per job and minute, whichever server's cron check made it.
			const sends = await sql<{ key: string; slot: Date; n: number }[]>`
				select singleton_key as key, singleton_on as slot, count(*)::int as n from pgboss.job
				where name = '__pgboss__send-it' and singleton_key = any(${JOBS}) group by 1, 2`;
			expect(sends.filter((s) => s.n !== 1)).toEqual([]);
		}, 180_000);

		it('stays within the connection budget: per server DATABASE_POOL_MAX + 2 for jobs', async () => {
			const rows = await sql<{ app: string; n: number }[]>`
				select application_name as app, count(*)::int as n from pg_stat_activity
				where datname = current_database() and application_name like 'qingfeng%' group by 1 order by 1`;
			const by = Object.fromEntries(rows.map((r) => [r.app, r.n]));
			expect(by.qingfeng).toBeGreaterThan(0);
			expect(by.qingfeng).toBeLessThanOrEqual(2 * POOL);
			expect(by['qingfeng-jobs']).toBeGreaterThan(0);
			expect(by['qingfeng-jobs']).toBeLessThanOrEqual(2 * 2);
			expect(Object.keys(by).filter((k) => !['qingfeng', 'qingfeng-jobs'].includes(k))).toEqual([]);
		});
	});
} else {
	describe('one process per PGlite data folder', () => {
		let a: Server;
		beforeAll(async () => {
			a = await startServer();
		}, 120_000);
		afterAll(async () => {
			await a?.stop();
		});

		it('a second server on the same data folder refuses to start, and the first keeps serving', async () => {
			const second = await runServerExpectingExit({ DATA_DIR: a.dataDir! });
			expect(second.code).toBe(1);
			expect(second.stderr.trim().split('\n')).toEqual([
				`Start-up refused: The data folder ${a.dataDir} is in use by another Qingfeng process (pid ${a.pid}). PGlite allows one process per data folder: stop that process first (npm run backup works while it runs).`
			]);
			expect(second.stdout).not.toMatch(/Listening on/);
			expect((await fetch(`${a.url}/healthz`)).status).toBe(200);
			expect(a.setupLink()).not.toBeNull();
			expect(await (await fetch(a.setupLink()!)).text()).toContain(zh.staff_setup_intro);
		}, 60_000);
	});
}
