/**
 * Fault: PostgreSQL goes down in the middle of a run of submissions and comes back; the app is not restarted.
 * It touches the shared cluster, so it is a script, never part of the CI suite. Run it as root when nobody
 * else uses the cluster:
 *
 *   flock /tmp/qf-pg.lock npx tsx tests/faults/pg-restart.ts
 *   (FAULT_REPORTS=1500 FAULT_CONCURRENCY=16 FAULT_DOWN_SECONDS=4 FAULT_MAX_ANSWER_MS=5000 PG_CLUSTER="15 main" TEST_DATABASE_URL=…)
 *
 * A second cluster keeps the shared one out of it: `pg_createcluster 15 fault --port 5433`, trust in its
 * pg_hba.conf, `createdb -h 127.0.0.1 -p 5433 -U postgres test`, then PG_CLUSTER="15 fault"
 * TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5433/test.
 *
 * What it does: the keyed demo on a fresh PostgreSQL database; clients (tests/bench/intake-lib.ts) submit;
 * after a third of them are acknowledged the cluster is stopped (`pg_ctlcluster --skip-systemctl-redirect
 * -m fast 15 main stop`), the API is probed for FAULT_DOWN_SECONDS (every answer must be 503 with
 * Retry-After and `{ error: { code: 'unavailable', message: { zh, en } } }`, never a 500), the cluster
 * is started again, and the same server must answer 200 again by itself (the postgres.js pool
 * reconnects). Afterwards every acknowledged receipt must open a complete report, and the stored reports
 * must be exactly the acknowledged ones plus commits whose answer was lost in the outage (each opens
 * complete). Whatever happens, the cluster is started again before the script ends.
 */
import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root, type Server } from '../e2e/harness';
import { startWithKeyedDemo } from '../e2e/keyed-demo';
import {
	DEMO_TARGET,
	fetchRecipients,
	HttpClient,
	openAndVerify,
	parseJson,
	pool,
	runClients,
	type WorkerResult
} from '../bench/intake-lib';
import { solvePowSync } from '../../src/lib/client/report/pow-core';

const REPORTS = Number(process.env.FAULT_REPORTS ?? 1500);
const CONCURRENCY = Number(process.env.FAULT_CONCURRENCY ?? 16);
const DOWN_SECONDS = Number(process.env.FAULT_DOWN_SECONDS ?? 4);
/** Longest acceptable wait for the 503 while the database is down. */
const MAX_ANSWER_MS = Number(process.env.FAULT_MAX_ANSWER_MS ?? 5000);
const [PG_VERSION, PG_NAME] = (process.env.PG_CLUSTER ?? '15 main').split(' ') as [string, string];

function pgctl(action: 'stop' | 'start'): void {
	// Fast shutdown (pg_ctlcluster's default for stop): open transactions are rolled back, clients cut.
	const args = ['--skip-systemctl-redirect', '-m', 'fast', PG_VERSION, PG_NAME, action];
	execFileSync('pg_ctlcluster', args, { stdio: 'inherit' });
}

function clusterOnline(): boolean {
	try {
		return /online/.test(execFileSync('pg_lsclusters', ['-h', PG_VERSION, PG_NAME], { encoding: 'utf8' }));
	} catch {
		return false;
	}
}

function ensureUp(): void {
	if (!clusterOnline()) {
		console.log('  (starting the cluster again)');
		pgctl('start');
	}
}

interface Probe {
	/** Milliseconds until the answer. */
	ms: number;
	status: number;
	retryAfter: string | null;
	code: string | null;
	hasMessage: boolean;
}

/** One request to each kind of endpoint that needs the database. */
async function probe(client: HttpClient): Promise<Probe[]> {
	const out: Probe[] = [];
	let t = performance.now();
	const record = (a: { status: number; headers: Record<string, unknown>; body: Buffer }) => {
		const e = parseJson(a as never).error as { code?: string; message?: { zh?: string; en?: string } } | undefined;
		const ms = performance.now() - t;
		t = performance.now();
		out.push({
			ms,
			status: a.status,
			retryAfter: (a.headers['retry-after'] as string | undefined) ?? null,
			code: e?.code ?? null,
			hasMessage: Boolean(e?.message?.zh && e?.message?.en)
		});
	};
	try {
		// An intake with a solved challenge (issuing a challenge needs no database; spending it does).
		const pow = await client.json('POST', '/api/v1/pow', { purpose: 'intake' });
		const { challenge, difficulty } = parseJson(pow) as { challenge: string; difficulty: number };
		const nonce = solvePowSync(new Uint8Array(Buffer.from(challenge, 'base64url')), difficulty);
		t = performance.now();
		record(await client.json('POST', '/api/v1/intake', { pow: { challenge, nonce }, files: [] }));
		record(await client.request('GET', '/api/v1/stats/public', null, { accept: 'application/json' }));
		record(await client.json('POST', '/api/v1/receipt/spec', { locator: '0123456789' }));
	} catch (e) {
		out.push({
			ms: performance.now() - t,
			status: -1,
			retryAfter: null,
			code: `network ${(e as Error).message}`,
			hasMessage: false
		});
	}
	return out;
}

function inspect(server: Server): Promise<{
	before: { reports: number; locators: string[]; incompleteCommittedFiles: number; reportsWithoutWraps: number };
}> {
	const args = [
		path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
		'tests/faults/inspect-db.ts',
		'--database-url',
		server.databaseUrl!
	];
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			cwd: root,
			env: { ...process.env, NODE_OPTIONS: '' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (c: Buffer) => (out += c));
		child.stderr.on('data', (c: Buffer) => (err += c));
		child.once('close', (code) =>
			code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(err))
		);
	});
}

async function main(): Promise<number> {
	process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
	process.env.E2E_DB = 'postgres';
	ensureUp();
	const env = {
		POW_DIFFICULTY: '8',
		POW_FREE_PER_MINUTE: '1000000',
		INTAKE_PER_HOUR: '100000',
		RECEIPT_PER_10MIN: '100000',
		LOG_LEVEL: 'warn'
	};
	const { server, keys } = await startWithKeyedDemo({ testKdf: true, env });
	const failures: string[] = [];
	let finished = false;
	void server.exited.then((status) => {
		if (finished) return;
		failures.push(`the app server exited during the run (${JSON.stringify(status)})`);
		console.error(
			`  the app server EXITED (${JSON.stringify(status)}); its last output:\n${server.output().split('\n').slice(-25).join('\n')}`
		);
	});
	const downProbes: Probe[] = [];
	let recoveredAfterMs = NaN;
	let outageMs = 0;
	try {
		const recipients = await fetchRecipients(server.url, DEMO_TARGET, keys.rootPublicKey);
		console.log(
			`PostgreSQL restart: ${REPORTS} reports, ${CONCURRENCY} clients, cluster ${PG_VERSION}/${PG_NAME} down for ${DOWN_SECONDS} s after ${Math.floor(REPORTS / 3)} acknowledged`
		);
		const prober = new HttpClient(server.url, 4);
		const { results } = await runClients(
			{
				base: server.url,
				workers: 2,
				concurrency: CONCURRENCY,
				count: REPORTS,
				seed: 11,
				pauseAfterFailureMs: 500,
				prepare: {
					target: DEMO_TARGET,
					recipients,
					mix: {
						sizes: [
							[0, 65],
							[30 * 1024, 25],
							[400 * 1024, 10]
						]
					},
					keyPool: 32
				}
			},
			async (_elapsed, progress) => {
				while (progress().acknowledged < REPORTS / 3 && progress().finished < REPORTS)
					await new Promise((r) => setTimeout(r, 20));
				const t0 = performance.now();
				try {
					pgctl('stop');
					console.log(`  cluster stopped with ${progress().acknowledged} acknowledged`);
					const until = performance.now() + DOWN_SECONDS * 1000;
					while (performance.now() < until) {
						downProbes.push(...(await probe(prober)));
						await new Promise((r) => setTimeout(r, 250));
					}
				} finally {
					pgctl('start');
				}
				outageMs = performance.now() - t0;
				console.log(`  cluster started again after ${(outageMs / 1000).toFixed(1)} s`);
				const t1 = performance.now();
				for (;;) {
					const p = await probe(prober);
					if (p.length > 0 && p.every((x) => x.status === 200 || x.status === 201)) break;
					if (performance.now() - t1 > 60_000) {
						failures.push(`the app did not recover within 60 s: ${JSON.stringify(p)}`);
						break;
					}
					await new Promise((r) => setTimeout(r, 200));
				}
				recoveredAfterMs = performance.now() - t1;
				console.log(
					`  the app answers again ${(recoveredAfterMs / 1000).toFixed(1)} s after the cluster started (no app restart)`
				);
			}
		);
		prober.close();

		if (server.output() && failures.some((f) => f.startsWith('the app server exited')))
			throw new Error('the app server died during the outage (see its output above)');

		// What the probes saw while the database was down.
		const byStatus = new Map<string, number>();
		for (const p of downProbes)
			byStatus.set(`${p.status} ${p.code ?? ''}`, (byStatus.get(`${p.status} ${p.code ?? ''}`) ?? 0) + 1);
		console.log(`  probes while down: ${[...byStatus].map(([k, n]) => `${n} × ${k}`).join(', ')}`);
		const waits = downProbes.map((p) => p.ms).sort((a, b) => a - b);
		const maxWait = waits.at(-1) ?? 0;
		console.log(
			`  time to the answer while down: median ${(waits[Math.floor(waits.length / 2)] ?? 0).toFixed(0)} ms, max ${maxWait.toFixed(0)} ms`
		);
		if (maxWait > MAX_ANSWER_MS)
			failures.push(`an answer while down took ${maxWait.toFixed(0)} ms (more than ${MAX_ANSWER_MS} ms)`);
		const bad = downProbes.filter(
			(p) => !(p.status === 503 && p.code === 'unavailable' && p.retryAfter && p.hasMessage)
		);
		if (downProbes.length === 0) failures.push('no probe ran while the database was down');
		if (bad.length)
			failures.push(
				`answers while down that were not 503 unavailable with Retry-After: ${JSON.stringify(bad.slice(0, 5))}`
			);

		// What the clients saw.
		const outcomes = results.flatMap((r: WorkerResult) => r.outcomes);
		const errors = new Map<string, number>();
		for (const o of outcomes)
			if (!o.ok) errors.set(`${o.stage}: ${o.error}`, (errors.get(`${o.stage}: ${o.error}`) ?? 0) + 1);
		console.log(`  client failures: ${[...errors].map(([k, n]) => `${n} × ${k}`).join('; ') || 'none'}`);
		const fiveHundreds = outcomes.filter(
			(o) => !o.ok && /^5\d\d/.test(o.error ?? '') && !/^503 unavailable/.test(o.error ?? '')
		);
		if (fiveHundreds.length) failures.push(`clients got ${fiveHundreds.length} 5xx answers other than 503 unavailable`);

		const receipts = results.flatMap((r: WorkerResult) => r.receipts);
		const acknowledged = receipts.filter((r) => r.acknowledged);
		const lost = receipts.filter((r) => !r.acknowledged && r.commitSent);
		const client = new HttpClient(server.url, 16);
		const checks = await pool(acknowledged, 16, (r) => openAndVerify(client, r));
		const lostChecks = await pool(lost, 16, (r) => openAndVerify(client, r));
		client.close();
		const lostStored = new Set(lostChecks.filter((c) => c.ok).map((c) => c.locator));
		for (const c of checks) if (!c.ok) failures.push(`acknowledged ${c.locator} does not open: ${c.why}`);
		for (const c of lostChecks)
			if (!c.ok && c.why !== 'open 403 receipt_not_recognised') failures.push(`lost-answer ${c.locator}: ${c.why}`);
		const db = (await inspect(server)).before;
		const ack = new Set(acknowledged.map((r) => r.locator));
		const stored = new Set(db.locators);
		const missing = [...ack].filter((l) => !stored.has(l));
		const extra = db.locators.filter((l) => !ack.has(l) && !lostStored.has(l));
		if (missing.length) failures.push(`acknowledged but not stored: ${missing.length}`);
		if (extra.length) failures.push(`stored without a receipt: ${extra.length}`);
		if (db.incompleteCommittedFiles || db.reportsWithoutWraps)
			failures.push(`incomplete committed reports: ${JSON.stringify(db)}`);
		console.log(
			`  COUNTS submitted=${receipts.length} acknowledged=${acknowledged.length} opened=${checks.filter((c) => c.ok).length} ` +
				`answer_lost=${lost.length} answer_lost_stored=${lostStored.size} stored=${db.reports} lost_acknowledged=${missing.length} ` +
				`probes_503=${downProbes.filter((p) => p.status === 503).length}/${downProbes.length}`
		);
	} finally {
		ensureUp();
		finished = true;
		await server.stop();
	}
	for (const f of failures) console.error(`FAIL: ${f}`);
	console.log(failures.length === 0 ? 'PostgreSQL restart: all checks passed' : 'PostgreSQL restart: FAILED');
	return failures.length === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e instanceof Error ? e.message : e);
		console.log('PostgreSQL restart: FAILED');
		try {
			ensureUp();
		} catch {
			/* reported above */
		}
		process.exit(1);
	}
);
