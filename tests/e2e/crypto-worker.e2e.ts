/**
 * The client crypto worker in Chromium: the same src/lib/client/crypto.worker.ts and crypto-client.ts the
 * app uses (bundled by esbuild here, served on the app's origin under its CSP) run in a real Web Worker;
 * attachments round-trip with byte progress, and Argon2id with the production parameters gives the same
 * bytes in Chromium as in Node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentLayout, decryptAttachment } from '../../src/lib/crypto/attachment';
import { fromHex, toHex } from '../../src/lib/crypto/encoding';
import { RECEIPT_KDF, STAFF_KDF } from '../../src/lib/crypto/kdf';
import { decodeKdfSpec, encodeKdfSpec, passwordUnwrapKey } from '../../src/lib/crypto/kdf-spec';
import { deriveReceiptKeys } from '../../src/lib/crypto/receipt';
import vectors from '../../src/lib/crypto/vectors/v1.json';
import type { CryptoWorkerClient, CryptoWorkerError, CryptoProgress } from '../../src/lib/client/crypto-client';
import type { CryptoAuthError, CryptoError } from '../../src/lib/crypto/errors';
import { bundleCryptoWorker, openCryptoPage, WORKER_PATH, type Bundles } from './crypto-page';
import {
	launchBrowser,
	newPhonePage,
	parseCsp,
	startServer,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';

/** What the page entry exposes (see crypto-page.ts). */
interface PageCrypto {
	CryptoWorkerClient: typeof CryptoWorkerClient;
	CryptoWorkerError: typeof CryptoWorkerError;
	CryptoError: typeof CryptoError;
	CryptoAuthError: typeof CryptoAuthError;
}
type PageGlobals = { __qfCrypto: PageCrypto; __qfClient?: CryptoWorkerClient };

const MiB = 1024 * 1024;
const FILE_SIZE = 3 * MiB + 12_345;
const FILE_NAME = '举报材料-扫描件.pdf';
const FILE_TYPE = 'application/pdf';
const REPORT_KEY = 'a1'.repeat(16) + '5c'.repeat(16);

/** The deterministic file content, generated the same way in the page and here. */
function pattern(size: number): Uint8Array {
	const out = new Uint8Array(size);
	for (let i = 0; i < size; i++) out[i] = (i * 131 + (i >>> 9) * 7 + 13) & 255;
	return out;
}

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let bundles: Bundles;
let cspWorkerSrc: string[] | undefined;

beforeAll(async () => {
	[bundles, server, browser] = await Promise.all([bundleCryptoWorker(), startServer(), launchBrowser()]);
	({ context, page } = await newPhonePage(browser));
	const response = await openCryptoPage(page, server.url, bundles);
	expect(response.status()).toBe(200);
	cspWorkerSrc = parseCsp(response.headers()['content-security-policy'] ?? '').get('worker-src');
	// One client (one worker) for the whole page, like the app's shared cryptoWorker().
	await page.evaluate((workerPath) => {
		const g = globalThis as unknown as PageGlobals;
		g.__qfClient = new g.__qfCrypto.CryptoWorkerClient(() => new Worker(workerPath, { type: 'module' }));
	}, WORKER_PATH);
});

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await server?.stop();
});

describe('client crypto worker in Chromium', () => {
	it('runs under the app CSP (worker-src self) from a same-origin URL in a real Worker', async () => {
		expect(cspWorkerSrc).toEqual(["'self'"]);
		const ok = await page.evaluate(async () => {
			const g = globalThis as unknown as PageGlobals;
			const key = await g.__qfClient!.deriveKey('warm-up', new Uint8Array(16), { m: 64, t: 1, p: 1 }, 16);
			return key.length;
		});
		expect(ok).toBe(16);
		expect(page.workers().map((w) => new URL(w.url()).pathname)).toEqual([WORKER_PATH]);
	});

	it('encrypts 3 MiB generated in the page with byte progress, decrypts it back, and Node decrypts the same stream', async () => {
		const out = await page.evaluate(
			async ({ size, name, type, keyHex }) => {
				const g = globalThis as unknown as PageGlobals;
				const client = g.__qfClient!;
				const data = new Uint8Array(size);
				for (let i = 0; i < size; i++) data[i] = (i * 131 + (i >>> 9) * 7 + 13) & 255;
				const key = new Uint8Array(keyHex.match(/../g)!.map((h) => parseInt(h, 16)));
				const encEvents: CryptoProgress[] = [];
				const decEvents: CryptoProgress[] = [];
				const file = new File([data], name, { type });
				const enc = await client.encryptAttachment(key, file, { onProgress: (p) => encEvents.push(p) });
				const dec = await client.decryptAttachment(key, enc.stream, { onProgress: (p) => decEvents.push(p) });
				const back = new Uint8Array(await dec.data.arrayBuffer());
				let firstDifference = back.length === data.length ? -1 : Math.min(back.length, data.length);
				for (let i = 0; i < Math.min(back.length, data.length) && firstDifference < 0; i++)
					if (back[i] !== data[i]) firstDifference = i;
				const stream = new Uint8Array(await enc.stream.arrayBuffer());
				let bin = '';
				for (let i = 0; i < stream.length; i += 0x8000) bin += String.fromCharCode(...stream.subarray(i, i + 0x8000));
				return {
					encEvents,
					decEvents,
					chunks: enc.chunks,
					name: dec.name,
					type: dec.type,
					blobType: dec.data.type,
					size: back.length,
					firstDifference,
					keyUnchanged: Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('') === keyHex,
					streamB64: btoa(bin)
				};
			},
			{ size: FILE_SIZE, name: FILE_NAME, type: FILE_TYPE, keyHex: REPORT_KEY }
		);
		const layout = attachmentLayout({ name: FILE_NAME, type: FILE_TYPE, size: FILE_SIZE });
		expect(out.encEvents).toEqual(
			[0, MiB, 2 * MiB, 3 * MiB, FILE_SIZE].map((done) => ({ stage: 'encrypt', done, total: FILE_SIZE }))
		);
		const stored = layout.ciphertextLength;
		expect(out.decEvents).toEqual(
			[0, MiB, 2 * MiB, 3 * MiB, stored].map((done) => ({ stage: 'decrypt', done, total: stored }))
		);
		expect(out).toMatchObject({
			chunks: layout.chunks,
			name: FILE_NAME,
			type: FILE_TYPE,
			blobType: FILE_TYPE,
			size: FILE_SIZE,
			firstDifference: -1,
			keyUnchanged: true
		});

		// Cross-environment: the stream Chromium made opens in Node with the core, to the same bytes.
		const stream = new Uint8Array(Buffer.from(out.streamB64, 'base64'));
		expect(stream.length).toBe(stored);
		expect(toHex(stream.subarray(0, 2))).toBe('0141');
		const node = decryptAttachment(fromHex(REPORT_KEY), stream);
		expect([node.name, node.type]).toEqual([FILE_NAME, FILE_TYPE]);
		expect(Buffer.from(node.data).equals(Buffer.from(pattern(FILE_SIZE)))).toBe(true);
	});

	it('derives receipt keys with RECEIPT_KDF (64 MiB) in Chromium equal to Node and to the test vector, with kdf stage events', async () => {
		const spec = decodeKdfSpec(fromHex(vectors.receipt.kdfSpec));
		expect({ m: spec.m, t: spec.t, p: spec.p }).toEqual(RECEIPT_KDF);
		// A second spec with the same parameters and another salt: the estimate of run 2 is run 1's time.
		const spec2 = encodeKdfSpec({ ...RECEIPT_KDF, salt: new Uint8Array(16).fill(0x42) });
		const [inPage, node1, node2] = await Promise.all([
			page.evaluate(
				async ({ specHex, spec2Hex }) => {
					const g = globalThis as unknown as PageGlobals;
					const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
					const bytes = (h: string) => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)));
					const events1: CryptoProgress[] = [];
					const events2: CryptoProgress[] = [];
					const k1 = await g.__qfClient!.deriveReceiptKeys('abcd efgh jkm2', bytes(specHex), {
						onProgress: (p) => events1.push(p)
					});
					const k2 = await g.__qfClient!.deriveReceiptKeys('ABCD-EFGH-JKM2', bytes(spec2Hex), {
						onProgress: (p) => events2.push(p)
					});
					return {
						k1: [hex(k1.authKey), hex(k1.unwrapKey)],
						k2: [hex(k2.authKey), hex(k2.unwrapKey)],
						events1,
						events2
					};
				},
				{ specHex: vectors.receipt.kdfSpec, spec2Hex: toHex(spec2) }
			),
			deriveReceiptKeys(vectors.receipt.secret, spec),
			deriveReceiptKeys(vectors.receipt.secret, decodeKdfSpec(spec2))
		]);
		expect(inPage.k1).toEqual([vectors.receipt.authKey, vectors.receipt.unwrapKey]);
		expect(inPage.k1).toEqual([toHex(node1.authKey), toHex(node1.unwrapKey)]);
		expect(inPage.k2).toEqual([toHex(node2.authKey), toHex(node2.unwrapKey)]);
		expect(inPage.k2[0]).not.toBe(inPage.k1[0]);

		const [start1, done1] = inPage.events1;
		expect(inPage.events1).toHaveLength(2);
		expect(start1).toEqual({ stage: 'kdf', state: 'started', estimateMs: null });
		expect(done1).toMatchObject({ stage: 'kdf', state: 'done' });
		const elapsed1 = done1?.stage === 'kdf' && done1.state === 'done' ? done1.elapsedMs : -1;
		expect(elapsed1).toBeGreaterThan(0);
		expect(inPage.events2).toHaveLength(2);
		expect(inPage.events2[0]).toEqual({ stage: 'kdf', state: 'started', estimateMs: elapsed1 });
		expect(inPage.events2[1]).toMatchObject({ stage: 'kdf', state: 'done', elapsedMs: expect.any(Number) });
	});

	it('unwraps the staff password-wrapped key vector (STAFF_KDF) and refuses a wrong password as CryptoAuthError DECRYPT_FAILED', async () => {
		const wrappedHex = vectors.passwordWrappedKey.output;
		expect(toHex(await passwordUnwrapKey(fromHex(wrappedHex), vectors.passwordWrappedKey.password))).toBe(
			vectors.passwordWrappedKey.key
		);
		const out = await page.evaluate(
			async ({ wrappedHex, password }) => {
				const g = globalThis as unknown as PageGlobals;
				const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
				const wrapped = new Uint8Array(wrappedHex.match(/../g)!.map((x) => parseInt(x, 16)));
				const key = hex(await g.__qfClient!.passwordUnwrapKey(wrapped, password));
				const wrong = await g.__qfClient!.passwordUnwrapKey(wrapped, password + '!').then(
					() => null,
					(e: unknown) => ({
						authError: e instanceof g.__qfCrypto.CryptoAuthError,
						cryptoError: e instanceof g.__qfCrypto.CryptoError,
						code: (e as { code?: string }).code
					})
				);
				return { key, wrong };
			},
			{ wrappedHex, password: vectors.passwordWrappedKey.password }
		);
		const params = fromHex(wrappedHex).subarray(2, 11);
		expect(toHex(params)).toBe(toHex(encodeKdfSpec({ ...STAFF_KDF, salt: new Uint8Array(16) }).subarray(2, 11)));
		expect(out).toEqual({
			key: vectors.passwordWrappedKey.key,
			wrong: { authError: true, cryptoError: true, code: 'DECRYPT_FAILED' }
		});
	});

	it('cancels an encryption after its first slice with CANCELLED, and the same worker serves the next job', async () => {
		const out = await page.evaluate(async () => {
			const g = globalThis as unknown as PageGlobals;
			const client = g.__qfClient!;
			const key = new Uint8Array(32).fill(7);
			const controller = new AbortController();
			const events: number[] = [];
			const cancelled = await client
				.encryptAttachment(key, new Blob([new Uint8Array(4 * 1024 * 1024)]), {
					readSize: 64 * 1024,
					signal: controller.signal,
					onProgress: (p) => {
						if (p.stage === 'encrypt') events.push(p.done);
						if (p.stage === 'encrypt' && p.done > 0) controller.abort();
					}
				})
				.then(
					() => 'resolved',
					(e: unknown) => (e instanceof g.__qfCrypto.CryptoWorkerError ? e.code : String(e))
				);
			const next = await client.encryptAttachment(key, new Blob([new Uint8Array(1000)]), {
				name: 'after.txt',
				type: 'text/plain'
			});
			const back = await client.decryptAttachment(key, next.stream);
			return { cancelled, events, after: [back.name, back.data.size], busy: client.busy };
		});
		expect(out).toEqual({ cancelled: 'CANCELLED', events: [0, 65536], after: ['after.txt', 1000], busy: 0 });
		expect(page.workers()).toHaveLength(1);
	});
});
