/**
 * Runs one of the project's scripts (scripts/*.ts, through tsx) the way an operator would, against the
 * storage of a test server (its DATA_DIR or DATABASE_URL), and collects its exit code and output.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from './harness';

export interface ScriptResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** `npx tsx scripts/<name>.ts ...args` with the test process's environment minus the test runner's, plus `env`. */
export function runScript(name: string, args: string[], env: Record<string, string>): Promise<ScriptResult> {
	const full: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !k.startsWith('VITEST') && !k.startsWith('__VITEST') && k !== 'NODE_OPTIONS') full[k] = v;
	}
	for (const k of ['DATABASE_URL', 'DATA_DIR', 'TEST_DATABASE_URL', 'E2E_DB']) delete full[k];
	Object.assign(full, { NODE_ENV: 'production' }, env);
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), `scripts/${name}.ts`, ...args],
			{
				cwd: root,
				env: full,
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
		child.once('error', reject);
		child.once('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/** The storage variables of a server (DATA_DIR or DATABASE_URL), for a script to work on the same database. */
export function storageEnv(server: { dataDir: string | null; databaseUrl: string | null }): Record<string, string> {
	return server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : { DATA_DIR: server.dataDir! };
}
