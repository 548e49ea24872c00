/**
 * `npm run bench:intake`: report intake through the real endpoints of the production build, side by side
 * with the ceiling of this machine (the same rows inserted straight into the database).
 *
 * PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; a fresh database is
 * created and dropped): the keyed demo province is loaded so reports have real recipients, then
 *  - intake: BENCH_CONCURRENCY clients in BENCH_WORKERS worker threads submit BENCH_REPORTS reports, each
 *    POST /api/v1/pow → solve → POST /api/v1/intake → PUT one part (the attachment) → POST /api/v1/reports;
 *    everything encrypted (content bucket, one attachment of BENCH_ATTACHMENT_KB, wraps, receipt) is made
 *    before the timed window; the proof of work is solved per request inside it;
 *  - raw insert: the same rows (pow_spent, intake, attachment, attachment_part, report, report_key_wrap,
 *    then the commit's update and delete) written by postgres.js, one transaction per report, at the same
 *    concurrency, with a pool as large as the server's (DATABASE_POOL_MAX).
 * Rounds alternate intake and raw (BENCH_ROUNDS) so drift on a shared machine hits both; the best round of
 * each is compared. Then the same intake run on PGlite (BENCH_PGLITE_REPORTS, in-process raw inserts into
 * the same data folder for its ceiling). After the PostgreSQL rounds, PostgreSQL's own ceiling for the same rows
 * with pgbench (tests/bench/pg-ceiling.sh, BENCH_PGBENCH_CLIENTS (8,32) clients, BENCH_PGBENCH_SECONDS (20) s;
 * the best is used). The machine's load average is printed before every run (figures taken above 0.5 are not
 * published). Prints reports/s, p50/p99 latency, the server's RSS, and ends with two lines (PostgreSQL):
 * `intake_vs_raw_insert=<ratio>` (the driver's ceiling) and `intake_vs_pgbench=<ratio>` (PostgreSQL's own).
 * Never fails on time: figures are for reading.
 *
 * Knobs: BENCH_DB=postgres|pglite|both (default both), BENCH_REPORTS (4000), BENCH_CONCURRENCY (32),
 * BENCH_WORKERS (2), BENCH_POW_BITS (8), BENCH_POOL_MAX (10), BENCH_ROUNDS (2), BENCH_ATTACHMENT_KB (30),
 * BENCH_PGLITE_REPORTS (600), BENCH_PGLITE_CONCURRENCY (8), BENCH_WIRE=binary|json (the commit's body, default
 * binary as the browser sends it), BENCH_HTTP=undici|node (the clients' HTTP library, default undici),
 * BENCH_CLIENT_PROF=<folder> (CPU profiles of the client threads), QF_BUILD_DIR (a private copy of build/).
 * CPU per report is printed for the server, PostgreSQL and the clients (their timed window only), and after
 * pgbench the CPU budget of both sides (what one report costs the machine's cores each way).
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { decodeBase64 } from '@oslojs/encoding';
import { startWithKeyedDemo } from '../e2e/keyed-demo';
import { encryptAttachment } from '../../src/lib/crypto/attachment';
import { generateReportKey } from '../../src/lib/crypto/keys';
import { INLINE_MAX_BYTES } from '../../src/lib/shared/limits';
import { createPglite } from '../../src/lib/server/db/pglite-types';
import type { Server } from '../e2e/harness';
import {
	DEMO_TARGET,
	fetchRecipients,
	prepareReports,
	processMemory,
	runClients,
	summarize,
	type PreparedReport,
	type Recipient,
	type WorkerResult
} from './intake-lib';

const DB = process.env.BENCH_DB ?? 'both';
const REPORTS = Number(process.env.BENCH_REPORTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const POW_BITS = Number(process.env.BENCH_POW_BITS ?? 8);
const POOL_MAX = Number(process.env.BENCH_POOL_MAX ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const ATTACHMENT = Number(process.env.BENCH_ATTACHMENT_KB ?? 30) * 1024;
const PGLITE_REPORTS = Number(process.env.BENCH_PGLITE_REPORTS ?? 600);
const PGLITE_CONCURRENCY = Number(process.env.BENCH_PGLITE_CONCURRENCY ?? 8);
const WARMUP = 200;
/** How the clients send their commits: `binary` (as the browser does) or `json` (older clients). */
const WIRE = process.env.BENCH_WIRE === 'json' ? 'json' : 'binary';
/** The clients' HTTP library: undici (default: the lighter on CPU, which the clients share with the server) or node (node:http). */
const HTTP = process.env.BENCH_HTTP === 'node' ? 'node' : 'undici';
/** BENCH_PG_SOCKET=1: the server and the raw driver reach PostgreSQL over its Unix socket (BENCH_PG_SOCKET_DIR). */
const PG_SOCKET =
	process.env.BENCH_PG_SOCKET === '1' ? (process.env.BENCH_PG_SOCKET_DIR ?? '/var/run/postgresql') : null;
if (PG_SOCKET) process.env.QF_PG_SOCKET = PG_SOCKET;
/** pgbench's clients and seconds for PostgreSQL's own ceiling (tests/bench/pg-ceiling.sh). */
const PGBENCH_CLIENTS = (process.env.BENCH_PGBENCH_CLIENTS ?? '8,32').split(',').map(Number);
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 20);
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The machine's load averages, printed before every run: figures taken above 0.5 are not published. */
function load(): string {
	const [one, five, fifteen] = os.loadavg().map((n) => n.toFixed(2));
	const quiet = os.loadavg()[0]! < 0.5;
	return `load average ${one} ${five} ${fifteen}${quiet ? '' : ' (above 0.5: not for publishing)'}`;
}

interface Ceiling {
	tps: number;
	/** CPU ms per report of PostgreSQL's processes and of pgbench itself, when the script could measure them. */
	cpu: { postgres: number; client: number } | null;
}

/** PostgreSQL's ceiling for a report's rows with pgbench (no app): reports/s and CPU, or null if pgbench failed. */
function pgCeiling(clients: number): Ceiling | null {
	console.log(`  pgbench, ${clients} clients, ${PGBENCH_SECONDS} s; ${load()}`);
	const run = spawnSync('bash', [`${REPO}tests/bench/pg-ceiling.sh`, REPO, String(clients), String(PGBENCH_SECONDS)], {
		encoding: 'utf8',
		env: { ...process.env, PGHOST: process.env.PGHOST ?? '127.0.0.1' }
	});
	const err = (run.stderr ?? '').trim();
	if (err) console.log(err.replace(/^/gm, '    '));
	const m = /pg_ceiling_tps=(\d+)/.exec(run.stdout ?? '');
	if (run.status !== 0 || !m) {
		console.log(`    pgbench failed (exit ${run.status})`);
		return null;
	}
	const c = /pg_ceiling_cpu_ms=([\d.]+) ([\d.]+)/.exec(run.stdout ?? '');
	const cpu = c ? { postgres: Number(c[1]), client: Number(c[2]) } : null;
	const tps = Number(m[1]);
	console.log(
		`    ${tps} reports/s` +
			(cpu
				? `  CPU/report: PostgreSQL ${cpu.postgres.toFixed(2)} ms, pgbench ${cpu.client.toFixed(2)} ms; ${(((cpu.postgres + cpu.client) * tps) / 1000).toFixed(2)} of ${os.cpus().length} cores busy`
				: '')
	);
	return { tps, cpu };
}

const serverEnv = (): Record<string, string> => ({
	POW_DIFFICULTY: String(POW_BITS),
	// The load-based raise (+1 bit per doubling above the free rate) would measure the PoW, not the intake.
	POW_FREE_PER_MINUTE: '1000000',
	INTAKE_PER_HOUR: '100000',
	RECEIPT_PER_10MIN: '100000',
	DATABASE_POOL_MAX: String(POOL_MAX),
	LOG_LEVEL: 'warn'
	// To profile the server: QF_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (tests/e2e/harness.ts).
});

interface RunFigures {
	label: string;
	reports: number;
	failed: number;
	perSecond: number;
	p50: number;
	p99: number;
	errors: Map<string, number>;
	/** CPU ms per report: the app server, PostgreSQL, this process (the clients' threads in the timed window only, or the raw driver). */
	cpu?: { server: number | null; postgres: number; bench: number };
	/** The clients' CPU (ms) between `go` and the last answer, when they ran in worker threads (intake runs). */
	clientCpuMs?: number;
	/** Wall time (ms) of the timed window. */
	wallMs?: number;
}

const f1 = (n: number) => n.toFixed(1);

/** Stored length of the benchmark's attachment (padded bucket, header, tags). */
function attachmentStreamBytes(): number {
	return encryptAttachment(generateReportKey(), new Uint8Array(ATTACHMENT), { name: 'scan.jpg', type: 'image/jpeg' })
		.length;
}

function intakeFigures(label: string, results: WorkerResult[], wallMs: number): RunFigures {
	const outcomes = results.flatMap((r) => r.outcomes);
	const ok = outcomes.filter((o) => o.ok);
	const errors = new Map<string, number>();
	for (const o of outcomes)
		if (!o.ok) errors.set(`${o.stage}: ${o.error}`, (errors.get(`${o.stage}: ${o.error}`) ?? 0) + 1);
	const s = summarize(ok.map((o) => o.ms));
	return {
		label,
		reports: ok.length,
		failed: outcomes.length - ok.length,
		perSecond: ok.length / (wallMs / 1000),
		p50: s.p50,
		p99: s.p99,
		errors,
		wallMs
	};
}

/** Cores kept busy by the run's processes (server, PostgreSQL, clients or driver) over its timed window. */
function busy(f: RunFigures): string {
	if (!f.cpu || !f.wallMs) return '';
	const perReport = (f.cpu.server ?? 0) + f.cpu.postgres + f.cpu.bench;
	return `${((perReport * f.reports) / f.wallMs).toFixed(2)} of ${os.cpus().length} cores busy`;
}

function print(f: RunFigures): void {
	console.log(
		`  ${f.label.padEnd(34)} ${String(f.reports).padStart(6)} reports  ${f1(f.perSecond).padStart(7)} reports/s  p50 ${f1(f.p50).padStart(6)} ms  p99 ${f1(f.p99).padStart(6)} ms` +
			(f.failed ? `  FAILED ${f.failed}` : '') +
			(f.cpu
				? `  CPU/report: ${f.cpu.server === null ? '' : `server ${f.cpu.server.toFixed(2)} ms, `}PostgreSQL ${f.cpu.postgres.toFixed(2)} ms, ${f.clientCpuMs === undefined ? 'driver' : 'clients'} ${f.cpu.bench.toFixed(2)} ms; ${busy(f)}`
				: '')
	);
	for (const [k, n] of f.errors) console.log(`      ${n} × ${k}`);
}

/** Samples the server's RSS while `run` goes. */
async function withRss<T>(pid: number, run: () => Promise<T>): Promise<{ value: T; maxRssKb: number }> {
	let maxRssKb = 0;
	const timer = setInterval(() => {
		const m = processMemory(pid);
		if (m) maxRssKb = Math.max(maxRssKb, m.rssKb);
	}, 100);
	try {
		const value = await run();
		const m = processMemory(pid);
		if (m) maxRssKb = Math.max(maxRssKb, m.rssKb);
		return { value, maxRssKb };
	} finally {
		clearInterval(timer);
	}
}

/** CPU time (ms) used so far by a process, from /proc/<pid>/stat (utime + stime, at 100 ticks per second). */
function cpuMs(pid: number): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return 0;
	}
}

/** CPU time (ms) used so far by every PostgreSQL process of the machine (backends come and go: a lower bound). */
function postgresCpuMs(): number {
	let total = 0;
	for (const d of readdirSync('/proc')) {
		if (!/^\d+$/.test(d)) continue;
		try {
			if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(Number(d));
		} catch {
			/* gone */
		}
	}
	return total;
}

/** Runs `fn` and adds the CPU per report of the app server (when given), PostgreSQL and this process to its figures. */
async function withCpu<T extends { figures: RunFigures }>(serverPid: number | null, fn: () => Promise<T>): Promise<T> {
	const s0 = serverPid === null ? 0 : cpuMs(serverPid);
	const p0 = postgresCpuMs();
	const b0 = process.cpuUsage();
	const out = await fn();
	const n = Math.max(1, out.figures.reports);
	const b = process.cpuUsage(b0);
	out.figures.cpu = {
		server: serverPid === null ? null : (cpuMs(serverPid) - s0) / n,
		postgres: (postgresCpuMs() - p0) / n,
		bench: (out.figures.clientCpuMs ?? (b.user + b.system) / 1000) / n
	};
	return out;
}

async function intakeRun(
	server: Server,
	recipients: Recipient[],
	count: number,
	concurrency: number,
	seed: number,
	label: string
): Promise<{ figures: RunFigures; maxRssKb: number }> {
	console.log(`  ${label}: ${load()}`);
	return withCpu(server.pid, () => intakeRunInner(server, recipients, count, concurrency, seed, label));
}

async function intakeRunInner(
	server: Server,
	recipients: Recipient[],
	count: number,
	concurrency: number,
	seed: number,
	label: string
): Promise<{ figures: RunFigures; maxRssKb: number }> {
	const { value, maxRssKb } = await withRss(server.pid, async () => {
		const { results, wallMs, clientCpuMs } = await runClients({
			base: server.url,
			workers: WORKERS,
			concurrency,
			count,
			seed,
			wire: WIRE,
			http: HTTP,
			prepare: { target: DEMO_TARGET, recipients, mix: { sizes: [[ATTACHMENT, 1]] }, keyPool: 64 }
		});
		return { ...intakeFigures(label, results, wallMs), clientCpuMs };
	});
	return { figures: value, maxRssKb };
}

/* ------------------------------------------------------------------ raw inserts */

interface RawRow {
	powId: Buffer;
	expiresAt: Date;
	part: Buffer;
	locator: string;
	content: Buffer;
	kdfSpec: Buffer;
	authHash: Buffer;
	receiptWrapped: Buffer;
	wraps: { staffId: string; entryId: Buffer; sealed: Buffer }[];
}

function rawRows(recipients: Recipient[], count: number, seed: number): RawRow[] {
	const prepared: PreparedReport[] = prepareReports({
		target: DEMO_TARGET,
		recipients,
		count,
		mix: { sizes: [[ATTACHMENT, 1]] },
		keyPool: 64,
		seed
	});
	const byEntry = new Map(recipients.map((r) => [r.entryId, r.staffId]));
	return prepared.map((p) => {
		const c = p.commit as {
			content: string;
			wraps: { entryId: string; sealed: string }[];
			receipt: { kdfSpec: string; authHash: string; wrappedKey: string };
		};
		return {
			powId: randomBytes(16),
			expiresAt: new Date(Date.now() + 3600_000),
			part: p.attachment!,
			locator: p.locator,
			content: Buffer.from(decodeBase64(c.content)),
			kdfSpec: Buffer.from(decodeBase64(c.receipt.kdfSpec)),
			authHash: Buffer.from(decodeBase64(c.receipt.authHash)),
			receiptWrapped: Buffer.from(decodeBase64(c.receipt.wrappedKey)),
			wraps: c.wraps.map((w) => ({
				staffId: byEntry.get(w.entryId)!,
				entryId: Buffer.from(decodeBase64(w.entryId)),
				sealed: Buffer.from(decodeBase64(w.sealed))
			}))
		};
	});
}

const receivedOn = new Date().toISOString().slice(0, 10);
type Query = (text: string, params: unknown[]) => Promise<{ id: string }[]>;

/**
 * The rows the server writes for a report of this size (sent inline: src/lib/server/reports/intake/commit.ts
 * storeReport): the spent challenge, the report, its key wraps, the attachment and its one part. As one
 * statement per row, for a driver that runs `q(text, params)` inside a transaction.
 */
async function insertReport(q: Query, r: RawRow): Promise<void> {
	await q('insert into pow_spent (id, expires_at) values ($1, $2)', [r.powId, r.expiresAt]);
	const [rep] = await q(
		`insert into report (locator, unit_id, position, category, real_name, escalate, organ_id, received_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped)
		 values ($1, $2, $3, $4, false, false, $5, $6, $7, $8, $9, $10, $11) returning id`,
		[
			r.locator,
			DEMO_TARGET.unit,
			DEMO_TARGET.position,
			DEMO_TARGET.category,
			DEMO_TARGET.organ,
			receivedOn,
			r.content,
			r.content.length,
			r.kdfSpec,
			r.authHash,
			r.receiptWrapped
		]
	);
	const values: unknown[] = [];
	const tuples = r.wraps.map((w, i) => {
		values.push(rep!.id, w.staffId, w.entryId, w.sealed);
		return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
	});
	await q(`insert into report_key_wrap (report_id, staff_id, entry_id, sealed) values ${tuples.join(', ')}`, values);
	const [a] = await q('insert into attachment (report_id, file_no, bytes, parts) values ($1, 0, $2, 1) returning id', [
		rep!.id,
		r.part.length
	]);
	await q('insert into attachment_part (attachment_id, idx, data) values ($1, 0, $2)', [a!.id, r.part]);
}

/** The same rows as one statement (one round trip, no explicit transaction): the fastest raw way. */
async function insertReportOneStatement(q: Query, r: RawRow): Promise<void> {
	const params: unknown[] = [
		r.powId,
		r.expiresAt,
		r.locator,
		DEMO_TARGET.unit,
		DEMO_TARGET.position,
		DEMO_TARGET.category,
		DEMO_TARGET.organ,
		receivedOn,
		r.content,
		r.content.length,
		r.kdfSpec,
		r.authHash,
		r.receiptWrapped,
		r.part.length,
		r.part
	];
	const tuples = r.wraps.map((w) => {
		params.push(w.staffId, w.entryId, w.sealed);
		const n = params.length;
		return `($${n - 2}::uuid, $${n - 1}::bytea, $${n}::bytea)`;
	});
	await q(
		`with spent as (insert into pow_spent (id, expires_at) values ($1, $2) returning id),
		r as (insert into report (locator, unit_id, position, category, real_name, escalate, organ_id, received_on, content, content_bytes, kdf_spec, auth_hash, receipt_wrapped)
			select $3, $4, $5, $6, false, false, $7, $8::date, $9, $10, $11, $12, $13 from spent returning id),
		w as (insert into report_key_wrap (report_id, staff_id, entry_id, sealed) select r.id, x.s, x.e, x.k from r cross join (values ${tuples.join(', ')}) as x(s, e, k) returning 1),
		a as (insert into attachment (report_id, file_no, bytes, parts) select r.id, 0, $14, 1 from r returning id)
		insert into attachment_part (attachment_id, idx, data) select a.id, 0, $15 from a`,
		params
	);
}

async function rawRun(
	label: string,
	rows: RawRow[],
	concurrency: number,
	transaction: (fn: (q: Query) => Promise<void>) => Promise<void>,
	insert: (q: Query, r: RawRow) => Promise<void> = insertReport
): Promise<RunFigures> {
	console.log(`  ${label}: ${load()}`);
	const ms: number[] = [];
	let next = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			for (;;) {
				const i = next++;
				if (i >= rows.length) return;
				const s = performance.now();
				await transaction((q) => insert(q, rows[i]!));
				ms.push(performance.now() - s);
			}
		})
	);
	const wall = performance.now() - t0;
	const s = summarize(ms);
	return {
		label,
		reports: rows.length,
		failed: 0,
		perSecond: rows.length / (wall / 1000),
		p50: s.p50,
		p99: s.p99,
		errors: new Map(),
		wallMs: wall
	};
}

/* ------------------------------------------------------------------ main */

async function machine(): Promise<string> {
	const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
	return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

async function postgresBench(): Promise<{ raw: number; pgbench: number | null }> {
	process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
	process.env.E2E_DB = 'postgres';
	const { default: postgres } = await import('postgres');
	const { server, keys } = await startWithKeyedDemo({ testKdf: true, env: serverEnv() });
	const sql = postgres(server.databaseUrl!, {
		max: POOL_MAX,
		onnotice: () => {},
		...(PG_SOCKET ? { host: PG_SOCKET } : {})
	});
	try {
		const [{ version }] = (await sql`select current_setting('server_version') as version`) as unknown as [
			{ version: string }
		];
		const recipients = await fetchRecipients(server.url, DEMO_TARGET, keys.rootPublicKey);
		console.log(
			`\nPostgreSQL ${version}: production build (node build), DATABASE_POOL_MAX=${POOL_MAX}, POW_DIFFICULTY=${POW_BITS} bits (POW_FREE_PER_MINUTE raised so load adds none), PostgreSQL over ${PG_SOCKET ? `its Unix socket (${PG_SOCKET})` : 'loopback TCP'}`
		);
		console.log(
			`  ${REPORTS} reports per round, ${CONCURRENCY} concurrent clients in ${WORKERS} worker threads; ${recipients.length} recipients per report (wraps);`
		);
		console.log(
			`  content bucket + ${ATTACHMENT / 1024} KiB attachment, ${WIRE} commit body (encrypted ${attachmentStreamBytes()} bytes: ${attachmentStreamBytes() <= INLINE_MAX_BYTES ? 'sent inline with the commit, as the browser does, 2 requests per report' : 'sent through an intake, 4 requests per report'}); server, clients and PostgreSQL share the same ${os.cpus().length} cores.`
		);
		await intakeRun(server, recipients, WARMUP, CONCURRENCY, 1, 'warm-up');
		const intakes: RunFigures[] = [];
		const raws: RunFigures[] = [];
		let maxRss = 0;
		for (let round = 1; round <= ROUNDS; round++) {
			const run = await intakeRun(
				server,
				recipients,
				REPORTS,
				CONCURRENCY,
				10 + round,
				`intake (HTTP), round ${round}`
			);
			maxRss = Math.max(maxRss, run.maxRssKb);
			intakes.push(run.figures);
			print(run.figures);
			const rowsTx = rawRows(recipients, REPORTS, 20 + round);
			const { figures: raw } = await withCpu(null, async () => ({
				figures: await rawRun(`raw insert, transaction, round ${round}`, rowsTx, CONCURRENCY, (fn) =>
					sql
						.begin((tx) =>
							fn((text, params) => tx.unsafe(text, params as never[]) as unknown as Promise<{ id: string }[]>)
						)
						.then(() => {})
				)
			}));
			raws.push(raw);
			print(raw);
			const rowsOne = rawRows(recipients, REPORTS, 40 + round);
			const { figures: one } = await withCpu(null, async () => ({
				figures: await rawRun(
					`raw insert, one statement, round ${round}`,
					rowsOne,
					CONCURRENCY,
					(fn) => fn((text, params) => sql.unsafe(text, params as never[]) as unknown as Promise<{ id: string }[]>),
					insertReportOneStatement
				)
			}));
			raws.push(one);
			print(one);
		}
		const mem = processMemory(server.pid);
		const bestIntake = intakes.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
		const bestRaw = raws.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
		const ratio = bestIntake.perSecond / bestRaw.perSecond;
		console.log(
			`  server RSS: max sampled ${(maxRss / 1024).toFixed(0)} MiB during the runs; VmRSS ${((mem?.rssKb ?? NaN) / 1024).toFixed(0)} MiB, VmHWM ${((mem?.hwmKb ?? NaN) / 1024).toFixed(0)} MiB at the end`
		);
		console.log(
			`  best: intake ${f1(bestIntake.perSecond)} reports/s (p50 ${f1(bestIntake.p50)} ms, p99 ${f1(bestIntake.p99)} ms) vs raw ${f1(bestRaw.perSecond)} reports/s (${bestRaw.label}; the ratio uses the fastest raw way)`
		);
		const [{ n }] = (await sql`select count(*)::int as n from report`) as unknown as [{ n: number }];
		console.log(`  reports stored in the bench database: ${n}`);
		// PostgreSQL's own ceiling in the same sitting (the app server idle): pgbench on a fresh copy of the schema.
		console.log(`\nPostgreSQL's own ceiling for the same rows (tests/bench/pg-ceiling.sh, pgbench, no app):`);
		const ceilings = PGBENCH_CLIENTS.map(pgCeiling).filter((t): t is Ceiling => t !== null);
		const best = ceilings.length > 0 ? ceilings.reduce((a, b) => (b.tps > a.tps ? b : a)) : null;
		if (best !== null) {
			console.log(`  best: intake ${f1(bestIntake.perSecond)} reports/s vs pgbench ${best.tps} reports/s`);
			cpuBudget(bestIntake, best);
		}
		return { raw: ratio, pgbench: best === null ? null : bestIntake.perSecond / best.tps };
	} finally {
		await sql.end({ timeout: 5 });
		await server.stop();
	}
}

/**
 * The CPU budget of both sides: what one report costs the machine through the intake (server, PostgreSQL, the
 * benchmark's clients, all on the same cores) and through pgbench (PostgreSQL and a C client), and the rates
 * the cores would allow if each side were bound by CPU alone.
 */
function cpuBudget(intake: RunFigures, ceiling: Ceiling): void {
	if (!intake.cpu || !ceiling.cpu) return;
	const cores = os.cpus().length;
	const i = intake.cpu;
	const intakeMs = (i.server ?? 0) + i.postgres + i.bench;
	const pgMs = ceiling.cpu.postgres + ceiling.cpu.client;
	console.log(`\nCPU per report (ms; ${cores} cores = ${cores * 1000} ms of CPU per second):`);
	console.log(
		`  intake:  server ${(i.server ?? 0).toFixed(2)} + PostgreSQL ${i.postgres.toFixed(2)} + clients ${i.bench.toFixed(2)} = ${intakeMs.toFixed(2)}  → CPU-bound rate ${f1((cores * 1000) / intakeMs)}/s; measured ${f1(intake.perSecond)}/s`
	);
	console.log(
		`  pgbench: PostgreSQL ${ceiling.cpu.postgres.toFixed(2)} + pgbench ${ceiling.cpu.client.toFixed(2)} = ${pgMs.toFixed(2)}  → CPU-bound rate ${f1((cores * 1000) / pgMs)}/s; measured ${ceiling.tps}/s`
	);
	console.log(
		`  without the benchmark's own clients (on phones in real use): server + PostgreSQL = ${((i.server ?? 0) + i.postgres).toFixed(2)} ms → ${f1((cores * 1000) / ((i.server ?? 0) + i.postgres))}/s on these cores`
	);
}

async function pgliteBench(): Promise<void> {
	process.env.E2E_DB = 'pglite';
	const { server, keys } = await startWithKeyedDemo({ testKdf: true, env: serverEnv() });
	let stopped = false;
	try {
		const recipients = await fetchRecipients(server.url, DEMO_TARGET, keys.rootPublicKey);
		console.log(
			`\nPGlite (embedded, in the server process): ${PGLITE_REPORTS} reports, ${PGLITE_CONCURRENCY} concurrent clients, same payloads`
		);
		await intakeRun(server, recipients, 50, PGLITE_CONCURRENCY, 2, 'warm-up');
		const run = await intakeRun(server, recipients, PGLITE_REPORTS, PGLITE_CONCURRENCY, 31, 'intake (HTTP)');
		print(run.figures);
		const mem = processMemory(server.pid);
		console.log(
			`  server RSS: max sampled ${(run.maxRssKb / 1024).toFixed(0)} MiB; VmHWM ${((mem?.hwmKb ?? NaN) / 1024).toFixed(0)} MiB`
		);
		// Ceiling: the same statements into the same data folder by PGlite in this process (the server stopped).
		process.kill(server.pid, 'SIGTERM');
		await server.exited;
		stopped = true;
		// The app's own PGlite options (its bytea conversion), so the ceiling is the same PGlite as the server's.
		const pg = await createPglite(server.dataDir!);
		try {
			const tx = await rawRun(
				'raw insert, transaction (PGlite in-process)',
				rawRows(recipients, PGLITE_REPORTS, 32),
				PGLITE_CONCURRENCY,
				(fn) =>
					pg
						.transaction((t) => fn(async (text, params) => (await t.query<{ id: string }>(text, params)).rows))
						.then(() => {})
			);
			print(tx);
			const one = await rawRun(
				'raw insert, one statement (PGlite)',
				rawRows(recipients, PGLITE_REPORTS, 33),
				PGLITE_CONCURRENCY,
				(fn) => fn(async (text, params) => (await pg.query<{ id: string }>(text, params)).rows),
				insertReportOneStatement
			);
			print(one);
			const raw = Math.max(tx.perSecond, one.perSecond);
			console.log(`  intake_vs_raw_insert (PGlite, for the record) = ${(run.figures.perSecond / raw).toFixed(2)}`);
		} finally {
			await pg.close();
		}
	} finally {
		if (!stopped) await server.stop();
		else await server.stop(); // removes the data folder
	}
}

async function main(): Promise<void> {
	console.log(`Intake benchmark on ${await machine()}; at the start: ${load()}`);
	let ratios: { raw: number; pgbench: number | null } | null = null;
	if (DB === 'postgres' || DB === 'both') ratios = await postgresBench();
	if (DB === 'pglite' || DB === 'both') await pgliteBench();
	if (ratios !== null) {
		console.log(`at the end: ${load()}`);
		console.log(`intake_vs_raw_insert=${ratios.raw.toFixed(2)}`);
		console.log(`intake_vs_pgbench=${ratios.pgbench === null ? 'n/a (pgbench failed)' : ratios.pgbench.toFixed(2)}`);
	}
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(e);
		process.exit(1);
	}
);
