/**
 * One process per PGlite data folder, and backups while it runs.
 *
 * PGlite runs PostgreSQL inside the process that opened the folder; a second process opening the same
 * folder would corrupt it, and nothing in PGlite prevents that. So whoever opens a data folder (the app
 * server, `npm run demo`, `npm run audit:verify`, …) first binds a Unix socket next to it, the *control
 * socket* (`.<folder name>.qingfeng.sock` beside the folder, mode 0600, so only the folder's owner can
 * connect). Binding is the lock: while a live process listens there, others are refused with a message
 * naming its pid; a socket file left by a crashed process answers nobody and is replaced.
 *
 * The socket also serves `npm run backup`: the process holding the folder answers a backup request with
 * a consistent copy of the folder (see `pgliteBackup` in ./backup.ts), so a backup needs no stopped
 * server and no second opener.
 *
 * Protocol (one request per connection): the client sends one JSON line, `{"op":"hello"}` or
 * `{"op":"backup"}`; the holder answers one JSON line `{"ok":true,"pid":…,"bytes":N}` followed by N bytes
 * (0 for hello), or `{"ok":false,"pid":…,"error":"…"}`, and closes.
 *
 * Known gap: two processes that find the same stale socket at the same instant (within microseconds, only
 * after a crash) could both replace it. Run one server per folder under a service manager and this does
 * not arise.
 */
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Longest socket path Linux accepts (sun_path is 108 bytes with the terminating zero). */
const MAX_SOCKET_PATH = 107;
const MAX_REQUEST = 1024;

/** The control socket of a data folder: a hidden file beside it (never inside, where PGlite's files are). */
export function controlSocketPath(dataDir: string): string {
	const dir = path.resolve(dataDir);
	return path.join(path.dirname(dir), `.${path.basename(dir)}.qingfeng.sock`);
}

export class DataDirInUse extends Error {
	constructor(
		readonly dataDir: string,
		readonly pid: number | null
	) {
		super(
			`The data folder ${dataDir} is in use by another Qingfeng process${pid ? ` (pid ${pid})` : ''}. ` +
				'PGlite allows one process per data folder: stop that process first (npm run backup works while it runs).'
		);
		this.name = 'DataDirInUse';
	}
}

export interface ControlHandlers {
	/** A consistent copy of the data folder (a gzipped tarball). */
	backup(): Promise<Uint8Array>;
}

export interface DataDirClaim {
	socketPath: string;
	/** Stops answering and removes the socket: the folder is free for another process. */
	release(): Promise<void>;
}

interface Answer {
	ok: boolean;
	pid: number;
	bytes?: number;
	error?: string;
}

/**
 * Connects to a folder's control socket and sends `op`; resolves with the answer header and body, or
 * null when no live process holds the folder (no socket, or a stale one).
 */
export function askHolder(
	dataDir: string,
	op: 'hello' | 'backup',
	timeoutMs = 10 * 60_000
): Promise<{ answer: Answer; body: Buffer } | null> {
	const socketPath = controlSocketPath(dataDir);
	return new Promise((resolve, reject) => {
		const socket = net.connect(socketPath);
		const chunks: Buffer[] = [];
		let settled = false;
		const done = (fn: () => void) => {
			if (settled) return;
			settled = true;
			socket.destroy();
			fn();
		};
		socket.setTimeout(timeoutMs, () =>
			done(() => reject(new Error(`no answer on ${socketPath} within ${timeoutMs / 1000} s`)))
		);
		socket.on('connect', () => socket.write(JSON.stringify({ op }) + '\n'));
		socket.on('data', (c: Buffer) => chunks.push(c));
		socket.on('error', (e: NodeJS.ErrnoException) => {
			if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') done(() => resolve(null));
			else done(() => reject(e));
		});
		socket.on('end', () =>
			done(() => {
				const all = Buffer.concat(chunks);
				const nl = all.indexOf(0x0a);
				let answer: Answer;
				try {
					answer = JSON.parse(all.subarray(0, nl).toString('utf8')) as Answer;
				} catch {
					reject(new Error(`unreadable answer on ${socketPath}`));
					return;
				}
				const body = all.subarray(nl + 1);
				if (answer.ok && answer.bytes !== body.length) {
					reject(new Error(`short answer on ${socketPath}: ${body.length} of ${answer.bytes} bytes`));
					return;
				}
				resolve({ answer, body });
			})
		);
	});
}

function listen(server: net.Server, socketPath: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (e: Error) => {
			server.off('listening', onListening);
			reject(e);
		};
		const onListening = () => {
			server.off('error', onError);
			resolve();
		};
		server.once('error', onError);
		server.once('listening', onListening);
		// The socket is created by bind() inside listen(), synchronously: with this umask it is 0600 from
		// the start (the chmod below is a second guard).
		const old = process.umask(0o177);
		try {
			server.listen(socketPath);
		} finally {
			process.umask(old);
		}
	});
}

function serve(handlers: ControlHandlers): net.Server {
	return net.createServer((socket) => {
		let buffered = Buffer.alloc(0);
		const answer = (a: Omit<Answer, 'pid'>, body?: Uint8Array) => {
			socket.write(JSON.stringify({ ...a, pid: process.pid }) + '\n');
			if (body) socket.write(body);
			socket.end();
		};
		socket.on('error', () => socket.destroy());
		socket.on('data', (c: Buffer) => {
			buffered = Buffer.concat([buffered, c]);
			const nl = buffered.indexOf(0x0a);
			if (nl < 0) {
				if (buffered.length > MAX_REQUEST) answer({ ok: false, error: 'request too long' });
				return;
			}
			socket.removeAllListeners('data');
			let op: unknown;
			try {
				op = (JSON.parse(buffered.subarray(0, nl).toString('utf8')) as { op?: unknown }).op;
			} catch {
				op = null;
			}
			if (op === 'hello') answer({ ok: true, bytes: 0 });
			else if (op === 'backup') {
				handlers.backup().then(
					(bytes) => answer({ ok: true, bytes: bytes.length }, bytes),
					(e: unknown) => answer({ ok: false, error: e instanceof Error ? e.message : 'backup failed' })
				);
			} else answer({ ok: false, error: 'unknown request' });
		});
	});
}

/**
 * Claims a data folder for this process (see the module comment); throws DataDirInUse when a live
 * process holds it. Call before opening PGlite, and `release()` after closing it.
 */
export async function claimDataDir(dataDir: string, handlers: ControlHandlers): Promise<DataDirClaim> {
	const socketPath = controlSocketPath(dataDir);
	if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
		throw new Error(
			`The data folder's path is too long for its control socket ${socketPath} (at most ${MAX_SOCKET_PATH} bytes): use a shorter DATA_DIR.`
		);
	}
	for (let attempt = 0; ; attempt++) {
		const server = serve(handlers);
		try {
			await listen(server, socketPath);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 0) throw e;
			const holder = await askHolder(dataDir, 'hello', 10_000).catch(() => undefined);
			if (holder === undefined) throw new DataDirInUse(path.resolve(dataDir), null); // alive but not answering
			if (holder) throw new DataDirInUse(path.resolve(dataDir), holder.answer.pid);
			// Left by a process that died: nobody listens. Replace it.
			if (existsSync(socketPath)) unlinkSync(socketPath);
			continue;
		}
		chmodSync(socketPath, 0o600);
		server.unref();
		let released: Promise<void> | null = null;
		return {
			socketPath,
			release: () =>
				(released ??= new Promise<void>((resolve) => {
					// close() stops listening and removes the socket file; open connections finish.
					server.close(() => resolve());
				}))
		};
	}
}
