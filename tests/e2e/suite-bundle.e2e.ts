/**
 * One cipher suite per deployment, and the GM code only where it is chosen (issue 21): the JavaScript a
 * reporter's browser fetches, the page and its workers, from opening /report to the receipt
 * (./reporter-scripts.ts), on the keyed demo of a NaCl deployment and of a GM one (QF_CRYPTO_SUITE=gm: an SM2
 * root pinned, SM2 staff keys). The GM library (sm-crypto-v2) is recognised by its constants
 * (./gm-library-markers.ts); the build itself is the positive control: it holds the library in chunks of its
 * own, which carry every marker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GM_LIBRARY_MARKERS, gmMarkersIn } from './gm-library-markers';
import { launchBrowser, root, type Browser } from './harness';
import { startWithKeyedDemo } from './keyed-demo';
import { reporterScripts, type JsRow } from './reporter-scripts';

const client = path.join(
	process.env.QF_BUILD_DIR ? path.resolve(root, process.env.QF_BUILD_DIR) : path.join(root, 'build'),
	'client'
);

/** Every JavaScript file of the build's client, as a URL path, with the GM markers it carries. */
function builtScripts(): { url: string; gm: string[] }[] {
	const files = readdirSync(path.join(client, '_app'), { recursive: true, encoding: 'utf8' });
	return files
		.filter((f) => f.endsWith('.js'))
		.map((f) => ({
			url: `/_app/${f.split(path.sep).join('/')}`,
			gm: gmMarkersIn(readFileSync(path.join(client, '_app', f), 'utf8'))
		}));
}

let browser: Browser;
beforeAll(async () => {
	browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
	await browser?.close();
});

/** The reporter's scripts on a keyed demo of `suite` (keyed-demo.ts: demo:keys and the servers in that suite). */
async function scriptsOf(suite: 'nacl' | 'gm'): Promise<JsRow[]> {
	const { server } = await startWithKeyedDemo({ testKdf: true, suite });
	try {
		return await reporterScripts(browser, server.url);
	} finally {
		await server.stop();
	}
}

describe('the GM library only in GM deployments (issue 21)', () => {
	const all = GM_LIBRARY_MARKERS.map((m) => m.name);
	const gmChunks = () => builtScripts().filter((s) => s.gm.length > 0);

	it('the build carries sm-crypto-v2 only in chunks of its own, each with every marker', () => {
		const chunks = gmChunks();
		// The page's chunk (loadSuite's dynamic import) and the crypto worker's (its own build).
		expect(chunks.length).toBeGreaterThanOrEqual(2);
		for (const c of chunks) expect(c.gm, c.url).toEqual(all);
		expect(chunks.some((c) => c.url.includes('/workers/'))).toBe(true);
		expect(chunks.some((c) => !c.url.includes('/workers/'))).toBe(true);
	});

	it('a NaCl reporter, from opening /report to the receipt, fetches none of it', async () => {
		const rows = await scriptsOf('nacl');
		const urls = rows.map((r) => r.url);
		// What was watched: the page's scripts and, at submission, the crypto and proof-of-work workers'.
		expect(rows.filter((r) => r.phase === 'open').length).toBeGreaterThan(10);
		for (const worker of [/\/workers\/crypto\.worker-[\w-]+\.js$/, /\/workers\/pow\.worker-[\w-]+\.js$/])
			expect(rows.some((r) => r.phase === 'submit' && worker.test(r.url))).toBe(true);
		expect(rows.filter((r) => r.gm.length > 0).map((r) => `${r.url} ${r.gm.join(', ')}`)).toEqual([]);
		for (const c of gmChunks()) expect(urls).not.toContain(c.url);
	}, 420_000);

	it('a GM reporter fetches it: on the page for the recipients, in the crypto worker at submission', async () => {
		const rows = await scriptsOf('gm');
		const gm = rows.filter((r) => r.gm.length > 0);
		for (const r of gm) expect(r.gm, r.url).toEqual(all);
		expect(gm.some((r) => r.phase === 'form' && !r.url.includes('/workers/'))).toBe(true);
		expect(gm.some((r) => r.phase === 'submit' && r.url.includes('/workers/'))).toBe(true);
		// Not before the reporter reaches the recipients: opening the page costs a GM deployment nothing more.
		expect(rows.filter((r) => r.phase === 'open' && r.gm.length > 0)).toEqual([]);
	}, 420_000);
});
