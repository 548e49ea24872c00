import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { askHolder, claimDataDir, controlSocketPath, DataDirInUse } from './pglite-owner';

const base = mkdtempSync(path.join(os.tmpdir(), 'qf-owner-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const handlers = (bytes = new Uint8Array([1, 2, 3])) => ({ backup: async () => bytes });

describe('one process per PGlite data folder', () => {
	it('puts the control socket beside the folder, owner-only', async () => {
		const dir = path.join(base, 'data');
		expect(controlSocketPath(dir)).toBe(path.join(base, '.data.qingfeng.sock'));
		const claim = await claimDataDir(dir, handlers());
		try {
			const st = statSync(claim.socketPath);
			expect(st.isSocket()).toBe(true);
			expect(st.mode & 0o777).toBe(0o600);
		} finally {
			await claim.release();
		}
		expect(existsSync(controlSocketPath(dir))).toBe(false);
	});

	it('refuses a second claim while the first holds the folder, naming its pid, and frees it on release', async () => {
		const dir = path.join(base, 'held');
		const first = await claimDataDir(dir, handlers());
		const refused = await claimDataDir(dir, handlers()).catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(DataDirInUse);
		expect((refused as DataDirInUse).pid).toBe(process.pid);
		expect((refused as Error).message).toBe(
			`The data folder ${path.resolve(dir)} is in use by another Qingfeng process (pid ${process.pid}). PGlite allows one process per data folder: stop that process first (npm run backup works while it runs).`
		);
		await first.release();
		const second = await claimDataDir(dir, handlers());
		await second.release();
	});

	it('answers hello and backup requests; a failing backup answers an error', async () => {
		const dir = path.join(base, 'served');
		expect(await askHolder(dir, 'hello')).toBeNull();
		const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
		const claim = await claimDataDir(dir, handlers(bytes));
		try {
			const hello = await askHolder(dir, 'hello');
			expect(hello!.answer).toEqual({ ok: true, bytes: 0, pid: process.pid });
			const backup = await askHolder(dir, 'backup');
			expect(backup!.answer).toEqual({ ok: true, bytes: bytes.length, pid: process.pid });
			expect(Buffer.compare(backup!.body, Buffer.from(bytes))).toBe(0);
		} finally {
			await claim.release();
		}
		const failing = await claimDataDir(dir, {
			backup: async () => {
				throw new Error('disk on fire');
			}
		});
		try {
			expect((await askHolder(dir, 'backup'))!.answer).toEqual({ ok: false, error: 'disk on fire', pid: process.pid });
		} finally {
			await failing.release();
		}
	});

	it('takes over a socket left by a process that was killed', async () => {
		const dir = path.join(base, 'crashed');
		const sock = controlSocketPath(dir);
		// A child listens on the socket path and is killed with SIGKILL: the socket file stays, nobody answers.
		const child = spawn(
			process.execPath,
			['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`],
			{ stdio: ['ignore', 'pipe', 'inherit'] }
		);
		await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
		// A live listener that does not answer: a claim would be refused (alive), an ask times out.
		await expect(askHolder(dir, 'hello', 300)).rejects.toThrow(/no answer on .* within 0.3 s/);
		child.kill('SIGKILL');
		await new Promise((r) => child.once('exit', r));
		expect(existsSync(sock)).toBe(true);
		expect(await askHolder(dir, 'hello')).toBeNull();
		const claim = await claimDataDir(dir, handlers());
		expect((await askHolder(dir, 'hello'))!.answer.pid).toBe(process.pid);
		await claim.release();
	}, 20_000);

	it('refuses a data folder whose socket path would be too long', async () => {
		const dir = path.join(base, 'x'.repeat(120));
		await expect(claimDataDir(dir, handlers())).rejects.toThrow(/too long for its control socket/);
	});

	it('treats a stray file at the socket path as stale', async () => {
		const dir = path.join(base, 'stray');
		writeFileSync(controlSocketPath(dir), 'not a socket');
		const claim = await claimDataDir(dir, handlers());
		expect(statSync(claim.socketPath).isSocket()).toBe(true);
		await claim.release();
	});
});
