/**
 * Browser crypto benchmark (prints figures, never asserts on time):
 *
 *   npx tsx tests/bench/crypto-browser.ts            (needs the production build: npx vite build)
 *
 * Starts the built app, opens a phone-sized page in Debian's Chromium, loads the client crypto worker
 * exactly as tests/e2e/crypto-worker.e2e.ts does (esbuild bundle served on the app's origin), then measures
 *   - Argon2id with RECEIPT_KDF and STAFF_KDF in the worker (and, for reference, on the page's main thread),
 *   - attachment encryption and decryption MB/s in the worker (MB = 10^6 bytes of file per second),
 * first normally, then with 4x CPU throttling through CDP (Emulation.setCPUThrottlingRate), the usual
 * stand-in for a mid-range phone. Medians of a few runs after a warm-up; the machine's load is printed
 * with the figures because a shared machine moves them a lot.
 */
import os from 'node:os';
import { RECEIPT_KDF, STAFF_KDF, type Argon2Params } from '../../src/lib/crypto/kdf';
import type { CryptoWorkerClient } from '../../src/lib/client/crypto-client';
import type { deriveKey } from '../../src/lib/crypto/kdf';
import type { encryptAttachment } from '../../src/lib/crypto/attachment';
import { bundleCryptoWorker, openCryptoPage, WORKER_PATH } from '../e2e/crypto-page';
import { launchBrowser, newPhonePage, startServer } from '../e2e/harness';

type PageGlobals = {
	__qfCrypto: {
		CryptoWorkerClient: typeof CryptoWorkerClient;
		deriveKey: typeof deriveKey;
		encryptAttachment: typeof encryptAttachment;
	};
	__qfClient?: CryptoWorkerClient;
};

const ARGON_RUNS = Number(process.env.ARGON_RUNS ?? 3);
const FILE_MIB = Number(process.env.FILE_MIB ?? 16);
const FILE_RUNS = Number(process.env.FILE_RUNS ?? 3);

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
const load = () =>
	os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(' ');

async function main(): Promise<void> {
	const loadBefore = load();
	const [bundles, server, browser] = await Promise.all([bundleCryptoWorker(), startServer(), launchBrowser()]);
	const { context, page } = await newPhonePage(browser);
	try {
		await openCryptoPage(page, server.url, bundles);
		// tsx compiles with esbuild's keepNames, which wraps inner functions in __name(); the functions handed
		// to page.evaluate run in the page, where that helper must exist too.
		await page.evaluate('globalThis.__name = (f) => f');
		await page.evaluate((workerPath) => {
			const g = globalThis as unknown as PageGlobals;
			g.__qfClient = new g.__qfCrypto.CryptoWorkerClient(() => new Worker(workerPath, { type: 'module' }));
		}, WORKER_PATH);
		const cdp = await page.context().newCDPSession(page);

		/**
		 * Argon2id `runs` times with `params` (random salt per run), in the worker or on the main thread.
		 * `page` is the time the page waited (message round trip included); `inner` is the worker's own
		 * measurement of the derivation (its 'done' event), or the same as `page` on the main thread.
		 */
		const argon = (params: Argon2Params, length: number, runs: number, where: 'worker' | 'main') =>
			page.evaluate(
				async ({ params, length, runs, where }) => {
					const g = globalThis as unknown as PageGlobals;
					const outer: number[] = [];
					const inner: number[] = [];
					for (let i = 0; i < runs; i++) {
						const salt = crypto.getRandomValues(new Uint8Array(16));
						let elapsed = -1;
						const t0 = performance.now();
						if (where === 'worker') {
							await g.__qfClient!.deriveKey('bench secret 清风', salt, params, length, {
								onProgress: (p) => {
									if (p.stage === 'kdf' && p.state === 'done') elapsed = p.elapsedMs;
								}
							});
						} else await g.__qfCrypto.deriveKey('bench secret 清风', salt, params, length);
						const t = performance.now() - t0;
						outer.push(t);
						inner.push(where === 'worker' ? elapsed : t);
					}
					return { outer, inner };
				},
				{ params: { m: params.m, t: params.t, p: params.p }, length, runs, where }
			);

		/** Encrypts then decrypts `mib` MiB in the worker `runs` times; returns ms per run for each. */
		const attachment = (mib: number, runs: number) =>
			page.evaluate(
				async ({ mib, runs }) => {
					const g = globalThis as unknown as PageGlobals;
					const size = mib * 1024 * 1024;
					const data = new Uint8Array(size);
					for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
					const file = new Blob([data]);
					const key = crypto.getRandomValues(new Uint8Array(32));
					const enc: number[] = [];
					const dec: number[] = [];
					for (let i = 0; i < runs; i++) {
						let t0 = performance.now();
						const { stream } = await g.__qfClient!.encryptAttachment(key, file, {
							name: 'bench.bin',
							type: 'application/octet-stream'
						});
						enc.push(performance.now() - t0);
						t0 = performance.now();
						const back = await g.__qfClient!.decryptAttachment(key, stream);
						dec.push(performance.now() - t0);
						if (back.data.size !== size) throw new Error('round trip lost bytes');
					}
					// Reference: the core's whole-buffer encryption on the page's main thread (no Blob, no worker).
					const core: number[] = [];
					for (let i = 0; i < runs; i++) {
						const t0 = performance.now();
						g.__qfCrypto.encryptAttachment(key, data, { name: 'bench.bin', type: 'application/octet-stream' });
						core.push(performance.now() - t0);
					}
					return { size, enc, dec, core };
				},
				{ mib, runs }
			);

		const out: string[] = [];
		const say = (line: string) => {
			out.push(line);
			console.log(line);
		};

		say(
			`Chromium ${browser.version()}, Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}`
		);
		say(`load average before: ${loadBefore}`);

		// Warm-up: WASM compile and the first 64 MiB allocation (reported, not counted).
		const first = await argon(RECEIPT_KDF, 64, 1, 'worker');
		say(`first Argon2id in a fresh worker (compile + memory growth): ${fmt(first.outer)} ms`);

		const medians: Record<string, number> = {};
		for (const rate of [1, 4]) {
			await cdp.send('Emulation.setCPUThrottlingRate', { rate });
			const label = rate === 1 ? 'normal' : `${rate}x CPU throttling`;
			const receipt = await argon(RECEIPT_KDF, 64, ARGON_RUNS, 'worker');
			const staff = await argon(STAFF_KDF, 32, ARGON_RUNS, 'worker');
			const main = await argon(RECEIPT_KDF, 64, Math.max(1, ARGON_RUNS - 1), 'main');
			for (const [name, p, r] of [
				['RECEIPT_KDF', RECEIPT_KDF, receipt],
				['STAFF_KDF  ', STAFF_KDF, staff]
			] as const) {
				say(
					`[${label}] Argon2id ${name} m=${p.m} t=${p.t} p=${p.p} in worker: median ${median(r.outer).toFixed(0)} ms as the page waits ` +
						`(${fmt(r.outer)}), ${median(r.inner).toFixed(0)} ms inside the worker (${fmt(r.inner)})`
				);
			}
			say(
				`[${label}] Argon2id RECEIPT_KDF on the page's main thread (same WASM): median ${median(main.outer).toFixed(0)} ms (${fmt(main.outer)})`
			);
			medians[`worker${rate}`] = median(receipt.outer);
			medians[`main${rate}`] = median(main.outer);
			const mib = rate === 1 ? FILE_MIB : Math.max(1, FILE_MIB / 2);
			const a = await attachment(mib, rate === 1 ? FILE_RUNS : Math.max(1, FILE_RUNS - 1));
			const mbps = (ms: number) => a.size / 1e6 / (ms / 1000);
			say(
				`[${label}] attachment encrypt in worker, ${mib} MiB Blob: median ${mbps(median(a.enc)).toFixed(1)} MB/s (runs ${a.enc.map((ms) => mbps(ms).toFixed(1)).join(', ')})`
			);
			say(
				`[${label}] attachment encrypt, core whole-buffer on the main thread (reference): median ${mbps(median(a.core)).toFixed(1)} MB/s (runs ${a.core.map((ms) => mbps(ms).toFixed(1)).join(', ')})`
			);
			say(
				`[${label}] attachment decrypt in worker, ${mib} MiB Blob: median ${mbps(median(a.dec)).toFixed(1)} MB/s (runs ${a.dec.map((ms) => mbps(ms).toFixed(1)).join(', ')})`
			);
		}
		const ratio = (a: string, b: string) => ((medians[a] ?? NaN) / (medians[b] ?? NaN)).toFixed(2);
		say(
			`slowdown under 4x throttling: main thread ${ratio('main4', 'main1')}x, worker ${ratio('worker4', 'worker1')}x`
		);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
		say(`load average after: ${load()}`);
	} finally {
		await context.close();
		await browser.close();
		await server.stop();
	}
}

main().catch((e) => {
	console.error(e);
	process.exitCode = 1;
});
