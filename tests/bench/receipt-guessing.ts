/**
 * `npm run bench:receipt [-- --guesses 10000] [--build <dir>] [--pglite]`: receipt guessing against the
 * production build with the keyed demo and one real report submitted through the reporter's client code.
 *
 *  1. Per-locator backoff: wrong guesses against the real locator and a made-up one, alternating: the same
 *     statuses (403 ×5, then 429 with Retry-After) and bodies for both.
 *  2. `--guesses` (default 10,000) wrong guesses against the real locator and as many against locators that
 *     do not exist, interleaved at random, each paying a fresh proof of work (POW_DIFFICULTY 4 here); the
 *     address limit is raised (RECEIPT_PER_10MIN=100000) so the run is not stopped by it, and the right key
 *     opens the report after every 4 wrong guesses to keep the real locator out of backoff. Prints the
 *     answers (all must be one identical 403) and the timing distributions of existing vs missing locators
 *     (p10 / median / p90, Kolmogorov–Smirnov and Mann–Whitney U), for the open and the spec requests.
 *  3. The default address limit (RECEIPT_PER_10MIN=30) on a restarted server: where the 429s begin.
 *
 * PostgreSQL when TEST_DATABASE_URL is set (a throw-away database is created and dropped), else PGlite
 * (or with --pglite). Run `npm run build` first; `--build` points at a copy of the build to use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, root, type Server } from '../e2e/harness';
import { loadDemoInto } from '../e2e/demo';
import { keyDemoInto } from '../e2e/keyed-demo';
import {
	limitSequence,
	openAttempt,
	randomLocator,
	statusRuns,
	submitRealReport,
	timeGuesses,
	timingReport
} from '../security/receipt';

const args = process.argv.slice(2);
const arg = (name: string) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : undefined;
};
const GUESSES = Number(arg('--guesses') ?? 10_000);
const BUILD = path.resolve(arg('--build') ?? path.join(root, 'build'));
const PG = !args.includes('--pglite') && !!process.env.TEST_DATABASE_URL;

interface Running {
	url: string;
	pid: number;
	child: ChildProcess;
	stop(): Promise<void>;
}

function storageEnv(): { env: Record<string, string>; drop: () => Promise<void> } {
	if (!PG) {
		mkdirSync(path.join(root, 'tests', '.tmp'), { recursive: true });
		const dir = mkdtempSync(
			path.join(
				existsSync(path.join(root, 'tests', '.tmp')) ? path.join(root, 'tests', '.tmp') : os.tmpdir(),
				'bench-receipt-'
			)
		);
		return { env: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
	}
	const base = new URL(process.env.TEST_DATABASE_URL!);
	const name = `qf_bench_receipt_${randomBytes(4).toString('hex')}`;
	const url = new URL(base.toString());
	url.pathname = `/${name}`;
	const admin = async <T>(fn: (sql: import('postgres').Sql) => Promise<T>) => {
		const { default: postgres } = await import('postgres');
		const sql = postgres(base.toString(), { max: 1, onnotice: () => {} });
		try {
			return await fn(sql);
		} finally {
			await sql.end({ timeout: 5 });
		}
	};
	return {
		env: { DATABASE_URL: url.toString(), __CREATE: name },
		drop: () => admin((sql) => sql.unsafe(`drop database if exists ${name} with (force)`)).then(() => {})
	};
}

async function createDb(name: string): Promise<void> {
	const { default: postgres } = await import('postgres');
	const sql = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
	try {
		await sql.unsafe(`create database ${name}`);
	} finally {
		await sql.end({ timeout: 5 });
	}
}

async function start(storage: Record<string, string>, extra: Record<string, string>): Promise<Running> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env))
		if (v !== undefined && !['DATABASE_URL', 'DATA_DIR', 'TEST_DATABASE_URL', 'PORT', 'HOST', 'ORIGIN'].includes(k))
			env[k] = v;
	Object.assign(
		env,
		{ NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, JOBS: 'off' },
		storage,
		extra
	);
	delete env.__CREATE;
	const child = spawn(process.execPath, [path.join(BUILD, 'index.js')], {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	await new Promise<void>((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
		const on = (c: Buffer) => {
			out += c.toString();
			if (/^Listening on /m.test(out)) {
				clearTimeout(t);
				resolve();
			}
		};
		child.stdout!.on('data', on);
		child.stderr!.on('data', on);
		child.once('exit', () => reject(new Error(`server exited:\n${out}`)));
	});
	return {
		url,
		pid: child.pid!,
		child,
		stop: () =>
			new Promise<void>((resolve) => {
				child.removeAllListeners('exit');
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}

async function main(): Promise<void> {
	if (!existsSync(path.join(BUILD, 'index.js')))
		throw new Error(`No production build at ${BUILD}: run npm run build first.`);
	const storage = storageEnv();
	if (storage.env.__CREATE) await createDb(storage.env.__CREATE);
	const { __CREATE: _unused, ...storageOnly } = storage.env;
	try {
		// Migrate, load and key the demo (the server stopped), then start with the test settings.
		await (await start(storageOnly, {})).stop();
		const stopped = { env: storageOnly } as unknown as Server;
		await loadDemoInto(stopped);
		await keyDemoInto(stopped, { testKdf: true });
		const env = { POW_DIFFICULTY: '4', POW_FREE_PER_MINUTE: '1000000', RECEIPT_PER_10MIN: '100000' };
		let server = await start(storageOnly, env);
		console.log(
			`receipt guessing benchmark: ${PG ? 'PostgreSQL' : 'PGlite'}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')}, build ${BUILD}`
		);
		const real = await submitRealReport(server.url);
		console.log(`a real report was submitted through the client code: locator ${real.locator}`);

		const seq = await limitSequence(server.url, real, 10);
		console.log(
			`1. per-locator backoff, 10 wrong guesses each, alternating:\n   existing: ${statusRuns(seq.existing)} (Retry-After ${seq.existing.map((a) => a.retryAfter ?? '-').join(',')})\n   missing:  ${statusRuns(seq.missing)} (Retry-After ${seq.missing.map((a) => a.retryAfter ?? '-').join(',')})\n   same statuses: ${JSON.stringify(seq.existing.map((a) => a.status)) === JSON.stringify(seq.missing.map((a) => a.status))}; same bodies: ${seq.existing.every((a, i) => a.body === seq.missing[i]!.body)}`
		);
		for (let i = 0; i < 30 && (await openAttempt(server.url, real.locator, real.authKey)).status !== 200; i++)
			await new Promise((r) => setTimeout(r, 1000));

		const t0 = Date.now();
		let last = 0;
		const run = await timeGuesses(server.url, real, GUESSES, {
			onProgress: (done) => {
				if (Date.now() - last > 15_000) {
					last = Date.now();
					process.stderr.write(`  … ${done} / ${2 * GUESSES}\n`);
				}
			}
		});
		const answers = new Map<string, number>();
		for (const a of [...run.existing, ...run.missing])
			answers.set(`${a.status} ${a.body}`, (answers.get(`${a.status} ${a.body}`) ?? 0) + 1);
		console.log(
			`2. ${GUESSES} wrong guesses against the real locator and ${GUESSES} against missing ones (fresh each), each with its own proof of work, in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${run.resets} right-key openings in between:`
		);
		for (const [a, n] of answers) console.log(`   ${n} × ${a}`);
		console.log(
			timingReport(
				'   open (client-side time of the POST /api/v1/receipt/open request)',
				run.existing.map((a) => a.ms),
				run.missing.map((a) => a.ms)
			).text.replace(/\n/g, '\n   ')
		);
		console.log(
			timingReport(
				'   open, leaving out the real-locator guesses sent right after a right-key opening',
				run.existing.filter((a) => !a.afterReset).map((a) => a.ms),
				run.missing.map((a) => a.ms)
			).text.replace(/\n/g, '\n   ')
		);
		console.log(
			timingReport(
				'   spec (POST /api/v1/receipt/spec, every 4th step)',
				run.spec.existing,
				run.spec.missing
			).text.replace(/\n/g, '\n   ')
		);
		await server.stop();

		server = await start(storageOnly, { POW_DIFFICULTY: '4', POW_FREE_PER_MINUTE: '1000000' });
		const attempts = [];
		for (let i = 0; i < 36; i++)
			attempts.push(
				await openAttempt(server.url, i === 35 ? real.locator : randomLocator(real.locator), randomBytes(32))
			);
		const first = attempts.findIndex((a) => a.status === 429) + 1;
		console.log(
			`3. default address limit (RECEIPT_PER_10MIN=30), 36 guesses: ${statusRuns(attempts)}; first 429 at guess ${first} (Retry-After ${attempts[first - 1]?.retryAfter} s); the real locator at guess 36: ${attempts[35]!.status}`
		);
		await server.stop();
	} finally {
		await storage.drop();
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
