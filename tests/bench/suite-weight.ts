/**
 * The reporter page's JavaScript per cipher suite (issue 21; prints figures, never asserts on size):
 *
 *   npx tsx tests/bench/suite-weight.ts         (needs a production build: npm run build; QF_BUILD_DIR to
 *                                                run a copy of one)
 *
 * For each suite (QF_CRYPTO_SUITE=nacl, then gm), starts the build on the keyed demo (tests/e2e/keyed-demo.ts:
 * its `suite` option, so the gm run gets an SM2 root pinned as ROOT_PUBLIC_KEY, SM2 staff keys
 * and SM2-signed directory entries), opens /report in Chromium at 360×740 (service workers blocked), and
 * records every JavaScript response of the page and of its workers in three phases: `open` (until the
 * network is idle), `form` (the three steps filled: unit search, category, text; the recipients loaded, for
 * which a GM page fetches its suite) and `submit` ("加密并提交" until the receipt: the crypto worker, the
 * proof-of-work worker and what they import). For each file: bytes on the wire as served (adapter-node's
 * precompressed .br/.gz, whichever Chromium asked for), the raw size, and brotli-11 and gzip-9 of the raw
 * bytes for reference; and whether it carries the GM library (tests/e2e/gm-library-markers.ts). Production
 * costs throughout (Argon2id 64 MiB or PBKDF2-HMAC-SM3 for the receipt, the default proof of work).
 *
 * Environment: SUITES (default "nacl,gm").
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, root } from '../e2e/harness';
import { startWithKeyedDemo } from '../e2e/keyed-demo';
import { reporterScripts, type JsRow } from '../e2e/reporter-scripts';
import { TEST_BUILD_BANNER } from '../../src/lib/shared/build-kind';

const kb = (n: number) => (n / 1000).toFixed(1);
const load = () =>
	os
		.loadavg()
		.map((x) => x.toFixed(2))
		.join(' ');

type Totals = Record<'wire' | 'raw' | 'br' | 'gzip', number> & { files: number };
function totals(rows: JsRow[]): Totals {
	const t = { wire: 0, raw: 0, br: 0, gzip: 0, files: rows.length };
	for (const r of rows) for (const k of ['wire', 'raw', 'br', 'gzip'] as const) t[k] += r[k];
	return t;
}
const line = (t: Totals) =>
	`${kb(t.wire).padStart(7)} kB wire, ${kb(t.raw).padStart(7)} kB raw, ${kb(t.br).padStart(6)} kB br-11, ${kb(t.gzip).padStart(6)} kB gzip-9 (${t.files} files)`;

function printSuite(suite: string, rows: JsRow[]): Totals {
	console.log(
		`\n${suite}: the reporter's JavaScript, /report opened, filled and submitted (360×740, workers included)`
	);
	const w = Math.max(10, ...rows.map((r) => r.url.length));
	console.log(`${'file'.padEnd(w)}  phase   enc       wire kB   raw kB  br-11 kB  gzip-9 kB  GM library`);
	for (const r of rows)
		console.log(
			`${r.url.padEnd(w)}  ${r.phase.padEnd(6)}  ${r.encoding.padEnd(8)} ${kb(r.wire).padStart(8)} ${kb(r.raw).padStart(8)} ${kb(r.br).padStart(9)} ${kb(r.gzip).padStart(10)}  ${r.gm.length ? r.gm.join(', ') : '-'}`
		);
	for (const phase of ['open', 'form', 'submit'] as const)
		console.log(`  ${phase.padEnd(6)} ${line(totals(rows.filter((r) => r.phase === phase)))}`);
	const all = totals(rows);
	console.log(`  all    ${line(all)}`);
	const gm = rows.filter((r) => r.gm.length);
	console.log(
		`  GM library (sm-crypto-v2) fetched: ${gm.length ? `yes, ${gm.map((r) => `${r.url} (${r.phase})`).join(', ')}` : `no (none of ${rows.length} files carries its constants)`}`
	);
	return all;
}

export async function weighSuites(suites: string[]): Promise<void> {
	console.log(`\nReporter JS per cipher suite; ${os.cpus().length} CPUs, load average ${load()}`);
	const build = path.resolve(root, process.env.QF_BUILD_DIR ?? 'build');
	if (!existsSync(path.join(build, 'index.js'))) {
		console.log(`NOT MEASURED: no production build at ${build} (run \`npm run build\` first)`);
		return;
	}
	const result: Record<string, Totals> = {};
	const browser = await launchBrowser();
	try {
		for (const suite of suites) {
			if (suite !== 'nacl' && suite !== 'gm') throw new Error(`unknown suite ${suite}`);
			const { server } = await startWithKeyedDemo({ suite });
			try {
				if (server.output().includes(TEST_BUILD_BANNER))
					console.log('(this is a test build: run `npm run build` for figures to publish)');
				result[suite] = printSuite(suite, await reporterScripts(browser, server.url));
			} finally {
				await server.stop();
			}
		}
	} finally {
		await browser.close();
	}
	if (result.nacl && result.gm)
		console.log(
			`\nGM − NaCl: ${kb(result.gm.wire - result.nacl.wire)} kB on the wire, ${kb(result.gm.raw - result.nacl.raw)} kB raw, ` +
				`${kb(result.gm.br - result.nacl.br)} kB br-11; load average ${load()}`
		);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	await weighSuites((process.env.SUITES ?? 'nacl,gm').split(',').filter(Boolean));
}
