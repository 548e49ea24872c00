import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import {
	decodeBase64,
	deriveReceiptKeys,
	encodeKdfSpec,
	generateReceiptSecret,
	newKdfSpec,
	RECEIPT_KDF,
	receiptAuthHash,
	wrapKey
} from '$lib/crypto';
import { describeDb } from '$support/db';
import { report } from '$lib/server/db/schema';
import { solvePow } from '$lib/server/reports/pow';
import { NON_PAGE_CSP, PERMISSIONS_POLICY } from '$lib/server/security';
import { encodeReportBinary } from '$lib/shared/wire/report-binary';
import { REPORT_BODY_CAP } from '$lib/shared/limits';
import type { OriginSettings } from '$lib/server/origin';
import { buildWorld, counts, draft, type World } from '../../../../tests/support/reporter-world';
import type { Ctx } from './reporter';
import { clientAddress, keyOfAddress, nodeAddressKey } from '$lib/server/ratelimit';
import { DRAIN_CAP, submissionHandler, type SubmissionDeps } from './submission';

const SITE: OriginSettings = { origin: 'http://qf.test', protocolHeader: null, hostHeader: null, portHeader: null };

interface Reply {
	status: number;
	headers: IncomingMessage['headers'];
	text: string;
	json: () => { error?: { code: string; field?: string; message: { zh: string; en: string } } } & Record<
		string,
		unknown
	>;
}

/** A request over a real socket (Node's client: raw bodies, chunked or with a length, any header). */
function send(
	port: number,
	opts: {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: Uint8Array | string;
		chunks?: Uint8Array[];
		/** A keep-alive agent; by default every request has a connection of its own. */
		agent?: Agent;
	}
): Promise<Reply> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			{
				host: '127.0.0.1',
				port,
				method: opts.method ?? 'POST',
				path: opts.path ?? '/api/v1/reports',
				headers: opts.headers,
				agent: opts.agent ?? false
			},
			(res) => {
				const parts: Buffer[] = [];
				res.on('data', (c: Buffer) => parts.push(c));
				res.on('end', () => {
					const text = Buffer.concat(parts).toString('utf8');
					resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
				});
			}
		);
		req.on('error', reject);
		if (opts.chunks) {
			for (const c of opts.chunks) req.write(c);
			req.end();
		} else req.end(opts.body);
	});
}

/** A server answering with the lean handler, and 299 "fell through" for everything it does not take. */
async function serve(deps: SubmissionDeps): Promise<{ port: number; close: () => Promise<void> }> {
	const lean = submissionHandler({ addressHeader: '', xffDepth: 1 }, { origin: () => SITE, ...deps });
	const server: Server = createServer((req, res) => {
		if (lean.handles(req)) return void lean.handle(req, res);
		res.writeHead(299).end('fell through');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return {
		port: (server.address() as AddressInfo).port,
		close: () =>
			new Promise<void>((r) => {
				server.close(() => r());
				server.closeAllConnections();
			})
	};
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
	headers: { 'content-type': 'application/json', ...headers },
	body: typeof body === 'string' ? body : JSON.stringify(body)
});

function expectSecurityHeaders(r: Reply) {
	expect(r.headers['cache-control']).toBe('no-store');
	expect(r.headers['content-security-policy']).toBe(NON_PAGE_CSP);
	expect(r.headers['x-content-type-options']).toBe('nosniff');
	expect(r.headers['x-frame-options']).toBe('DENY');
	expect(r.headers['referrer-policy']).toBe('no-referrer');
	expect(r.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
	expect(r.headers['strict-transport-security']).toBeUndefined(); // http origin
}

describe('routing and the client address', () => {
	const lean = submissionHandler({ addressHeader: '', xffDepth: 1 });
	const req = (method: string, url: string) => ({ method, url }) as IncomingMessage;
	it('takes POST to the two exact paths only (a query allowed)', () => {
		expect(lean.handles(req('POST', '/api/v1/pow'))).toBe(true);
		expect(lean.handles(req('POST', '/api/v1/reports'))).toBe(true);
		expect(lean.handles(req('POST', '/api/v1/reports?x=1'))).toBe(true);
		for (const [m, u] of [
			['GET', '/api/v1/pow'],
			['PUT', '/api/v1/reports'],
			['POST', '/api/v1/intake'],
			['POST', '/api/v1/reports/x'],
			['POST', '/api/v1/powx'],
			['POST', '/api/v1/Pow'],
			['POST', '/en/api/v1/pow'],
			['POST', '/api/v1/receipt/open']
		] as const)
			expect(lean.handles(req(m, u)), `${m} ${u}`).toBe(false);
	});

	it("finds the address as adapter-node's getClientAddress does, 'unknown' where it would throw", () => {
		const r = (headers: Record<string, string>, remote = '10.0.0.9') =>
			({ headers, socket: { remoteAddress: remote } }) as unknown as IncomingMessage;
		expect(clientAddress(r({}), { addressHeader: '', xffDepth: 1 })).toBe('10.0.0.9');
		const xff = { addressHeader: 'x-forwarded-for', xffDepth: 1 };
		expect(clientAddress(r({ 'x-forwarded-for': '1.1.1.1, 2.2.2.2' }), xff)).toBe('2.2.2.2');
		expect(clientAddress(r({ 'x-forwarded-for': '1.1.1.1, 2.2.2.2' }), { ...xff, xffDepth: 2 })).toBe('1.1.1.1');
		expect(clientAddress(r({ 'x-forwarded-for': '1.1.1.1' }), { ...xff, xffDepth: 2 })).toBe('unknown');
		expect(clientAddress(r({}), xff)).toBe('unknown');
		expect(clientAddress(r({ 'x-real-ip': '3.3.3.3' }), { addressHeader: 'x-real-ip', xffDepth: 1 })).toBe('3.3.3.3');
		// The key: the same as SvelteKit's side makes, an IPv6 address by its /64, 'unknown' one key for all.
		const direct = { addressHeader: '', xffDepth: 1 };
		expect(nodeAddressKey(r({}, '2001:db8:1:2:aaaa::1'), direct)).toBe(
			nodeAddressKey(r({}, '2001:db8:1:2::9'), direct)
		);
		expect(nodeAddressKey(r({}, '2001:db8:1:2::9'), direct)).toBe(keyOfAddress('2001:db8:1:2::9'));
		expect(nodeAddressKey(r({}), xff)).toBe(keyOfAddress('unknown'));
		expect(nodeAddressKey(r({}, '::ffff:10.0.0.9'), direct)).toBe(nodeAddressKey(r({}), direct));
	});
});

describeDb('the lean submission handler', (get) => {
	let world: World;
	let server: { port: number; close: () => Promise<void> };
	let seen: string[];
	let receipt: { kdfSpec: Uint8Array; authHash: Uint8Array; wrappedFor: (k: Uint8Array) => Uint8Array };
	const recipients = () => [
		{ entryId: world.alice.entryId, publicKey: world.alice.keyPair.publicKey },
		{ entryId: world.bob.entryId, publicKey: world.bob.keyPair.publicKey }
	];

	beforeAll(async () => {
		world = await buildWorld(get().db);
		seen = [];
		server = await serve({
			context: (address: string): Ctx => {
				seen.push(address);
				return world.ctx({ address });
			}
		});
		const spec = newKdfSpec(RECEIPT_KDF);
		const keys = await deriveReceiptKeys(generateReceiptSecret(), spec);
		receipt = {
			kdfSpec: encodeKdfSpec(spec),
			authHash: receiptAuthHash(keys.authKey),
			wrappedFor: (k) => wrapKey(k, keys.unwrapKey)
		};
	});
	afterAll(() => server?.close());

	async function pow(): Promise<{ challenge: string; nonce: number }> {
		const r = await send(server.port, { path: '/api/v1/pow', ...json({ purpose: 'intake' }) });
		expect(r.status, r.text).toBe(200);
		const c = r.json() as unknown as { challenge: string; difficulty: number };
		return { challenge: c.challenge, nonce: solvePow(c.challenge, c.difficulty) };
	}

	it('issues a challenge with the security headers; the rate-limit key is the address, hashed per /64', async () => {
		const r = await send(server.port, { path: '/api/v1/pow', ...json({ purpose: 'intake' }) });
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
		expectSecurityHeaders(r);
		expect(r.json()).toMatchObject({ challenge: expect.any(String), difficulty: expect.any(Number) });
		expect(seen.at(-1)).toBe('addr:127.0.0.1');
	});

	it('commits a report as JSON and as the binary body, with the answers of the SvelteKit route', async () => {
		const { db } = get();
		const file = new Uint8Array(30 * 1024).map((_, i) => (i * 7) & 255);
		const d = draft({ recipients: recipients(), receipt, files: [file] });
		const body = {
			...d.body('unused'),
			intake: undefined,
			pow: await pow(),
			files: d.files.map((f) => Buffer.from(f).toString('base64'))
		};
		const before = await counts(db);
		const r = await send(server.port, json(body));
		expect(r.status, r.text).toBe(201);
		expectSecurityHeaders(r);
		expect(r.json()).toEqual({ locator: d.locator, receivedOn: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
		expect((await counts(db)).report).toBe(before.report! + 1);
		// A lost answer retried: the same answer, nothing more stored.
		const again = await send(server.port, json(body));
		expect(again.status).toBe(201);
		expect(again.json()).toEqual(r.json());
		expect((await counts(db)).report).toBe(before.report! + 1);

		const b = draft({ recipients: recipients(), receipt });
		const jb = b.body('unused') as Record<string, unknown> & {
			content: string;
			wraps: { entryId: string; sealed: string }[];
			receipt: { locator: string; kdfSpec: string; authHash: string; wrappedKey: string };
		};
		const { content, wraps, receipt: rc, ...clear } = jb;
		const binary = encodeReportBinary(
			{ ...clear, intake: undefined, pow: await pow(), receipt: { locator: rc.locator } },
			{
				content: decodeBase64(content),
				kdfSpec: decodeBase64(rc.kdfSpec),
				authHash: decodeBase64(rc.authHash),
				wrappedKey: decodeBase64(rc.wrappedKey),
				wraps: wraps.map((w) => ({ entryId: decodeBase64(w.entryId), sealed: decodeBase64(w.sealed) }))
			}
		);
		// Sent in small chunks: the body is read whole from the Node request.
		const chunks = Array.from({ length: Math.ceil(binary.length / 100) }, (_, i) =>
			binary.subarray(i * 100, i * 100 + 100)
		);
		const rb = await send(server.port, { headers: { 'content-type': 'application/octet-stream' }, chunks });
		expect(rb.status, rb.text).toBe(201);
		expect(await db.$count(report, eq(report.locator, b.locator))).toBe(1);
	});

	it('refuses bad input with 4xx answers in both languages, never a 5xx', async () => {
		const cases: [Parameters<typeof send>[1], number, string][] = [
			[{ headers: { 'content-type': 'text/html' }, body: '<p>' }, 415, 'unsupported_media_type'],
			[{ headers: {}, body: 'x' }, 415, 'unsupported_media_type'],
			[json('{"v":1,'), 400, 'invalid_json'],
			[json('[]'), 400, 'invalid_field'],
			[json({ v: 2 }), 400, 'unsupported_version'],
			[json({ v: 1 }), 400, 'invalid_field'],
			[
				{ headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) },
				400,
				'invalid_field'
			],
			[{ path: '/api/v1/pow', ...json({ purpose: 'nope' }) }, 400, 'invalid_field']
		];
		for (const [opts, status, code] of cases) {
			const r = await send(server.port, opts);
			expect(r.status, `${JSON.stringify(opts.headers)} ${r.text}`).toBe(status);
			expectSecurityHeaders(r);
			const e = r.json().error!;
			expect(e.code).toBe(code);
			expect(e.message.zh).toMatch(/[\u4e00-\u9fff]/);
			expect(e.message.en).toMatch(/[A-Za-z]/);
		}
	});

	it('refuses a body over its cap, declared or chunked, with 413, and drops the rest', async () => {
		// Refused from the declared length alone, before the body is read.
		const declared = await send(server.port, {
			headers: { 'content-type': 'application/json', 'content-length': String(REPORT_BODY_CAP + 1) },
			chunks: [new Uint8Array(16)]
		});
		expect(declared.status).toBe(413);
		expect(declared.json().error!.code).toBe('body_too_large');
		const big = new Uint8Array(64 * 1024).fill(0x20);
		const chunked = await send(server.port, {
			headers: { 'content-type': 'application/json' },
			chunks: Array.from({ length: Math.ceil(REPORT_BODY_CAP / big.length) + 2 }, () => big)
		});
		expect(chunked.status).toBe(413);
		// The rest was read and dropped: the same connection carries the next request (a proxy gets the answer
		// instead of a reset, as with the SvelteKit route).
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		try {
			const first = await send(server.port, {
				agent,
				headers: { 'content-type': 'application/json' },
				chunks: Array.from({ length: Math.ceil(REPORT_BODY_CAP / big.length) + 2 }, () => big)
			});
			expect(first.status).toBe(413);
			const next = await send(server.port, { agent, path: '/api/v1/pow', ...json({ purpose: 'intake' }) });
			expect(next.status).toBe(200);
		} finally {
			agent.destroy();
		}
		// Beyond DRAIN_CAP the connection is dropped after the answer (the client may see the reset first).
		const endless = await send(server.port, {
			path: '/api/v1/pow',
			headers: { 'content-type': 'application/json' },
			chunks: Array.from({ length: Math.ceil(DRAIN_CAP / big.length) + 4 }, () => big)
		}).catch((e: unknown) => e as NodeJS.ErrnoException);
		if (endless instanceof Error) expect(endless.code).toMatch(/^(ECONNRESET|EPIPE)$/);
		else expect(endless.status).toBe(413);
		expect(chunked.json().error!.code).toBe('body_too_large');
		expectSecurityHeaders(chunked);
	});

	it('refuses a cross-site form post like the origin hook', async () => {
		const r = await send(server.port, {
			headers: { 'content-type': 'text/plain', origin: 'http://evil.test' },
			body: '{}'
		});
		expect(r.status).toBe(403);
		expect(r.json().error!.code).toBe('bad_origin');
		expectSecurityHeaders(r);
	});

	it('answers random bodies of either type with a 4xx, never a 5xx', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom('application/json', 'application/octet-stream', 'application/json; charset=utf-8'),
				fc.constantFrom('/api/v1/pow', '/api/v1/reports'),
				fc.uint8Array({ maxLength: 2048 }),
				async (type, path, body) => {
					const r = await send(server.port, { path, headers: { 'content-type': type }, body });
					expect(r.status, r.text).toBeGreaterThanOrEqual(400);
					expect(r.status, r.text).toBeLessThan(500);
				}
			),
			{ numRuns: 60 }
		);
	});
});

describe('the lean submission handler when the database is down', () => {
	const failing = (code: string): SubmissionDeps => ({
		context: () => {
			throw Object.assign(new Error('connection lost'), { code });
		}
	});
	it('answers 503 (507 when storage is full) with Retry-After, and a bug with a 500 whose log names no address', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const logs = vi.spyOn(console, 'log').mockImplementation(() => {});
		try {
			for (const [code, status, retry] of [
				['CONNECTION_CLOSED', 503, '5'],
				['ECONNREFUSED', 503, '5'],
				['53100', 507, '60']
			] as const) {
				const s = await serve(failing(code));
				const r = await send(s.port, { path: '/api/v1/pow', ...json({ purpose: 'intake' }) });
				await s.close();
				expect(r.status).toBe(status);
				expect(r.headers['retry-after']).toBe(retry);
				expectSecurityHeaders(r);
				expect(r.json().error!.message.zh).toMatch(/[\u4e00-\u9fff]/);
			}
			const s = await serve({
				context: () => {
					throw new TypeError('a bug');
				}
			});
			const r = await send(s.port, json({ v: 1 }));
			await s.close();
			expect(r.status).toBe(500);
			expect(r.json()).toEqual({ message: 'Internal error' });
			const logged = [...errors.mock.calls, ...logs.mock.calls].flat().join('\n');
			expect(logged).toContain('unhandled_error');
			expect(logged).not.toContain('127.0.0.1');
		} finally {
			errors.mockRestore();
			logs.mockRestore();
		}
	});
});
