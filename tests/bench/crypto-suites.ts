/**
 * Both cipher suites side by side (issue 21; prints figures, never asserts on time): `npm run bench:crypto`
 * runs it after tests/bench/crypto.ts, or alone `npx tsx tests/bench/crypto-suites.ts [--no-browser]`.
 *
 * Through the `Suite` interface (src/lib/crypto/suite.ts), in Node and then on a page of Debian's Chromium
 * (an esbuild bundle of the same modules, run on the page's main thread: the code is plain JavaScript and
 * WASM, so a worker runs it at the same speed, only off the main thread), normally and with 4x CPU
 * throttling (CDP, the usual stand-in for a mid-range phone): attachment encryption and decryption (MB/s,
 * MB = 10^6 bytes of file), sealing and opening a report key, signing and verifying, and the receipt KDF at
 * production cost (Argon2id 64 MiB t=3 / PBKDF2-HMAC-SM3 at GM_RECEIPT_ITERATIONS). Medians; the machine's
 * load is printed with the figures.
 */
import os from 'node:os';
import { build } from 'esbuild';
import { launchBrowser } from '../e2e/harness';
import { naclSuite } from '../../src/lib/crypto/nacl-suite';
import { gmSuite } from '../../src/lib/crypto/gm/suite';
import type { Suite } from '../../src/lib/crypto/suite';
import { measure, type Figures } from './crypto-suites-measure';

function print(where: string, suite: string, f: Figures): void {
	const r = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(2));
	console.log(
		`${where.padEnd(18)} ${suite.padEnd(4)} attachment enc ${r(f.encMBps)} MB/s, dec ${r(f.decMBps)} MB/s; ` +
			`seal ${r(f.sealMs)} ms, open ${r(f.openMs)} ms; sign ${r(f.signMs)} ms, verify ${r(f.verifyMs)} ms; ` +
			`receipt KDF ${r(f.receiptKdfMs)} ms`
	);
}

const FILE_MIB = Number(process.env.FILE_MIB ?? 8);
const RUNS = Number(process.env.RUNS ?? 3);

async function main(): Promise<void> {
	console.log(
		`load average ${os
			.loadavg()
			.map((x) => x.toFixed(1))
			.join(' ')}, ${os.cpus().length} CPUs, ${FILE_MIB} MiB file`
	);
	for (const suite of [naclSuite, gmSuite]) print('node', suite.id, await measure(suite, FILE_MIB, RUNS));
	if (process.argv.includes('--no-browser')) return;
	const bundle = await build({
		stdin: {
			contents: `import { naclSuite } from './src/lib/crypto/nacl-suite';
				import { gmSuite } from './src/lib/crypto/gm/suite';
				import { measure } from './tests/bench/crypto-suites-measure';
				globalThis.__bench = { suites: { nacl: naclSuite, gm: gmSuite }, measure };`,
			resolveDir: process.cwd(),
			loader: 'ts'
		},
		bundle: true,
		format: 'iife',
		platform: 'browser',
		write: false,
		logLevel: 'silent'
	});
	const browser = await launchBrowser();
	try {
		const page = await browser.newPage();
		await page.setContent('<!doctype html><title>bench</title>');
		await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
		const cdp = await page.context().newCDPSession(page);
		for (const rate of [1, 4]) {
			await cdp.send('Emulation.setCPUThrottlingRate', { rate });
			for (const id of ['nacl', 'gm']) {
				const f = await page.evaluate(
					([id, mib, runs]) => {
						const b = (globalThis as unknown as { __bench: { suites: Record<string, Suite>; measure: typeof measure } })
							.__bench;
						return b.measure(b.suites[id as string]!, mib as number, runs as number);
					},
					[id, FILE_MIB, RUNS] as const
				);
				print(rate === 1 ? 'chromium' : 'chromium 4x slower', id, f);
			}
		}
	} finally {
		await browser.close();
	}
}

await main();
