/**
 * Both cipher suites side by side (issue 21; prints figures, never asserts on time): `npm run bench:crypto`
 * runs it after tests/bench/crypto.ts, or alone `npx tsx tests/bench/crypto-suites.ts [--no-browser]`.
 *
 * Through the `Suite` interface (src/lib/crypto/suite.ts), in Node and then in Debian's Chromium (an esbuild
 * bundle of the same modules) in two places: on the page's main thread, and in a dedicated worker (a
 * `new Worker` of a Blob URL holding the same bundle), where the app's crypto worker runs attachments and
 * receipt derivations. Each normally and with 4x CPU throttling (CDP `Emulation.setCPUThrottlingRate` on the
 * page, the usual stand-in for a mid-range phone; Chromium applies it fully to the main thread but only
 * partly to a dedicated worker, and the worker target refuses the command: docs/crypto.md, so the script
 * prints the slowdown it observed in each place). Measured: attachment encryption and decryption (MB/s,
 * MB = 10^6 bytes of file), sealing and opening a report key, signing and verifying, and the receipt KDF at
 * production cost (Argon2id 64 MiB t=3 / PBKDF2-HMAC-SM3 at GM_RECEIPT_ITERATIONS). Medians; the machine's
 * load average is printed before and after every section.
 *
 * Environment: FILE_MIB (Node, default 8), BROWSER_FILE_MIB (default 4: JavaScript SM4 on a throttled
 * page is slow), RUNS (default 3).
 */
import os from 'node:os';
import { build } from 'esbuild';
import { launchBrowser, type Page } from '../e2e/harness';
import { naclSuite } from '../../src/lib/crypto/nacl-suite';
import { gmSuite } from '../../src/lib/crypto/gm/suite';
import type { Suite } from '../../src/lib/crypto/suite';
import { measure, type Figures } from './crypto-suites-measure';

const FILE_MIB = Number(process.env.FILE_MIB ?? 8);
const BROWSER_FILE_MIB = Number(process.env.BROWSER_FILE_MIB ?? 4);
const RUNS = Number(process.env.RUNS ?? 3);
const started = performance.now();

const load = () =>
	os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(' ');

function print(where: string, suite: string, f: Figures): void {
	const r = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
	console.log(
		`${where.padEnd(26)} ${suite.padEnd(4)} attachment enc ${r(f.encMBps)} MB/s, dec ${r(f.decMBps)} MB/s; ` +
			`seal ${r(f.sealMs)} ms, open ${r(f.openMs)} ms; sign ${r(f.signMs)} ms, verify ${r(f.verifyMs)} ms; ` +
			`receipt KDF ${r(f.receiptKdfMs)} ms   [load ${load()}, ${((performance.now() - started) / 1000).toFixed(0)} s]`
	);
}

/** The measurement code for the browser: one IIFE, run on the page and, as a Blob worker, in a worker. */
async function bundle(inWorker: boolean): Promise<string> {
	const expose = inWorker
		? `self.onmessage = async (e) => {
				const [id, mib, runs] = e.data;
				try { self.postMessage({ figures: await measure(suites[id], mib, runs) }); }
				catch (err) { self.postMessage({ error: String((err && err.stack) || err) }); }
			};`
		: `globalThis.__bench = { suites, measure };`;
	const out = await build({
		stdin: {
			contents: `import { naclSuite } from './src/lib/crypto/nacl-suite';
				import { gmSuite } from './src/lib/crypto/gm/suite';
				import { measure } from './tests/bench/crypto-suites-measure';
				const suites = { nacl: naclSuite, gm: gmSuite };
				${expose}`,
			resolveDir: process.cwd(),
			loader: 'ts'
		},
		bundle: true,
		format: 'iife',
		platform: 'browser',
		write: false,
		logLevel: 'silent'
	});
	return out.outputFiles[0]!.text;
}

type Where = 'main' | 'worker';

function inBrowser(page: Page, where: Where, id: string, mib: number, runs: number): Promise<Figures> {
	if (where === 'main')
		return page.evaluate(
			([id, mib, runs]) => {
				const b = (globalThis as unknown as { __bench: { suites: Record<string, Suite>; measure: typeof measure } })
					.__bench;
				return b.measure(b.suites[id as string]!, mib as number, runs as number);
			},
			[id, mib, runs] as const
		);
	return page.evaluate(
		([id, mib, runs]) =>
			new Promise<Figures>((resolve, reject) => {
				const w = (globalThis as unknown as { __benchWorker: Worker }).__benchWorker;
				w.onmessage = (e: MessageEvent<{ figures?: Figures; error?: string }>) =>
					e.data.figures ? resolve(e.data.figures) : reject(new Error(e.data.error));
				w.onerror = (e: ErrorEvent) => reject(new Error(`worker: ${e.message}`));
				w.postMessage([id, mib, runs]);
			}),
		[id, mib, runs] as const
	);
}

async function main(): Promise<void> {
	console.log(
		`load average ${load()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ` +
			`${FILE_MIB} MiB file in Node, ${BROWSER_FILE_MIB} MiB in Chromium, medians of ${RUNS}`
	);
	for (const suite of [naclSuite, gmSuite]) print('node', suite.id, await measure(suite, FILE_MIB, RUNS));
	if (process.argv.includes('--no-browser')) return;
	const [pageCode, workerCode] = await Promise.all([bundle(false), bundle(true)]);
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage();
		await page.setContent('<!doctype html><title>bench</title>');
		// tsx compiles with keepNames, which wraps inner functions in __name(); code handed to page.evaluate needs it.
		await page.evaluate('globalThis.__name = (f) => f');
		await page.addScriptTag({ content: pageCode });
		await page.evaluate((code) => {
			const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
			(globalThis as unknown as { __benchWorker: Worker }).__benchWorker = new Worker(url);
		}, workerCode);
		console.log(`Chromium ${browser.version()}`);
		const cdp = await page.context().newCDPSession(page);
		const kdf: Record<string, number> = {};
		for (const rate of [1, 4]) {
			await cdp.send('Emulation.setCPUThrottlingRate', { rate });
			for (const where of ['main', 'worker'] as const) {
				for (const id of ['nacl', 'gm']) {
					const f = await inBrowser(page, where, id, BROWSER_FILE_MIB, RUNS);
					kdf[`${where}${rate}${id}`] = f.receiptKdfMs;
					const place = where === 'main' ? 'chromium page' : 'chromium worker';
					print(rate === 1 ? place : `${place}, 4x throttled`, id, f);
				}
			}
		}
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
		const slow = (where: Where, id: string) => (kdf[`${where}4${id}`]! / kdf[`${where}1${id}`]!).toFixed(1);
		console.log(
			`observed slowdown of the receipt KDF under 4x throttling: page main thread NaCl ${slow('main', 'nacl')}x, ` +
				`GM ${slow('main', 'gm')}x; dedicated worker NaCl ${slow('worker', 'nacl')}x, GM ${slow('worker', 'gm')}x`
		);
	} finally {
		await browser.close();
	}
	console.log(`load average at the end ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}

await main();
