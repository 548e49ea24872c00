#!/usr/bin/env node
/**
 * `npm test`: every check the project has, in order, with streamed output and one summary.
 *
 *   1. check      svelte-check (zero errors and warnings)            counts as one test
 *   2. lint       Prettier and ESLint (zero warnings; the layer rules)  counts as one test
 *   3. unit       vitest: unit and database tests (PGlite, and PostgreSQL when TEST_DATABASE_URL is set)
 *   4. build      vite build with QF_TEST_BUILD=1 (the build the browser tests run: a production build
 *                 that also accepts the keyed demo's cheap staff Argon2, issue 16)  counts as one test
 *   5. e2e        browser and process tests on PGlite
 *   6. e2e (pg)   the same on PostgreSQL, when TEST_DATABASE_URL is set
 *
 * Steps 1 and 2 run side by side (CI time; lint ignores the generated folders check rewrites); lint prints
 * its output, in one piece, when check has finished; the summary keeps the order above. The build waits for
 * the unit tests (see below).
 *
 * First, the Debian packages the end-to-end tests need (Chromium, nginx, openssl) are installed when they
 * are missing and the process may (root, apt-get: scripts/system-packages.js); otherwise a missing browser
 * fails the end-to-end steps with a hint.
 *
 * A failed step does not stop later ones (except that the end-to-end steps need a build). The last line
 * is always `N passed, N failed` (plus `, N skipped` when tests were skipped); the exit status is non-zero
 * when anything failed or when no test ran at all.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installDebianPackages, planSystemPackages, thisMachine } from './system-packages.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'qf-test-'));
const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** @typedef {{ name: string, passed: number, failed: number, skipped: number, seconds: number, note?: string }} StepResult */
/** @type {StepResult[]} */
const results = [];

let interrupted = false;
/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(sig, () => {
		interrupted = true;
		// The children share our process group for Ctrl-C; a SIGTERM sent to us alone is passed on.
		for (const child of running) if (child.exitCode === null) child.kill(sig);
	});
}

function banner(text) {
	const line = '─'.repeat(Math.max(10, 72 - text.length - 4));
	process.stdout.write(`\n── ${text} ${line}\n`);
}

/**
 * Where a step's output goes: straight through (`null`), or into a buffer printed later with `flush`
 * (a step running beside another one).
 * @typedef {{ name: string, chunks: Buffer[] } | null} Output
 */

/** Prints a buffered step's banner and output. @param {Output} output */
function flush(output) {
	if (!output) return;
	banner(output.name);
	process.stdout.write(Buffer.concat(output.chunks));
}

/**
 * Runs a command with inherited stdio (or its stdout and stderr into `output`); resolves with its exit code
 * (or 1 when it could not start or died by a signal).
 * @param {string} cmd @param {string[]} args @param {Record<string, string | undefined>} [env]
 * @param {Output} [output]
 * @returns {Promise<number>}
 */
function run(cmd, args, env = {}, output = null) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, {
			cwd: root,
			stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit',
			env: { ...process.env, ...env }
		});
		running.add(child);
		if (output) {
			child.stdout?.on('data', (c) => output.chunks.push(c));
			child.stderr?.on('data', (c) => output.chunks.push(c));
		}
		child.on('error', (e) => {
			running.delete(child);
			const line = `Could not run ${cmd}: ${e.message}\n`;
			if (output) output.chunks.push(Buffer.from(line));
			else process.stderr.write(line);
			resolve(1);
		});
		// 'close': after 'exit', once the child's output is drained (all of it is in `output`).
		child.on('close', (code, signal) => {
			running.delete(child);
			resolve(code ?? (signal ? 1 : 0));
		});
	});
}

/** A step that is one test: passed when the command exits 0. @param {Output} [output] */
async function simpleStep(name, cmd, args, env, output = null) {
	if (!output) banner(name);
	const t0 = Date.now();
	const code = await run(cmd, args, env, output);
	const r = {
		name,
		passed: code === 0 ? 1 : 0,
		failed: code === 0 ? 0 : 1,
		skipped: 0,
		seconds: (Date.now() - t0) / 1000
	};
	if (code !== 0) r.note = `exit code ${code}`;
	return r;
}

/**
 * A vitest run; counts come from its JSON report. A run that exits non-zero without a failed test
 * (a file that failed to load, an unhandled error, a crash) still counts as one failure.
 */
async function vitestStep(name, args, env) {
	banner(name);
	const t0 = Date.now();
	const out = path.join(tmp, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
	const code = await run(
		process.execPath,
		[vitestBin, 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile=${out}`],
		env
	);
	const r = { name, passed: 0, failed: 0, skipped: 0, seconds: (Date.now() - t0) / 1000 };
	let report = null;
	try {
		report = JSON.parse(readFileSync(out, 'utf8'));
	} catch {
		/* no report: counted below */
	}
	if (report) {
		r.passed = report.numPassedTests ?? 0;
		r.failed = report.numFailedTests ?? 0;
		r.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
		const brokenFiles = (report.testResults ?? []).filter(
			(f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0
		).length;
		// The failed tests' names and first message lines, for the summary: CI keeps only the tail of the output.
		r.failures = (report.testResults ?? []).flatMap((f) => {
			const file = path.relative(root, f.name ?? '');
			const tests = (f.assertionResults ?? []).filter((a) => a.status === 'failed');
			if (tests.length === 0 && f.status === 'failed') return [`${file}: ${firstLine(f.message)}`];
			return tests.map((a) => `${file} > ${a.fullName ?? a.title}: ${firstLine((a.failureMessages ?? [])[0])}`);
		});
		if (brokenFiles > 0) {
			r.failed += brokenFiles;
			r.note = `${brokenFiles} test file(s) failed to run`;
		}
	}
	if (code !== 0 && r.failed === 0) {
		r.failed = 1;
		r.note = report ? `vitest exited with code ${code}` : `vitest exited with code ${code} and wrote no report`;
	}
	results.push(r);
	return code === 0;
}

/** The first non-empty line of a failure message, without colour codes, at most 200 characters. */
function firstLine(message) {
	const line = String(message ?? '')
		// eslint-disable-next-line no-control-regex
		.replace(/\u001b\[[0-9;]*m/g, '')
		.split('\n')
		.map((l) => l.trim())
		.find((l) => l.length > 0);
	return (line ?? 'failed').slice(0, 200);
}

function chromiumHint() {
	const exe = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (existsSync(exe)) return null;
	return (
		`Chromium not found at ${exe}: the end-to-end tests need it. Install Debian's package with ` +
		'`apt-get install -y chromium fonts-noto-cjk` (as root), or set CHROMIUM_PATH to a Chromium executable.'
	);
}

async function e2eStep(name, env) {
	const hint = chromiumHint();
	if (hint) process.stderr.write(`\n${hint}\n`);
	await vitestStep(name, ['--config', 'tests/e2e/vitest.config.ts'], env);
	const r = results[results.length - 1];
	if (hint && r.failed === 0) {
		// Never let a missing browser pass quietly.
		r.failed = 1;
		r.note = 'Chromium is missing';
	}
}

/** Installs what the end-to-end tests need from Debian when it is missing and we may; says what is left. */
function systemPackages() {
	const plan = planSystemPackages(thisMachine());
	if (plan.install.length > 0) {
		process.stdout.write(
			`Installing ${plan.install.join(' ')} from Debian for the end-to-end tests (missing ${plan.missing.join(', ')}).\n`
		);
		if (!installDebianPackages(plan.install)) process.stderr.write('apt-get failed: see its messages above.\n');
	}
	if (plan.left.length > 0) {
		process.stdout.write(
			`Not installing ${plan.left.join(', ')} (${plan.refusal}): the end-to-end tests that need it will fail.\n`
		);
	}
}

const started = Date.now();
const pgUrl = process.env.TEST_DATABASE_URL?.trim() || '';

systemPackages();
{
	/** @type {Output} */
	const lintOutput = { name: 'lint', chunks: [] };
	const lint = simpleStep('lint', npmCmd, ['run', '--silent', 'lint'], {}, lintOutput);
	results.push(await simpleStep('check', npmCmd, ['run', '--silent', 'check']));
	results.push(await lint);
	flush(lintOutput);
}
let built = false;
if (!interrupted) {
	// The build runs after the unit tests, never beside them: built beside them (in one try) it came out with
	// 543 client files instead of 780 and failed release.e2e's reproducibility check, so the unit run
	// disturbs what vite reads (generated sources), and the browser tests would test a different build.
	await vitestStep('unit', []);
	const r = await simpleStep('build', process.execPath, [viteBin, 'build'], { QF_TEST_BUILD: '1' });
	results.push(r);
	built = r.failed === 0;
}
// QF_TEST_BUILD=1 tells release.e2e.ts which kind of build build/ is, so its second build is of the same kind.
const e2eSteps = [{ name: 'e2e (PGlite)', env: { E2E_DB: 'pglite', QF_TEST_BUILD: '1' } }];
if (pgUrl)
	e2eSteps.push({
		name: 'e2e (PostgreSQL)',
		env: { E2E_DB: 'postgres', TEST_DATABASE_URL: pgUrl, QF_TEST_BUILD: '1' }
	});
for (const s of e2eSteps) {
	if (interrupted) break;
	if (!built) {
		results.push({ name: s.name, passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'not run: the build failed' });
		continue;
	}
	await e2eStep(s.name, s.env);
}
if (interrupted)
	results.push({ name: 'interrupted', passed: 0, failed: 1, skipped: 0, seconds: 0, note: 'stopped by a signal' });

rmSync(tmp, { recursive: true, force: true });

const total = results.reduce(
	(a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
	{ passed: 0, failed: 0, skipped: 0 }
);
const minutes = (Date.now() - started) / 60000;
banner(`summary (${minutes.toFixed(1)} min${pgUrl ? '' : '; set TEST_DATABASE_URL to run on PostgreSQL too'})`);
const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) {
	const status = r.failed > 0 ? 'FAIL' : 'ok  ';
	const counts = `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
	process.stdout.write(
		`${status} ${r.name.padEnd(width)}  ${counts}  (${r.seconds.toFixed(0)} s)${r.note ? `  ${r.note}` : ''}\n`
	);
	const failures = r.failures ?? [];
	for (const f of failures.slice(0, 10)) process.stdout.write(`       ✗ ${f}\n`);
	if (failures.length > 10) process.stdout.write(`       … and ${failures.length - 10} more\n`);
}
const ran = total.passed + total.failed;
if (ran === 0) process.stdout.write('No tests ran.\n');
process.stdout.write(
	`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`
);
process.exitCode = total.failed > 0 || ran === 0 ? 1 : 0;
