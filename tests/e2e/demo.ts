/**
 * A server whose database holds the demo province (示范省): start with kept storage, stop, load the demo
 * with `scripts/demo.ts` against that storage (same DATA_DIR / DATABASE_URL), start again on it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { releaseStorage, root, startServer, type Server } from './harness';

/** Runs `scripts/demo.ts` against the storage of a stopped server. */
export function loadDemoInto(stopped: Server): Promise<void> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('__VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
	}
	delete env.DATABASE_URL;
	delete env.DATA_DIR;
	Object.assign(env, stopped.env, { NODE_ENV: 'production' });
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/demo.ts'],
			{
				cwd: root,
				env,
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		let out = '';
		child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
		child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
		child.once('error', reject);
		child.once('close', (code) =>
			code === 0 ? resolve() : reject(new Error(`scripts/demo.ts exited with ${code}:\n${out}`))
		);
	});
}

/** Starts a server on a fresh database holding the demo province. */
export async function startWithDemo(): Promise<Server> {
	const first = await startServer({ keepStorage: true });
	try {
		await first.stop();
		await loadDemoInto(first);
		return await startServer({ reuse: first });
	} catch (e) {
		await releaseStorage(first);
		throw e;
	}
}
