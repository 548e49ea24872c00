#!/usr/bin/env node
/**
 * `npm start`: builds the app when build/ is missing or older than the sources, then runs the production
 * server (`node build`) in the foreground with this environment. Without DATABASE_URL the server uses the
 * embedded database in DATA_DIR (./data) and prints its URL and, on first run, the one-time setup link.
 */
import { spawn } from 'node:child_process';
import { SERVER_NODE_FLAGS } from './server-flags.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildEntry = path.join(root, 'build', 'index.js');
const sources = [
	'src',
	'messages',
	'drizzle',
	'static',
	'project.inlang/settings.json',
	'package.json',
	'package-lock.json',
	'svelte.config.js',
	'vite.config.ts',
	// The build's own step (release manifest, version): svelte.config.js imports it.
	'scripts/release-manifest.js',
	// The GM build's service-worker verifier (vite.config.ts bundles it).
	'scripts/sw-release-gm.ts',
	// The server entry svelte.config.js copies to build/index.js.
	'scripts/server-entry.js'
];
/** Generated or cached inside the source folders: never a reason to rebuild. */
const ignored = new Set([path.join(root, 'src', 'lib', 'paraglide'), path.join(root, 'project.inlang', 'cache')]);

/** Newest modification time (ms) of a file or, recursively, of a folder's files. */
function newest(p) {
	if (ignored.has(p) || !existsSync(p)) return 0;
	const st = statSync(p);
	if (!st.isDirectory()) return st.mtimeMs;
	let max = 0;
	for (const entry of readdirSync(p)) {
		if (entry === 'node_modules' || entry.startsWith('.')) continue;
		max = Math.max(max, newest(path.join(p, entry)));
	}
	return max;
}

function needsBuild() {
	if (!existsSync(buildEntry)) return 'no build yet';
	const built = statSync(buildEntry).mtimeMs;
	const changed = sources.find((s) => newest(path.join(root, s)) > built);
	return changed ? `${changed} changed since the last build` : null;
}

/** @param {string[]} args @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
function runNode(args) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
		const forward = (/** @type {NodeJS.Signals} */ sig) => {
			if (child.exitCode === null && child.signalCode === null) child.kill(sig);
		};
		process.on('SIGINT', forward);
		process.on('SIGTERM', forward);
		child.on('error', (e) => {
			console.error(`Could not start node: ${e.message}`);
			resolve({ code: 1, signal: null });
		});
		child.on('exit', (code, signal) => {
			process.off('SIGINT', forward);
			process.off('SIGTERM', forward);
			resolve({ code, signal });
		});
	});
}

/** Ends this process the way the child ended: same exit code, or the same signal. Never returns. */
async function exitLike({ code, signal }) {
	if (signal) {
		// Die the same way the child did, so supervisors see the real cause.
		setTimeout(() => process.exit(1), 1000);
		process.kill(process.pid, signal);
		await new Promise(() => {});
	}
	process.exit(code ?? 1);
}

const reason = needsBuild();
if (reason) {
	console.log(`Building Qingfeng (${reason})…`);
	const result = await runNode([
		path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
		'build',
		'--logLevel',
		'warn'
	]);
	if (result.code !== 0 || !existsSync(buildEntry)) {
		console.error(result.signal ? 'Build interrupted.' : 'The build failed; see the messages above.');
		await exitLike(result.signal ? result : { code: result.code || 1, signal: null });
	}
}

await exitLike(await runNode([...SERVER_NODE_FLAGS, buildEntry]));
