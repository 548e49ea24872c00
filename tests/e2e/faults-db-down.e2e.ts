/**
 * Fault (issue 7): the database connection goes away while the app runs, without touching the shared
 * PostgreSQL cluster: the server reaches PostgreSQL through a TCP proxy in this process, and "down" closes
 * the proxy (live connections cut, new ones refused). While down, API calls that need the database answer
 * 503 with Retry-After and `{ error: { code: 'unavailable', message: { zh, en } } }` (never a 500), /healthz
 * says 503, pages that need no database still render; once the proxy listens again the same server process
 * answers normally (the pool reconnects). PostgreSQL only (PGlite has no connection to lose): it runs in the
 * E2E_DB=postgres pass. The real cluster restart is tests/faults/pg-restart.ts (a script, not CI).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type Server } from './harness';
import { HttpClient, parseJson } from '../bench/intake-lib';

class Proxy {
	private server: net.Server | null = null;
	private sockets = new Set<net.Socket>();
	constructor(
		readonly port: number,
		private readonly target: { host: string; port: number }
	) {}
	up(): Promise<void> {
		if (this.server) return Promise.resolve();
		return new Promise((resolve, reject) => {
			this.server = net.createServer((client) => {
				const upstream = net.connect(this.target.port, this.target.host);
				this.sockets.add(client).add(upstream);
				const cut = () => {
					client.destroy();
					upstream.destroy();
				};
				for (const s of [client, upstream]) {
					s.on('error', cut);
					s.on('close', cut);
				}
				client.pipe(upstream);
				upstream.pipe(client);
			});
			this.server.once('error', reject);
			this.server.listen(this.port, '127.0.0.1', () => resolve());
		});
	}
	down(): Promise<void> {
		const server = this.server;
		this.server = null;
		for (const s of this.sockets) s.destroy();
		this.sockets.clear();
		return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
	}
}

describe('the database goes away and comes back (PostgreSQL through a proxy)', () => {
	let server: Server;
	let proxy: Proxy;
	let client: HttpClient;

	beforeAll(async () => {
		const first = await startServer({ db: 'postgres', keepStorage: true });
		await first.stop();
		const direct = new URL(first.databaseUrl!);
		proxy = new Proxy(await freePort(), { host: direct.hostname, port: Number(direct.port || 5432) });
		await proxy.up();
		const viaProxy = new URL(direct.toString());
		viaProxy.hostname = '127.0.0.1';
		viaProxy.port = String(proxy.port);
		server = await startServer({ reuse: first, env: { DATABASE_URL: viaProxy.toString() } });
		client = new HttpClient(server.url, 2);
	});

	afterAll(async () => {
		client?.close();
		// Up again (a no-op when the test got that far) so the server shuts down cleanly and its database is dropped.
		await proxy?.up().catch(() => {});
		await server?.stop();
		await proxy?.down();
	});

	const calls = [
		['GET', '/api/v1/stats/public', null],
		['POST', '/api/v1/receipt/spec', JSON.stringify({ locator: '0123456789' })]
	] as const;

	it('answers 503 unavailable with Retry-After while down, and recovers without a restart', async () => {
		for (const [method, path, body] of calls)
			expect(
				(await client.request(method, path, body, body ? { 'content-type': 'application/json' } : {})).status,
				path
			).toBe(200);

		await proxy.down();
		for (let round = 0; round < 3; round++) {
			for (const [method, path, body] of calls) {
				const a = await client.request(method, path, body, body ? { 'content-type': 'application/json' } : {});
				expect(a.status, path).toBe(503);
				expect(a.headers['retry-after'], path).toBe('5');
				expect(a.headers['content-type']).toContain('application/json');
				expect(a.headers['cache-control']).toContain('no-store');
				const e = parseJson(a).error as { code: string; message: { zh: string; en: string } };
				expect(e.code).toBe('unavailable');
				expect(e.message.zh).toBeTruthy();
				expect(e.message.en).toBeTruthy();
			}
			expect((await client.request('GET', '/healthz')).status).toBe(503);
			// A page that needs no database still renders.
			expect((await client.request('GET', '/report')).status).toBe(200);
		}
		expect(server.output()).not.toMatch(/"event":"unhandled_error"/);
		expect(server.output()).toMatch(/"event":"database_unavailable"/);

		await proxy.up();
		const started = Date.now();
		for (;;) {
			const a = await client.request('GET', '/api/v1/stats/public');
			if (a.status === 200) break;
			expect(Date.now() - started, 'recovered within 20 s').toBeLessThan(20_000);
			await new Promise((r) => setTimeout(r, 200));
		}
		for (const [method, path, body] of calls)
			expect(
				(await client.request(method, path, body, body ? { 'content-type': 'application/json' } : {})).status,
				path
			).toBe(200);
		expect((await client.request('GET', '/healthz')).status).toBe(200);
	});
});
