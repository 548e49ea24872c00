/**
 * Shared by the intake benchmark (tests/bench/intake.ts) and the fault tests (tests/faults/, tests/e2e/faults-*):
 * reporter clients that submit through the real endpoints (PoW → intake → parts → commit, docs/reporting.md)
 * from worker threads, so the clients' CPU is not counted in the server's event loop, plus the checks that
 * open every acknowledged receipt again and decrypt what the server returns.
 *
 * Receipts: the server never runs Argon2id (it stores the hash of the auth key, checks that the KDF spec has
 * production parameters, and compares hashes at log-in). The clients here therefore make each report's
 * receipt from a fresh production KDF spec (real salt, RECEIPT_KDF parameters) and a random auth key and
 * unwrap key, instead of deriving the two keys from a typed secret with Argon2id (≈ 0.5 s of CPU each,
 * which would make a run of thousands of reports impractical and measure the clients, not the server).
 * What the server receives, stores and checks is byte for byte the same kind and size of data.
 *
 * Only relative imports of pure modules (src/lib/crypto, the PoW core), so this runs under tsx and vitest.
 */
import { INLINE_MAX_BYTES } from '../../src/lib/shared/limits';
import http from 'node:http';
import { Pool } from 'undici';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { decryptAttachment, encryptAttachment } from '../../src/lib/crypto/attachment';
import { decryptContent, encryptContent } from '../../src/lib/crypto/content';
import { utf8, fromUtf8 } from '../../src/lib/crypto/encoding';
import { RECEIPT_KDF } from '../../src/lib/crypto/kdf';
import { encodeKdfSpec, newKdfSpec } from '../../src/lib/crypto/kdf-spec';
import { generateReportKey, unwrapKey, wrapKey } from '../../src/lib/crypto/keys';
import { generateLocator, receiptAuthHash } from '../../src/lib/crypto/receipt';
import { sealKey } from '../../src/lib/crypto/seal';
import { verifyServedDirectory } from '../../src/lib/client/directory-verify';
import { solvePowSync } from '../../src/lib/client/report/pow-core';
import { encodeReportBinary, REPORT_BINARY_TYPE, type ReportBytes } from '../../src/lib/shared/wire/report-binary';

/* ------------------------------------------------------------------ HTTP */

export interface HttpAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
}

/** The bench's HTTP client: one request at a time per call, keep-alive connections shared by the calls. */
export abstract class BenchClient {
	constructor(readonly base: string) {}

	abstract request(
		method: string,
		path: string,
		body?: Buffer | string | null,
		headers?: Record<string, string>,
		timeoutMs?: number
	): Promise<HttpAnswer>;

	json(method: string, path: string, value: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
		return this.request(method, path, JSON.stringify(value), { 'content-type': 'application/json', ...headers });
	}

	abstract close(): void;
}

/** A keep-alive HTTP/1.1 client on node:http (`BENCH_HTTP=node`; lighter on CPU than fetch). */
export class HttpClient extends BenchClient {
	readonly agent: http.Agent;
	constructor(base: string, maxSockets = 64) {
		super(base);
		this.agent = new http.Agent({ keepAlive: true, maxSockets });
	}

	request(
		method: string,
		path: string,
		body?: Buffer | string | null,
		headers: Record<string, string> = {},
		timeoutMs = 60_000
	): Promise<HttpAnswer> {
		const url = new URL(path, this.base);
		const data = body === undefined || body === null ? null : typeof body === 'string' ? Buffer.from(body) : body;
		return new Promise((resolve, reject) => {
			const req = http.request(
				url,
				{
					method,
					agent: this.agent,
					headers: { ...headers, ...(data ? { 'content-length': String(data.length) } : {}) }
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () =>
						resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
					);
					res.on('error', reject);
				}
			);
			req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
			req.on('error', reject);
			req.end(data ?? undefined);
		});
	}

	close(): void {
		this.agent.destroy();
	}
}

/**
 * The same client over undici's connection pool (the HTTP/1.1 client behind Node's fetch, used directly): less
 * CPU per request than node:http (the bench's clients, proofs of work included, 0.87 → 0.70–0.74 ms per report),
 * which they share with the server on the same cores. The default (`BENCH_HTTP=undici`).
 */
export class UndiciClient extends BenchClient {
	readonly pool: Pool;
	constructor(base: string, connections = 64) {
		super(base);
		this.pool = new Pool(new URL(base).origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
	}

	async request(
		method: string,
		path: string,
		body?: Buffer | string | null,
		headers: Record<string, string> = {},
		timeoutMs = 60_000
	): Promise<HttpAnswer> {
		const res = await this.pool.request({
			method: method as 'POST',
			path,
			headers,
			body: body ?? null,
			headersTimeout: timeoutMs,
			bodyTimeout: timeoutMs
		});
		const data = Buffer.from(await res.body.arrayBuffer());
		return { status: res.statusCode, headers: res.headers as http.IncomingHttpHeaders, body: data };
	}

	close(): void {
		void this.pool.destroy();
	}
}

export function parseJson(a: HttpAnswer): Record<string, unknown> {
	try {
		return JSON.parse(a.body.toString('utf8')) as Record<string, unknown>;
	} catch {
		return {};
	}
}

function errorCode(a: HttpAnswer): string {
	const e = parseJson(a).error as { code?: string } | undefined;
	return `${a.status}${e?.code ? ' ' + e.code : ''}`;
}

/* ------------------------------------------------------------------ what the clients send */

export interface Recipient {
	entryId: string;
	publicKey: string;
	staffId: string;
}

export interface Target {
	unit: string;
	position: 'top_leader' | 'team_member' | 'other_staff';
	category: string;
	organ: string;
}

/** The demo target of the benchmark: 银清县 (一把手) → 北泉市纪委监委, a keyed organ (tests/e2e/keyed-demo.ts). */
export const DEMO_TARGET: Target = {
	unit: 'sf-c01-k02',
	position: 'top_leader',
	category: 'integrity',
	organ: 'o-sf-c01'
};

/** The verified recipients of a target, as a reporter's browser computes them. */
export async function fetchRecipients(base: string, target: Target, rootPublicKey: Uint8Array): Promise<Recipient[]> {
	const res = await fetch(`${base}/api/v1/directory`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ organ: target.organ, unit: target.unit })
	});
	if (res.status !== 200) throw new Error(`directory: ${res.status}`);
	const verified = verifyServedDirectory(await res.json(), {
		organId: target.organ,
		now: Date.now(),
		pinnedRootPublicKey: rootPublicKey
	});
	if (verified.valid.length === 0) throw new Error('directory: no valid recipients');
	const seen = new Set<string>();
	const out: Recipient[] = [];
	for (const e of verified.valid) {
		if (seen.has(e.staffId)) continue;
		seen.add(e.staffId);
		out.push({ entryId: encodeBase64(e.entryId), publicKey: encodeBase64(e.publicKey), staffId: e.staffId });
	}
	return out;
}

/** Sizes of the attachment a report carries (plaintext bytes), by share of the reports. */
export interface AttachmentMix {
	/** [plaintext bytes or 0 for none, weight] */
	sizes: [number, number][];
}

export interface PreparedReport {
	/** Commit body without the intake id (filled in after the intake is opened). */
	locator: string;
	commit: Record<string, unknown>;
	/** The byte fields of the commit, raw, for the binary body (src/lib/shared/wire/report-binary.ts). */
	bytes: ReportBytes;
	attachment: Buffer | null;
	/** Kept for the checks: the keys the receipt stands for (see the header comment). */
	authKey: string;
	unwrapKey: string;
	attachmentPlainBytes: number;
	attachmentSeed: number;
}

/** Deterministic plaintext for an attachment, so the checks can compare without keeping it. */
export function attachmentPlaintext(bytes: number, seed: number): Uint8Array {
	const out = new Uint8Array(bytes);
	let x = seed >>> 0 || 1;
	for (let i = 0; i < bytes; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		out[i] = x & 0xff;
	}
	return out;
}

/** A realistic report text (≈ 1.5 KB of UTF-8: Chinese description, person, interference fields). */
function contentJson(locator: string, target: Target, files: number, attachmentBytes: number): Uint8Array {
	const description =
		`金丝雀-${locator} ` +
		'去年下半年在县城老旧小区改造项目招标中，该负责人多次授意评标委员会向特定施工企业倾斜，并通过其亲属控制的劳务公司收取所谓咨询费。'.repeat(
			6
		);
	return utf8(
		JSON.stringify({
			v: 1,
			unit: { id: target.unit, name: '银清县', regionPath: '示范省/北泉市/银清县' },
			position: target.position,
			kind: 'public_tip',
			category: target.category,
			person: { name: '张某某', post: '县长' },
			description,
			interference: null,
			identity: null,
			files: files
				? [
						{
							index: 0,
							name: 'scan.jpg',
							type: 'image/jpeg',
							bytes: attachmentBytes,
							metadataRemoved: ['gps', 'camera']
						}
					]
				: [],
			submittedFrom: 'web'
		})
	);
}

export interface PrepareOptions {
	target: Target;
	recipients: Recipient[];
	count: number;
	mix: AttachmentMix;
	/** Distinct (report key, wraps) pairs reused across reports (sealing costs two X25519 operations per wrap). */
	keyPool: number;
	seed: number;
}

/**
 * Everything a client sends, made before the timed window: per report a content ciphertext (its locator
 * inside), the attachment stream, and the receipt; the sealed wraps come from a pool of report keys.
 */
export function prepareReports(o: PrepareOptions): PreparedReport[] {
	const pool: { key: Uint8Array; wraps: { entryId: string; sealed: string }[] }[] = [];
	for (let i = 0; i < Math.max(1, o.keyPool); i++) {
		const key = generateReportKey();
		pool.push({
			key,
			wraps: o.recipients.map((r) => ({
				entryId: r.entryId,
				sealed: encodeBase64(sealKey(key, decodeBase64(r.publicKey)))
			}))
		});
	}
	const totalWeight = o.mix.sizes.reduce((a, [, w]) => a + w, 0);
	const out: PreparedReport[] = [];
	for (let n = 0; n < o.count; n++) {
		const { key, wraps } = pool[n % pool.length]!;
		// Deterministic mix: report n gets the size whose weight band n falls in.
		let pick = (((n * 7919) % 1000) / 1000) * totalWeight;
		let plainBytes = 0;
		for (const [size, w] of o.mix.sizes) {
			if (pick < w) {
				plainBytes = size;
				break;
			}
			pick -= w;
		}
		const locator = generateLocator();
		const seed = o.seed * 1_000_003 + n;
		const attachment =
			plainBytes > 0
				? Buffer.from(
						encryptAttachment(key, attachmentPlaintext(plainBytes, seed), { name: 'scan.jpg', type: 'image/jpeg' })
					)
				: null;
		const content = encryptContent(key, contentJson(locator, o.target, attachment ? 1 : 0, plainBytes));
		const authKey = randomBytes(32);
		const kek = randomBytes(32);
		const kdfSpec = encodeKdfSpec(newKdfSpec(RECEIPT_KDF));
		const authHash = receiptAuthHash(new Uint8Array(authKey));
		const wrappedKey = wrapKey(key, new Uint8Array(kek));
		out.push({
			locator,
			attachment,
			authKey: authKey.toString('base64'),
			unwrapKey: kek.toString('base64'),
			attachmentPlainBytes: plainBytes,
			attachmentSeed: seed,
			commit: {
				v: 1,
				routing: {
					unit: o.target.unit,
					position: o.target.position,
					category: o.target.category,
					escalate: false,
					realName: false
				},
				organ: o.target.organ,
				content: encodeBase64(content),
				wraps,
				receipt: {
					locator,
					kdfSpec: encodeBase64(kdfSpec),
					authHash: encodeBase64(authHash),
					wrappedKey: encodeBase64(wrappedKey)
				}
			},
			bytes: {
				content,
				kdfSpec,
				authHash,
				wrappedKey,
				wraps: wraps.map((w) => ({ entryId: decodeBase64(w.entryId), sealed: decodeBase64(w.sealed) }))
			}
		});
	}
	return out;
}

/* ------------------------------------------------------------------ one submission */

export type Stage = 'pow' | 'intake' | 'part' | 'commit';

export interface Outcome {
	locator: string;
	ok: boolean;
	/** The last stage reached (for failures: the one that failed). */
	stage: Stage;
	/** HTTP status and code, or the network error. */
	error?: string;
	ms: number;
}

/** How a commit is sent: the binary body the browser sends, or the JSON body older clients send. */
export type CommitWire = 'binary' | 'json';

/** Sends the commit `r` with `extra` (the challenge and inline files, or the intake id). */
function commit(
	client: BenchClient,
	r: PreparedReport,
	wire: CommitWire,
	extra: { pow?: unknown; files?: Buffer[]; intake?: string }
): Promise<HttpAnswer> {
	if (wire === 'json') {
		const files = extra.files?.map((f) => f.toString('base64'));
		return client.json('POST', '/api/v1/reports', { ...r.commit, ...extra, ...(files ? { files } : {}) });
	}
	const c = r.commit as { v: 1; routing: unknown; organ: string; receipt: { locator: string } };
	const head = {
		v: c.v,
		...(extra.intake ? { intake: extra.intake } : {}),
		...(extra.pow ? { pow: extra.pow } : {}),
		routing: c.routing,
		organ: c.organ,
		receipt: { locator: c.receipt.locator }
	};
	const body = encodeReportBinary(head, { ...r.bytes, ...(extra.files ? { files: extra.files } : {}) });
	return client.request('POST', '/api/v1/reports', Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
		'content-type': REPORT_BINARY_TYPE
	});
}

/**
 * One submission through the real endpoints, as the browser makes it (src/lib/client/report/submit.ts):
 * PoW → commit with the file inline when the encrypted file is at most `inlineMaxBytes`, otherwise
 * PoW → intake → parts → commit; the commit binary (as the browser sends it) or JSON. Never retries (the
 * fault tests count what broke).
 */
export async function submitOne(
	client: BenchClient,
	r: PreparedReport,
	partSizeHint = 1024 * 1024,
	inlineMaxBytes = INLINE_MAX_BYTES,
	wire: CommitWire = 'binary'
): Promise<Outcome> {
	const t0 = performance.now();
	let stage: Stage = 'pow';
	const done = (ok: boolean, error?: string): Outcome => ({
		locator: r.locator,
		ok,
		stage,
		error,
		ms: performance.now() - t0
	});
	try {
		const pow = await client.json('POST', '/api/v1/pow', { purpose: 'intake' });
		if (pow.status !== 200) return done(false, errorCode(pow));
		const { challenge, difficulty } = parseJson(pow) as { challenge: string; difficulty: number };
		const nonce = solvePowSync(new Uint8Array(Buffer.from(challenge, 'base64url')), difficulty);
		if ((r.attachment?.length ?? 0) <= inlineMaxBytes) {
			stage = 'commit';
			const answer = await commit(client, r, wire, {
				pow: { challenge, nonce },
				files: r.attachment ? [r.attachment] : []
			});
			if (answer.status !== 201) return done(false, errorCode(answer));
			return done(true);
		}
		stage = 'intake';
		const files = r.attachment ? [{ bytes: r.attachment.length }] : [];
		const intake = await client.json('POST', '/api/v1/intake', { pow: { challenge, nonce }, files });
		if (intake.status !== 201) return done(false, errorCode(intake));
		const { intake: id, partSize } = parseJson(intake) as { intake: string; partSize: number };
		if (r.attachment) {
			stage = 'part';
			const size = partSize || partSizeHint;
			for (let i = 0; i * size < r.attachment.length; i++) {
				const part = r.attachment.subarray(i * size, Math.min(r.attachment.length, (i + 1) * size));
				const put = await client.request('PUT', `/api/v1/intake/${id}/files/0/parts/${i}`, part, {
					'content-type': 'application/octet-stream'
				});
				if (put.status !== 204) return done(false, errorCode(put));
			}
		}
		stage = 'commit';
		const answer = await commit(client, r, wire, { intake: id });
		if (answer.status !== 201) return done(false, errorCode(answer));
		return done(true);
	} catch (e) {
		return done(false, `network ${(e as { code?: string }).code ?? (e as Error).message}`);
	}
}

/* ------------------------------------------------------------------ client workers */

export interface WorkerJob {
	base: string;
	concurrency: number;
	prepare: PrepareOptions;
	/** Fault mode: after a failure, wait this long before the next report (the server may be down). */
	pauseAfterFailureMs: number;
	/** Keep going through failures (fault tests) rather than stopping. */
	stopOnFailure: boolean;
	/** Shared counters (Int32Array): [0] reports finished, [1] reports acknowledged. */
	progress?: SharedArrayBuffer;
	/** How commits are sent (default binary, as the browser does). */
	wire?: CommitWire;
	/** The clients' HTTP library: node:http (default) or undici. */
	http?: 'node' | 'undici';
}

export interface WorkerResult {
	outcomes: Outcome[];
	/** Receipts of every report the worker tried to commit (sent the commit request for): locator → keys. */
	receipts: {
		locator: string;
		authKey: string;
		unwrapKey: string;
		attachmentPlainBytes: number;
		attachmentSeed: number;
		acknowledged: boolean;
		commitSent: boolean;
	}[];
	startedAt: number;
	endedAt: number;
}

/** Runs `job` in a worker thread; resolves when it has prepared its reports, `go()` starts the timed run. */
export async function spawnClientWorker(
	job: WorkerJob
): Promise<{ go(): Promise<WorkerResult>; terminate(): Promise<number> }> {
	// Worker threads do not inherit tsx's (or vitest's) loader: the .mjs entry registers tsx for the worker.
	const worker = new Worker(new URL('./intake-worker.mjs', import.meta.url), { workerData: job });
	const ready = new Promise<void>((resolve, reject) => {
		worker.once('error', reject);
		worker.once('message', (m: { type: string }) =>
			m.type === 'ready' ? resolve() : reject(new Error(`unexpected ${m.type}`))
		);
	});
	await ready;
	return {
		go: () =>
			new Promise<WorkerResult>((resolve, reject) => {
				worker.once('error', reject);
				worker.once('message', (m: { type: string; result: WorkerResult }) => resolve(m.result));
				worker.postMessage({ type: 'go' });
			}),
		terminate: () => worker.terminate()
	};
}

/** Splits `count` reports over `workers` worker threads and runs them at `concurrency` in total. */
export async function runClients(
	o: {
		base: string;
		workers: number;
		concurrency: number;
		count: number;
		prepare: Omit<PrepareOptions, 'count' | 'seed'>;
		seed: number;
		pauseAfterFailureMs?: number;
		stopOnFailure?: boolean;
		wire?: CommitWire;
		http?: 'node' | 'undici';
	},
	during?: (elapsed: () => number, progress: () => { finished: number; acknowledged: number }) => Promise<void>
): Promise<{ results: WorkerResult[]; wallMs: number; prepareMs: number; clientCpuMs: number }> {
	const p0 = performance.now();
	const shared = new SharedArrayBuffer(8);
	const counters = new Int32Array(shared);
	const spawned = await Promise.all(
		Array.from({ length: o.workers }, (_, w) => {
			const share = Math.floor(o.count / o.workers) + (w < o.count % o.workers ? 1 : 0);
			const conc = Math.floor(o.concurrency / o.workers) + (w < o.concurrency % o.workers ? 1 : 0);
			return spawnClientWorker({
				base: o.base,
				concurrency: Math.max(1, conc),
				prepare: { ...o.prepare, count: share, seed: o.seed * 100 + w },
				pauseAfterFailureMs: o.pauseAfterFailureMs ?? 0,
				stopOnFailure: o.stopOnFailure ?? false,
				progress: shared,
				...(o.wire ? { wire: o.wire } : {}),
				...(o.http ? { http: o.http } : {})
			});
		})
	);
	const prepareMs = performance.now() - p0;
	const t0 = performance.now();
	// The clients' CPU in the timed window only (every thread of this process; the payloads were made before `go`).
	const c0 = process.cpuUsage();
	const running = Promise.all(spawned.map((s) => s.go()));
	if (during)
		await during(
			() => performance.now() - t0,
			() => ({ finished: Atomics.load(counters, 0), acknowledged: Atomics.load(counters, 1) })
		);
	const results = await running;
	const wallMs = performance.now() - t0;
	const c = process.cpuUsage(c0);
	await Promise.all(spawned.map((s) => s.terminate()));
	return { results, wallMs, prepareMs, clientCpuMs: (c.user + c.system) / 1000 };
}

/* ------------------------------------------------------------------ checking receipts */

export interface ReceiptCheck {
	locator: string;
	ok: boolean;
	why?: string;
}

/** Opens a receipt through the API (spec → PoW → open), decrypts the content and every file, compares. */
export async function openAndVerify(client: BenchClient, r: WorkerResult['receipts'][number]): Promise<ReceiptCheck> {
	const bad = (why: string): ReceiptCheck => ({ locator: r.locator, ok: false, why });
	const spec = await client.json('POST', '/api/v1/receipt/spec', { locator: r.locator });
	if (spec.status !== 200) return bad(`spec ${errorCode(spec)}`);
	const pow = await client.json('POST', '/api/v1/pow', { purpose: 'receipt' });
	if (pow.status !== 200) return bad(`pow ${errorCode(pow)}`);
	const { challenge, difficulty } = parseJson(pow) as { challenge: string; difficulty: number };
	const nonce = solvePowSync(new Uint8Array(Buffer.from(challenge, 'base64url')), difficulty);
	const open = await client.json('POST', '/api/v1/receipt/open', {
		locator: r.locator,
		authKey: r.authKey,
		pow: { challenge, nonce }
	});
	if (open.status !== 200) return bad(`open ${errorCode(open)}`);
	const { token, report } = parseJson(open) as {
		token: string;
		report: { content: string; wrappedKey: string; files: { id: string; bytes: number }[] };
	};
	let key: Uint8Array;
	try {
		key = unwrapKey(decodeBase64(report.wrappedKey), decodeBase64(r.unwrapKey));
		const text = fromUtf8(decryptContent(key, decodeBase64(report.content)));
		if (!text.includes(`金丝雀-${r.locator}`)) return bad('content of another report');
	} catch (e) {
		return bad(`decrypt content: ${(e as Error).message}`);
	}
	const want = r.attachmentPlainBytes > 0 ? 1 : 0;
	if (report.files.length !== want) return bad(`files: ${report.files.length}, expected ${want}`);
	for (const f of report.files) {
		const file = await client.request('GET', `/api/v1/receipt/files/${f.id}`, null, {
			authorization: `Bearer ${token}`
		});
		if (file.status !== 200) return bad(`file ${errorCode(file)}`);
		if (file.body.length !== f.bytes) return bad(`file length ${file.body.length} != ${f.bytes}`);
		try {
			const plain = decryptAttachment(key, new Uint8Array(file.body));
			const expected = attachmentPlaintext(r.attachmentPlainBytes, r.attachmentSeed);
			if (plain.data.length !== expected.length || !Buffer.from(plain.data).equals(Buffer.from(expected)))
				return bad('file bytes differ');
		} catch (e) {
			return bad(`decrypt file: ${(e as Error).message}`);
		}
	}
	return { locator: r.locator, ok: true };
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			for (;;) {
				const i = next++;
				if (i >= items.length) return;
				out[i] = await fn(items[i]!);
			}
		})
	);
	return out;
}

/* ------------------------------------------------------------------ measuring */

/** Resident set of a process from /proc (kB): current and high-water mark. */
export function processMemory(pid: number): { rssKb: number; hwmKb: number } | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
		return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
	} catch {
		return null;
	}
}

export function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarize(ms: number[]): { n: number; p50: number; p99: number; max: number } {
	const s = [...ms].sort((a, b) => a - b);
	return { n: s.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s[s.length - 1] ?? NaN };
}
