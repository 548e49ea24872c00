/**
 * Page weight and Lighthouse for the reporter's pages (prints figures; never asserts):
 *
 *   npx tsx tests/bench/page-weight.ts            (needs the production build: npm run build)
 *
 * 1. Starts the production build (tests/e2e/harness.ts), opens / and /report in Chromium at 360×740 and
 *    records every JS and CSS response until the network is idle, before any worker script loads (URLs
 *    with `.worker` are left out: the crypto worker loads on demand, when the reporter submits). For each:
 *    bytes on the wire (the body as transferred: adapter-node serves the precompressed .br/.gz files of
 *    `precompress: true` for static assets, so this is the brotli size when the browser accepts br), the
 *    raw (decoded) size, and gzip -9 of the raw bytes for reference. Service workers are blocked for this
 *    measurement so the worker's own precache download (printed separately below) is not mixed in.
 *    Target: JS + CSS of /report ≤ 150 kB on the wire (kB = 1000 bytes).
 * 2. Lighthouse 12 (mobile preset: Moto G Power viewport, simulated slow 4G, 4× CPU slowdown) against /
 *    and /report in Chromium (chrome-launcher, --headless=new --no-sandbox --disable-gpu): performance,
 *    accessibility and best-practices scores (target ≥ 95 each), with the audits that cost points.
 *
 * 3. The reporter's JavaScript per cipher suite, the page opened, filled and submitted, workers included
 *    (tests/bench/suite-weight.ts: a NaCl and a GM server on the keyed demo of this build).
 *
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium), PAGES (default "/,/report"), LIGHTHOUSE=0 to skip
 * step 2, SUITES (default "nacl,gm"; empty to skip step 3).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromiumPath, launchBrowser, root, startServer, type Server } from '../e2e/harness';
import { weighSuites } from './suite-weight';

const PAGES = (process.env.PAGES ?? '/,/report').split(',').filter(Boolean);
const TARGET_KB = 150;

interface Row {
	url: string;
	kind: 'js' | 'css';
	encoding: string;
	wire: number;
	raw: number;
	gzip: number;
}

const kb = (n: number) => (n / 1000).toFixed(1);

async function weigh(server: Server, pathname: string): Promise<Row[]> {
	const browser = await launchBrowser();
	try {
		const context = await browser.newContext({
			viewport: { width: 360, height: 740 },
			deviceScaleFactor: 2,
			isMobile: true,
			hasTouch: true,
			locale: 'zh-CN',
			serviceWorkers: 'block'
		});
		const page = await context.newPage();
		const pending: Promise<Row | null>[] = [];
		page.on('response', (res) => {
			const url = res.url();
			const type = res.request().resourceType();
			const ct = res.headers()['content-type'] ?? '';
			const kind =
				type === 'script' || /javascript/.test(ct)
					? 'js'
					: type === 'stylesheet' || /text\/css/.test(ct)
						? 'css'
						: null;
			if (!kind || /\.worker/.test(url)) return;
			pending.push(
				(async () => {
					const body = await res.body();
					const sizes = await res.request().sizes();
					return {
						url: url.replace(server.url, ''),
						kind,
						encoding: res.headers()['content-encoding'] ?? 'identity',
						wire: sizes.responseBodySize,
						raw: body.length,
						gzip: gzipSync(body, { level: 9 }).length
					} satisfies Row;
				})().catch(() => null)
			);
		});
		await page.goto(server.url + pathname, { waitUntil: 'networkidle' });
		const rows = (await Promise.all(pending)).filter((r): r is Row => r !== null);
		await context.close();
		return rows.sort((a, b) => b.wire - a.wire);
	} finally {
		await browser.close();
	}
}

function printTable(pathname: string, rows: Row[]): { js: number; css: number } {
	console.log(`\n${pathname} (360×740, JS and CSS until network idle, workers excluded)`);
	const w = Math.max(10, ...rows.map((r) => r.url.length));
	console.log(`${'file'.padEnd(w)}  type  enc       wire kB   raw kB  gzip-9 kB`);
	for (const r of rows) {
		console.log(
			`${r.url.padEnd(w)}  ${r.kind.padEnd(4)}  ${r.encoding.padEnd(8)} ${kb(r.wire).padStart(8)} ${kb(r.raw).padStart(8)} ${kb(r.gzip).padStart(10)}`
		);
	}
	const sum = (k: 'js' | 'css', f: keyof Pick<Row, 'wire' | 'raw' | 'gzip'>) =>
		rows.filter((r) => r.kind === k).reduce((a, r) => a + r[f], 0);
	const js = sum('js', 'wire');
	const css = sum('css', 'wire');
	console.log(
		`total JS  ${kb(js)} kB wire, ${kb(sum('js', 'raw'))} kB raw, ${kb(sum('js', 'gzip'))} kB gzip-9 (${rows.filter((r) => r.kind === 'js').length} files)`
	);
	console.log(
		`total CSS ${kb(css)} kB wire, ${kb(sum('css', 'raw'))} kB raw, ${kb(sum('css', 'gzip'))} kB gzip-9 (${rows.filter((r) => r.kind === 'css').length} files)`
	);
	console.log(
		`JS + CSS  ${kb(js + css)} kB on the wire — target ≤ ${TARGET_KB} kB: ${js + css <= TARGET_KB * 1000 ? 'met' : 'NOT met'}`
	);
	return { js, css };
}

/** What the service worker downloads once, on the first visit, to precache the public shell. */
async function precacheWeight(server: Server): Promise<void> {
	const sw = readFileSync(path.join(root, 'build', 'client', 'sw.js'), 'utf8');
	const urls = [...(/precacheAndRoute\((\[[\s\S]*?\])\s*,/.exec(sw)?.[1] ?? '').matchAll(/url:"([^"]+)"/g)].map(
		(m) => m[1]!
	);
	let wire = 0;
	let raw = 0;
	for (const u of urls) {
		const res = await fetch(new URL(u, server.url + '/'), { headers: { 'accept-encoding': 'br, gzip' } });
		const encoded = Number(res.headers.get('content-length') ?? NaN);
		const body = Buffer.from(await res.arrayBuffer()); // fetch decodes: this is the raw size
		raw += body.length;
		wire += Number.isFinite(encoded) && res.headers.get('content-encoding') ? encoded : body.length;
	}
	console.log(
		`\nservice worker precache (downloaded once, in the background, after the first page): ${urls.length} entries, ${kb(wire)} kB on the wire, ${kb(raw)} kB raw`
	);
}

async function runLighthouse(server: Server): Promise<void> {
	const chrome = await chromeLauncher.launch({
		chromePath: chromiumPath(),
		chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu']
	});
	try {
		for (const pathname of PAGES) {
			const result = await lighthouse(server.url + pathname, {
				port: chrome.port,
				output: 'json',
				logLevel: 'error',
				onlyCategories: ['performance', 'accessibility', 'best-practices']
			});
			if (!result) throw new Error('Lighthouse returned nothing');
			const { categories, audits } = result.lhr;
			const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
			console.log(
				`\nLighthouse ${pathname}: performance ${score('performance')}, accessibility ${score('accessibility')}, best-practices ${score('best-practices')}`
			);
			const metric = (id: string) => audits[id]?.displayValue ?? '?';
			console.log(
				`  FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')}, SI ${metric('speed-index')}`
			);
			for (const id of ['performance', 'accessibility', 'best-practices']) {
				const cat = categories[id];
				if (!cat) continue;
				const lost = cat.auditRefs
					.filter((ref) => ref.weight > 0)
					.map((ref) => audits[ref.id]!)
					.filter(
						(a) =>
							a.score !== null &&
							a.score < 1 &&
							a.scoreDisplayMode !== 'informative' &&
							a.scoreDisplayMode !== 'notApplicable'
					);
				for (const a of lost)
					console.log(
						`  ${id}: ${a.id} (${Math.round((a.score ?? 0) * 100)}) ${a.title}${a.displayValue ? ' — ' + a.displayValue : ''}`
					);
			}
		}
	} finally {
		chrome.kill();
	}
}

const server = await startServer();
try {
	const totals: Record<string, { js: number; css: number }> = {};
	for (const p of PAGES) totals[p] = printTable(p, await weigh(server, p));
	await precacheWeight(server);
	if (process.env.LIGHTHOUSE !== '0') await runLighthouse(server);
} finally {
	await server.stop();
}
const suites = (process.env.SUITES ?? 'nacl,gm').split(',').filter(Boolean);
if (suites.length) await weighSuites(suites);
