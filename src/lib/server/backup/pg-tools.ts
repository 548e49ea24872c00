/**
 * Runs PostgreSQL's own pg_dump and pg_restore for `npm run backup` / `npm run restore`. The password never
 * goes on a command line (where `ps` shows it): it is taken out of the URL and passed in PGPASSWORD.
 */
import { spawn } from 'node:child_process';

export class PgToolError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PgToolError';
	}
}

/** The URL without its password, and the environment that carries the password. */
export function connectionFor(databaseUrl: string): { url: string; env: Record<string, string> } {
	const u = new URL(databaseUrl);
	const env: Record<string, string> = {};
	if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
	u.password = '';
	return { url: u.toString(), env };
}

/** The URL with its password hidden, for messages. */
export function redactUrl(databaseUrl: string): string {
	const u = new URL(databaseUrl);
	if (u.password) u.password = '***';
	return u.toString();
}

/** Runs `tool` (pg_dump or pg_restore from PATH) with `args`; rejects with its stderr when it fails. */
export function runPgTool(
	tool: 'pg_dump' | 'pg_restore',
	args: string[],
	env: Record<string, string>
): Promise<{ stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
		child.on('error', (e: NodeJS.ErrnoException) => {
			reject(
				new PgToolError(
					e.code === 'ENOENT'
						? `${tool} was not found: install PostgreSQL's client tools, the same major version as the server or newer (Debian: apt-get install postgresql-client).`
						: `${tool} could not start: ${e.message}`
				)
			);
		});
		child.on('close', (code, signal) => {
			if (code === 0) resolve({ stderr });
			else reject(new PgToolError(`${tool} failed (${signal ?? `exit code ${code}`}):\n${stderr.trim()}`));
		});
	});
}
