/**
 * End-to-end harness: runs the production build (`node build`) as a child process on a free port with
 * its own storage (a temporary PGlite folder, or a fresh PostgreSQL database), and drives Debian's
 * Chromium through playwright-core.
 *
 * Nothing here skips: a missing build or a missing Chromium is an error that says how to fix it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { expect } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../scripts/server-flags.js';

export type { Browser, BrowserContext, Page, Response };

/** The repository root (this file is tests/e2e/harness.ts). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** QF_BUILD_DIR: run a private copy of the build (long benchmarks copy build/ so rebuilds don't disturb them). */
const buildEntry = path.join(
	process.env.QF_BUILD_DIR ? path.resolve(root, process.env.QF_BUILD_DIR) : path.join(root, 'build'),
	'index.js'
);

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const EXPECT_EXIT_TIMEOUT_MS = 30_000;

export type DbKind = 'pglite' | 'postgres';
export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

export interface StartOptions {
	/** Extra environment for the server; overrides what the harness sets. */
	env?: Record<string, string>;
	/** Default: 'postgres' when E2E_DB=postgres, else 'pglite'. */
	db?: DbKind;
	/** PGlite: use this data folder (created if missing). The caller owns it: stop() leaves it in place. */
	dataDir?: string;
	/** PostgreSQL: use this existing database, e.g. another running server's (`server.databaseUrl`), to run
	 *  several servers on one database. The caller (or that server) owns it: stop() leaves it in place. */
	databaseUrl?: string;
	/** Use the storage (data folder or PostgreSQL database) of an earlier, stopped server started with
	 *  `keepStorage: true`. Cleaning it up becomes this server's job (unless `keepStorage` is set again). */
	reuse?: Server;
	/** stop() leaves the data folder / database in place, so a later server can `reuse` it. */
	keepStorage?: boolean;
	/**
	 * ORIGIN: by default `http://127.0.0.1:<port>`; a function of the server's port gives another value;
	 * `false` starts without ORIGIN, as a bare `npm start` does (tests/e2e/origin.e2e.ts, proxy.e2e.ts).
	 */
	origin?: false | ((port: number) => string);
	/** Another production build folder to run (default: the one the tests use, build/ or QF_BUILD_DIR). */
	build?: string;
}

export interface Server {
	url: string;
	port: number;
	/** stdout and stderr so far, interleaved in arrival order. */
	output(): string;
	/** The first-run link from the line `Setup link: <url>`, or null if none was printed. */
	setupLink(): string | null;
	/** Sends `signal` (default SIGTERM), waits up to 20 s, then SIGKILL; cleans up the storage unless kept. */
	stop(signal?: NodeJS.Signals): Promise<ExitStatus>;
	exited: Promise<ExitStatus>;
	/** The variables the harness gave this server (PORT, HOST, ORIGIN unless `origin: false`, DATA_DIR or DATABASE_URL, plus opts.env). */
	env: Record<string, string>;
	db: DbKind;
	/** PGlite data folder, or null on PostgreSQL. */
	dataDir: string | null;
	/** PostgreSQL URL of this server's database, or null on PGlite. */
	databaseUrl: string | null;
	pid: number;
}

/* ------------------------------------------------------------------ storage */

interface Storage {
	db: DbKind;
	dataDir: string | null;
	databaseUrl: string | null;
	/** Removes the folder / drops the database. */
	destroy(): Promise<void>;
}

function defaultDb(): DbKind {
	return process.env.E2E_DB === 'postgres' ? 'postgres' : 'pglite';
}

const tmpBase = path.join(root, 'tests', '.tmp');

function tempDataDir(): string {
	// Under tests/.tmp (git-ignored) rather than /tmp, so a crashed run leaves its litter in one known place.
	try {
		mkdirSync(tmpBase, { recursive: true });
		return mkdtempSync(path.join(tmpBase, 'e2e-'));
	} catch {
		return mkdtempSync(path.join(os.tmpdir(), 'qf-e2e-'));
	}
}

const require_ = createRequire(import.meta.url);

function pgliteStorage(dir?: string): Storage {
	if (dir) return { db: 'pglite', dataDir: dir, databaseUrl: null, destroy: async () => {} };
	const dataDir = tempDataDir();
	return {
		db: 'pglite',
		dataDir,
		databaseUrl: null,
		destroy: async () => rmSync(dataDir, { recursive: true, force: true })
	};
}

type Sql = import('postgres').Sql;

/** A connection for create/drop database: TEST_DATABASE_URL's database, or `postgres` if that one is missing. */
async function adminConnection(): Promise<{ sql: Sql; base: URL }> {
	const raw = process.env.TEST_DATABASE_URL;
	if (!raw) {
		throw new Error(
			'E2E on PostgreSQL needs TEST_DATABASE_URL, e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test'
		);
	}
	const { default: postgres } = await import('postgres');
	const base = new URL(raw);
	const sql = postgres(base.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
	try {
		await sql`select 1`;
		return { sql, base };
	} catch (e) {
		await sql.end({ timeout: 1 }).catch(() => {});
		if ((e as { code?: string }).code !== '3D000') throw e; // 3D000: database does not exist
		const maintenance = new URL(raw);
		maintenance.pathname = '/postgres';
		const sql2 = postgres(maintenance.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
		await sql2`select 1`;
		return { sql: sql2, base };
	}
}

/**
 * QF_PG_SOCKET=/var/run/postgresql: the server reaches PostgreSQL over that Unix socket folder (libpq's
 * `?host=`, read by src/lib/server/db/index.ts) instead of loopback TCP (the intake benchmark's BENCH_PG_SOCKET).
 */
export function viaSocket(databaseUrl: string): string {
	const dir = process.env.QF_PG_SOCKET;
	if (!dir) return databaseUrl;
	const url = new URL(databaseUrl);
	url.searchParams.set('host', dir);
	return url.toString();
}

async function postgresStorage(): Promise<Storage> {
	const { sql, base } = await adminConnection();
	const name = `qf_e2e_${randomBytes(6).toString('hex')}`;
	try {
		await sql.unsafe(`create database ${name}`);
	} finally {
		await sql.end({ timeout: 5 });
	}
	const url = new URL(base.toString());
	url.pathname = `/${name}`;
	return {
		db: 'postgres',
		dataDir: null,
		databaseUrl: url.toString(),
		destroy: async () => {
			const admin = await adminConnection();
			try {
				await admin.sql.unsafe(`drop database if exists ${name} with (force)`);
			} finally {
				await admin.sql.end({ timeout: 5 });
			}
		}
	};
}

const storageOf = new WeakMap<Server, Storage>();

/** Pinned root public keys (base64) by storage (data folder or database URL): what the ceremony pinned for it. */
const pinnedRoots = new Map<string, string>();

/**
 * Pins a root public key (base64) for the storage of `server`: every later server on that storage gets it as
 * ROOT_PUBLIC_KEY, as a deployment's configuration would (the server refuses a database root it was not given).
 */
export function pinRoot(server: { dataDir: string | null; databaseUrl: string | null }, publicKey: string): void {
	pinnedRoots.set(server.databaseUrl ?? server.dataDir ?? '', publicKey);
}

/* ------------------------------------------------------------------ processes */

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen({ port: 0, host: '127.0.0.1' }, () => {
			const addr = srv.address();
			const port = typeof addr === 'object' && addr ? addr.port : 0;
			srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
		});
	});
}

function assertBuilt(): void {
	if (!existsSync(buildEntry)) {
		throw new Error(
			`The production build is missing (${buildEntry}). Run \`npx vite build\` (or \`npm run build\`) before the end-to-end tests.`
		);
	}
}

/** The parent environment minus anything that would leak into, or confuse, the server under test. */
function baseEnv(): Record<string, string> {
	const drop = new Set([
		'DATABASE_URL',
		'DATA_DIR',
		'TEST_DATABASE_URL',
		'E2E_DB',
		'PORT',
		'HOST',
		'ORIGIN',
		'SOCKET_PATH',
		'PROTOCOL_HEADER',
		'HOST_HEADER',
		'PORT_HEADER',
		'ADDRESS_HEADER',
		'XFF_DEPTH',
		'SESSION_IDLE_MINUTES',
		'SESSION_MAX_HOURS',
		'SIGNIN_FREE_ATTEMPTS',
		'DATABASE_POOL_MAX',
		'LOG_LEVEL',
		'QUICK_EXIT_URL',
		'ROOT_PUBLIC_KEY',
		'ROOT_PUBLIC_KEY_FILE',
		'NODE_OPTIONS',
		'TEST',
		'MODE',
		'BASE_URL',
		'PROD',
		'DEV',
		'SSR'
	]);
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v === undefined || drop.has(k) || k.startsWith('VITEST') || k.startsWith('__VITEST')) continue;
		env[k] = v;
	}
	env.NODE_ENV = 'production';
	return env;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
	live.add(child);
	child.once('exit', () => live.delete(child));
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		// Never leave a server behind if a test run dies half-way.
		process.once('exit', () => {
			for (const c of live) c.kill('SIGKILL');
		});
	}
}

function exitPromise(child: ChildProcess): Promise<ExitStatus> {
	return new Promise((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) {
			resolve({ code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null });
			return;
		}
		// 'close' comes after 'exit' once stdout and stderr are drained, so output() is complete by then.
		child.once('close', (code, signal) => resolve({ code, signal }));
	});
}

function delay(ms: number): Promise<'timeout'> {
	return new Promise((resolve) => {
		const t = setTimeout(() => resolve('timeout'), ms);
		t.unref?.();
	});
}

/**
 * Starts the production build on a free port with fresh storage; resolves once it prints `Listening on`.
 */
export async function startServer(opts: StartOptions = {}): Promise<Server> {
	assertBuilt();
	let storage: Storage;
	if (opts.reuse) {
		const prev = storageOf.get(opts.reuse);
		if (!prev) throw new Error('startServer({ reuse }): that server has no storage to hand over');
		storageOf.delete(opts.reuse);
		storage = prev;
	} else if (opts.dataDir) {
		storage = pgliteStorage(opts.dataDir);
	} else if (opts.databaseUrl) {
		storage = { db: 'postgres', dataDir: null, databaseUrl: opts.databaseUrl, destroy: async () => {} };
	} else {
		storage = (opts.db ?? defaultDb()) === 'postgres' ? await postgresStorage() : pgliteStorage();
	}

	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const env: Record<string, string> = { PORT: String(port), HOST: '127.0.0.1' };
	if (opts.origin !== false) env.ORIGIN = opts.origin ? opts.origin(port) : url;
	if (storage.databaseUrl) env.DATABASE_URL = viaSocket(storage.databaseUrl);
	else if (storage.dataDir) env.DATA_DIR = storage.dataDir;
	const pinned = pinnedRoots.get(storage.databaseUrl ?? storage.dataDir ?? '');
	if (pinned) env.ROOT_PUBLIC_KEY = pinned;
	Object.assign(env, opts.env ?? {});

	// QF_SERVER_NODE_ARGS: Node flags for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` for the benchmarks;
	// Node refuses --cpu-prof in NODE_OPTIONS).
	const nodeArgs = (process.env.QF_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
	// The production server's own flags first (scripts/server-flags.js), so tests and benchmarks run what npm start runs.
	const child = spawn(
		process.execPath,
		[...SERVER_NODE_FLAGS, ...nodeArgs, opts.build ? path.join(opts.build, 'index.js') : buildEntry],
		{
			cwd: root,
			env: { ...baseEnv(), ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	track(child);
	const exited = exitPromise(child);

	let out = '';
	let onData: (() => void) | null = null;
	const append = (chunk: Buffer) => {
		out += chunk.toString('utf8');
		onData?.();
	};
	child.stdout!.on('data', append);
	child.stderr!.on('data', append);

	let storageCleaned = false;
	const cleanStorage = async () => {
		if (storageCleaned) return;
		storageCleaned = true;
		if (opts.keepStorage) return;
		storageOf.delete(server);
		await storage.destroy();
	};

	const server: Server = {
		url,
		port,
		output: () => out,
		setupLink: () => /^Setup link: (\S+)\s*$/m.exec(out)?.[1] ?? null,
		stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill(signal);
				if ((await Promise.race([exited, delay(STOP_TIMEOUT_MS)])) === 'timeout') child.kill('SIGKILL');
			}
			const status = await exited;
			await cleanStorage();
			return status;
		},
		exited,
		env,
		db: storage.db,
		dataDir: storage.dataDir,
		databaseUrl: storage.databaseUrl,
		pid: child.pid ?? -1
	};
	storageOf.set(server, storage);

	const listening = new Promise<void>((resolve) => {
		const check = () => {
			if (/^Listening on /m.test(out)) {
				onData = null;
				resolve();
			}
		};
		onData = check;
		check();
	});
	const outcome = await Promise.race([
		listening.then(() => 'listening' as const),
		exited.then(() => 'exited' as const),
		delay(START_TIMEOUT_MS)
	]);
	if (outcome !== 'listening') {
		const status = await server.stop('SIGKILL');
		const why =
			outcome === 'exited'
				? `exited early (code ${status.code}, signal ${status.signal})`
				: `did not print "Listening on" within ${START_TIMEOUT_MS / 1000} s`;
		throw new Error(`The server ${why}. Its output:\n${out}`);
	}
	return server;
}

/**
 * Removes the storage a stopped server kept (`keepStorage`) and nobody reused; a no-op otherwise.
 * For cleanup in `finally` blocks.
 */
export async function releaseStorage(server: Server): Promise<void> {
	const storage = storageOf.get(server);
	if (!storage) return;
	await server.stop('SIGKILL');
	storageOf.delete(server);
	await storage.destroy();
}

/**
 * Starts the production build with `env` on top of a valid environment (free port, temporary data folder)
 * and waits for it to exit by itself (30 s at most). For start-up failure tests.
 */
export async function runServerExpectingExit(
	env: Record<string, string>
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	assertBuilt();
	const storage = pgliteStorage();
	const port = await freePort();
	const child = spawn(process.execPath, [buildEntry], {
		cwd: root,
		env: {
			...baseEnv(),
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: `http://127.0.0.1:${port}`,
			DATA_DIR: storage.dataDir!,
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	track(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
	child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
	const exited = exitPromise(child);
	try {
		if ((await Promise.race([exited, delay(EXPECT_EXIT_TIMEOUT_MS)])) === 'timeout') {
			child.kill('SIGKILL');
			await exited;
			throw new Error(
				`The server was expected to exit but still ran after ${EXPECT_EXIT_TIMEOUT_MS / 1000} s.\nstdout:\n${stdout}\nstderr:\n${stderr}`
			);
		}
		const { code } = await exited;
		return { code, stdout, stderr };
	} finally {
		await storage.destroy();
	}
}

/* ------------------------------------------------------------------ browser */

export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium through playwright-core. Throws (never skips) when the browser is not installed. */
export async function launchBrowser(): Promise<Browser> {
	const executablePath = chromiumPath();
	if (!existsSync(executablePath)) {
		throw new Error(
			`Chromium not found at ${executablePath}. The end-to-end tests need it: install Debian's package with ` +
				'`apt-get install -y chromium` (as root), or set CHROMIUM_PATH to a Chromium executable.'
		);
	}
	return chromium.launch({
		executablePath,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run',
			'--disable-quic',
			'--disable-sync'
		]
	});
}

/** A phone-sized context (360×740, 2× density, touch) and a page; `requests` collects every request URL. */
export async function newPhonePage(
	browser: Browser,
	opts: { locale?: string } = {}
): Promise<{ context: BrowserContext; page: Page; requests: string[] }> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: opts.locale ?? 'zh-CN'
	});
	const requests: string[] = [];
	context.on('request', (r) => {
		requests.push(r.url());
	});
	const page = await context.newPage();
	return { context, page, requests };
}

/* ------------------------------------------------------------------ assertions */

let axeSource: string | null = null;

/** Runs axe-core in the page and fails on any violation of impact 'serious' or 'critical'. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
	axeSource ??= readFileSync(require_.resolve('axe-core/axe.min.js'), 'utf8');
	// Evaluated through the DevTools protocol: a <script> tag would be (rightly) refused by the app's CSP.
	await page.evaluate(axeSource);
	const violations = await page.evaluate(async () => {
		type AxeResult = {
			violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
		};
		const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> } }).axe;
		const result = await axe.run(document, { resultTypes: ['violations'] });
		return result.violations.map((v) => ({
			id: v.id,
			impact: v.impact ?? null,
			help: v.help,
			targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target))
		}));
	});
	const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const report = bad.map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.targets.join(', ')}`).join('\n');
	expect(bad, `axe found serious/critical violations on ${page.url()}:\n${report}`).toEqual([]);
}

/** The page is no wider than the viewport (nothing to scroll sideways). */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
	const m = await page.evaluate(() => ({
		scroll: Math.max(document.documentElement.scrollWidth, document.body?.scrollWidth ?? 0),
		client: document.documentElement.clientWidth,
		inner: window.innerWidth
	}));
	expect(m.client, 'viewport width').toBeGreaterThan(0);
	expect(m.scroll, `page is ${m.scroll}px wide in a ${m.client}px viewport on ${page.url()}`).toBeLessThanOrEqual(
		m.client
	);
}

/** Anything with header lookup: a Playwright Response or a fetch() Response. */
type HeaderSource = Response | globalThis.Response;

function headerMap(response: HeaderSource): Record<string, string> {
	if ('allHeaders' in response && typeof response.headers === 'function') {
		return response.headers();
	}
	const map: Record<string, string> = {};
	(response as globalThis.Response).headers.forEach((v, k) => (map[k.toLowerCase()] = v));
	return map;
}

/** Parses a CSP into directive → sources. */
export function parseCsp(csp: string): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const part of csp.split(';')) {
		const [name, ...values] = part.trim().split(/\s+/);
		if (name) out.set(name.toLowerCase(), values);
	}
	return out;
}

/** The security baseline every dynamic page carries (see src/lib/server/security.ts and svelte.config.js). */
export function expectSecurityHeaders(response: HeaderSource): void {
	const h = headerMap(response);
	const csp = h['content-security-policy'];
	expect(csp, 'content-security-policy header').toBeTruthy();
	const d = parseCsp(csp ?? '');
	const scriptSrc = d.get('script-src') ?? d.get('default-src');
	expect(scriptSrc, 'CSP script-src (or default-src)').toBeDefined();
	expect(scriptSrc, 'CSP script-src must not allow inline scripts').not.toContain("'unsafe-inline'");
	expect(scriptSrc, 'CSP script-src must not allow eval').not.toContain("'unsafe-eval'");
	expect(d.get('object-src'), 'CSP object-src').toEqual(["'none'"]);
	expect(d.get('base-uri'), 'CSP base-uri').toEqual(["'none'"]);
	expect(d.get('frame-ancestors'), 'CSP frame-ancestors').toEqual(["'none'"]);
	expect(h['referrer-policy'], 'referrer-policy').toBe('no-referrer');
	expect(h['x-content-type-options'], 'x-content-type-options').toBe('nosniff');
	expect(h['cross-origin-opener-policy'], 'cross-origin-opener-policy').toBe('same-origin');
	const pp = (h['permissions-policy'] ?? '').replace(/\s+/g, '');
	for (const feature of ['camera', 'microphone', 'geolocation']) {
		expect(pp, `permissions-policy must deny ${feature}`).toMatch(new RegExp(`(^|,)${feature}=\\(\\)(,|$)`));
	}
	expect(h['cache-control'], 'cache-control').toMatch(/(^|,)\s*no-store\s*(,|$)/);
}
