/**
 * The start-up check of the postgres.js guard (issue 12, item 8; src/lib/server/db/postgres-guard.ts), on the
 * production build: a copy of build/ next to a copy of postgres.js without the guard (as `npm ci
 * --ignore-scripts` leaves it; Node resolves `postgres` from the nearest node_modules, everything else from
 * the repository's) refuses to start on PostgreSQL with one line saying what to run, before it connects
 * anywhere. With the guard put back by scripts/patch-deps.js, the same copy gets past the check.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, root } from './harness';

const MARK = '/* qingfeng: null-socket guard */';
const dir = path.join(root, 'tests', '.tmp', `guard-${randomBytes(4).toString('hex')}`);
const pkg = path.join(dir, 'node_modules', 'postgres');
const files = ['src/connection.js', 'cjs/src/connection.js'].map((f) => path.join(pkg, f));
/** A port nothing listens on: the server must stop before it would connect. */
const NOWHERE = 'postgres://qingfeng:secret@127.0.0.1:9/qingfeng';

/** Runs the copied build with DATABASE_URL until it exits, or for at most `ms`. */
function run(ms: number): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
	return freePort().then(
		(port) =>
			new Promise((resolve) => {
				const child = spawn(process.execPath, [path.join(dir, 'build', 'index.js')], {
					cwd: root,
					env: {
						PATH: process.env.PATH ?? '',
						NODE_ENV: 'production',
						PORT: String(port),
						HOST: '127.0.0.1',
						DATABASE_URL: NOWHERE
					},
					stdio: ['ignore', 'pipe', 'pipe']
				});
				let stdout = '';
				let stderr = '';
				child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
				child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
				let killed = false;
				const timer = setTimeout(() => {
					killed = true;
					child.kill('SIGKILL');
				}, ms);
				child.on('close', (code) => {
					clearTimeout(timer);
					resolve({ code, stdout, stderr, killed });
				});
			})
	);
}

beforeAll(() => {
	mkdirSync(dir, { recursive: true });
	cpSync(path.join(root, 'build'), path.join(dir, 'build'), { recursive: true });
	cpSync(path.join(root, 'node_modules', 'postgres'), pkg, { recursive: true });
	// Undo scripts/patch-deps.js: the guard block becomes the original two lines again.
	for (const f of files) {
		const text = readFileSync(f, 'utf8');
		const unpatched = text.replace(
			/ {4}if \(socket === null\) \{ \/\* qingfeng: null-socket guard \*\/\n(?: {6}.*\n){3} {4}\}\n/,
			''
		);
		expect(unpatched).not.toContain(MARK);
		writeFileSync(f, unpatched);
	}
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start-up without the postgres.js guard', () => {
	it('refuses to start on PostgreSQL with one line, before connecting', async () => {
		const r = await run(30_000);
		expect(r.killed).toBe(false);
		expect(r.code).toBe(1);
		expect(r.stderr.trim().split('\n')).toEqual([
			`Start-up refused: postgres.js lacks the guard that scripts/patch-deps.js adds (${files.join(', ')}); without it a PostgreSQL restart can crash this server. ` +
				'Run `node scripts/patch-deps.js` (npm ci --ignore-scripts skips it), then start again.'
		]);
		expect(r.stdout).not.toMatch(/Listening on|database_ready/);
	}, 60_000);

	it('gets past the check once the patch script has put the guard back', async () => {
		// scripts/patch-deps.js patches the postgres.js under the node_modules next to it: run a copy there.
		mkdirSync(path.join(dir, 'scripts'), { recursive: true });
		cpSync(path.join(root, 'scripts', 'patch-deps.js'), path.join(dir, 'scripts', 'patch-deps.js'));
		await new Promise<void>((resolve, reject) => {
			const p = spawn(process.execPath, [path.join(dir, 'scripts', 'patch-deps.js')], { stdio: 'ignore' });
			p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`patch-deps exited ${code}`))));
		});
		for (const f of files) expect(readFileSync(f, 'utf8')).toContain(MARK);
		// Now it goes on to open the database, which is not there: a different failure, not the refusal.
		const r = await run(20_000);
		expect(r.stderr).not.toContain('Start-up refused');
		expect(r.stderr).toContain('ECONNREFUSED 127.0.0.1:9');
		expect(r.stderr).toContain(path.join(pkg, 'src', 'query.js')); // the copy is the postgres.js that ran
	}, 60_000);
});
