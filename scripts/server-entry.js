/**
 * Qingfeng's server entry (issue 20), copied by svelte.config.js to build/index.js in place of adapter-node's
 * own, so `node build`, `npm start`, the systemd unit, the end-to-end harness and the benchmarks all run it.
 *
 * It is adapter-node's entry (@sveltejs/adapter-node files/index.js, MIT: the same environment — HOST, PORT,
 * SOCKET_PATH, SHUTDOWN_TIMEOUT, IDLE_TIMEOUT, KEEP_ALIVE_TIMEOUT, HEADERS_TIMEOUT, systemd socket activation —,
 * the same `Listening on` line, the same graceful shutdown and `sveltekit:shutdown` event) with one change:
 * `POST /api/v1/pow` and `POST /api/v1/reports`, the reporter's submission, go to the lean handler of
 * src/lib/server/http/submission.ts (the same checks and commit code as the SvelteKit routes, without the
 * Web Request/Response and the hook pipeline); every other request goes to SvelteKit's handler.
 *
 * The lean handler lives inside the SvelteKit server bundle (so it shares its modules: configuration, the
 * database, the rate limits); importing ./handler.js runs the app's `init` hook, which leaves its factory on
 * globalThis under Symbol.for('qingfeng.submissionHandler').
 */
import http from 'node:http';
import fs from 'node:fs';
import { rm } from 'node:fs/promises';
import process from 'node:process';
import { format } from 'node:url';
import { handler } from './handler.js';
import { env, timeout_env } from './env.js';

const path = env('SOCKET_PATH', false);
const host = env('HOST', '0.0.0.0');
const port = env('PORT', !path && '3000');

const shutdown_timeout = parseInt(env('SHUTDOWN_TIMEOUT', '30'));
const idle_timeout = parseInt(env('IDLE_TIMEOUT', '0'));
const listen_pid = parseInt(env('LISTEN_PID', '0'));
const listen_fds = parseInt(env('LISTEN_FDS', '0'));
// https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html
const SD_LISTEN_FDS_START = 3;

if (listen_pid !== 0 && listen_pid !== process.pid) {
	throw new Error(`received LISTEN_PID ${listen_pid} but current process id is ${process.pid}`);
}
if (listen_fds > 1) {
	throw new Error(`only one socket is allowed for socket activation, but LISTEN_FDS was set to ${listen_fds}`);
}

const socket_activation = listen_pid === process.pid && listen_fds === 1;

/** The lean submission handler, made with adapter-node's rule for the client's address. */
const makeSubmission = /** @type {((o: { addressHeader: string, xffDepth: number }) => {
	handles(req: http.IncomingMessage): boolean;
	handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
}) | undefined} */ (globalThis[Symbol.for('qingfeng.submissionHandler')]);
if (!makeSubmission) throw new Error('The app did not register its submission handler (src/hooks.server.ts init).');
const submission = makeSubmission({
	addressHeader: env('ADDRESS_HEADER', '').toLowerCase(),
	xffDepth: parseInt(env('XFF_DEPTH', '1'))
});

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
function route(req, res) {
	if (submission.handles(req)) {
		void submission.handle(req, res);
		return;
	}
	try {
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	} catch (e) {
		console.error(e instanceof Error ? e.name : 'unknown error');
		if (!res.headersSent) res.statusCode = 500;
		res.end();
	}
}

let requests = 0;
/** @type {NodeJS.Timeout | void} */
let shutdown_timeout_id;
/** @type {NodeJS.Timeout | void} */
let idle_timeout_id;

const httpServer = http.createServer(route);

const keep_alive_timeout = timeout_env('KEEP_ALIVE_TIMEOUT');
if (keep_alive_timeout !== undefined) httpServer.keepAliveTimeout = keep_alive_timeout * 1000;
const headers_timeout = timeout_env('HEADERS_TIMEOUT');
if (headers_timeout !== undefined) httpServer.headersTimeout = headers_timeout * 1000;

/** adapter-node's `Listening on …` address. */
function listeningAddress() {
	if (path) return path;
	const a = httpServer.address();
	if (a && typeof a === 'object') return format({ protocol: 'http:', hostname: a.address, port: a.port });
	return format({ protocol: 'http:', hostname: host, port: String(port) });
}

if (socket_activation) {
	httpServer.listen({ fd: SD_LISTEN_FDS_START }, () => {
		console.log(`Listening on file descriptor ${SD_LISTEN_FDS_START}`);
	});
} else {
	if (path) {
		try {
			if (fs.statSync(path).size === 0) await rm(path);
		} catch {
			// ignore
		}
	}
	httpServer.listen(path ? { path } : { host, port: Number(port) }, () => {
		console.log(`Listening on ${listeningAddress()}`);
	});
}

/** @param {'SIGINT' | 'SIGTERM' | 'IDLE'} reason */
function graceful_shutdown(reason) {
	if (shutdown_timeout_id) return;
	// A keep-alive connection would hold close() until it times out: close the idle ones first.
	httpServer.closeIdleConnections();
	httpServer.close((error) => {
		// occurs if the server is already closed
		if (error) return;
		if (shutdown_timeout_id) clearTimeout(shutdown_timeout_id);
		if (idle_timeout_id) clearTimeout(idle_timeout_id);
		// @ts-expect-error custom events cannot be typed
		process.emit('sveltekit:shutdown', reason);
	});
	shutdown_timeout_id = setTimeout(() => httpServer.closeAllConnections(), shutdown_timeout * 1000);
}

httpServer.on('request', (req) => {
	requests++;
	if (socket_activation && idle_timeout_id) idle_timeout_id = clearTimeout(idle_timeout_id);
	req.on('close', () => {
		requests--;
		// close connections as soon as they become idle, so they don't accept new requests
		if (shutdown_timeout_id) httpServer.closeIdleConnections();
		if (requests === 0 && socket_activation && idle_timeout) {
			idle_timeout_id = setTimeout(() => graceful_shutdown('IDLE'), idle_timeout * 1000);
		}
	});
});

process.on('SIGTERM', graceful_shutdown);
process.on('SIGINT', graceful_shutdown);

export { host, path, port, httpServer as server };
