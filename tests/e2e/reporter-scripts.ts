/**
 * The reporter's JavaScript as a browser fetches it (issue 21): opens /report, fills the three steps and submits,
 * recording every JavaScript response of the page and of its workers by phase, with its sizes and whether it
 * carries the GM library (./gm-library-markers.ts). Shared by tests/e2e/suite-bundle.e2e.ts and
 * tests/bench/suite-weight.ts; needs a server with the keyed demo (./keyed-demo.ts), whose 银清县 routes to
 * keyed organs.
 */
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { gmMarkersIn } from './gm-library-markers';
import type { Browser, Page } from './harness';

export type Phase = 'open' | 'form' | 'submit';
export interface JsRow {
	url: string;
	phase: Phase;
	encoding: string;
	wire: number;
	raw: number;
	br: number;
	gzip: number;
	gm: string[];
}

/** The three steps, as tests/bench/report-phone.ts fills them: 银清县's top leader, a category and a text. */
export async function fill(page: Page): Promise<void> {
	await page.getByLabel('单位名称（可输入拼音或首字母，如 gxq）').fill('银清县');
	await page
		.locator('.hits .hit')
		.filter({ has: page.locator('.name', { hasText: /^银清县$/ }) })
		.first()
		.click();
	await page.getByTestId('unit-selected').waitFor();
	await page.getByRole('radio', { name: '一把手（主要负责人）' }).check();
	await page.getByRole('button', { name: '下一步' }).click();
	await page.getByRole('heading', { name: /步骤 2\/3/ }).waitFor();
	await page.getByRole('radio', { name: /^廉洁纪律/ }).check();
	await page.getByLabel('具体情况').fill('去年在高新区招标中收受承包商现金二十万元，地点在其办公室，时间是十一月。');
	await page.getByRole('button', { name: '下一步' }).click();
	await page.getByRole('heading', { name: /步骤 3\/3/ }).waitFor();
	await page.getByTestId('recipients').waitFor({ timeout: 120_000 });
}

/** Opens /report on `base`, fills it and submits; every JS response of the page and its workers, by phase. */
export async function reporterScripts(browser: Browser, base: string): Promise<JsRow[]> {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
		locale: 'zh-CN',
		serviceWorkers: 'block'
	});
	try {
		const page = await context.newPage();
		let phase: Phase = 'open';
		const pending: Promise<JsRow>[] = [];
		context.on('response', (res) => {
			const type = res.request().resourceType();
			const ct = res.headers()['content-type'] ?? '';
			if (type !== 'script' && !/javascript/.test(ct)) return;
			const at = phase;
			const row = (async () => {
				// A worker that has already ended (the proof-of-work worker) takes its response body with it:
				// the same URL is fetched again (immutable files, same bytes). No file is ever left out.
				const body = await res.body().catch(async () => {
					const again = await fetch(res.url());
					if (!again.ok) throw new Error(`${res.url()}: body gone and refetch ${again.status}`);
					return Buffer.from(await again.arrayBuffer());
				});
				const bodySize = await res
					.request()
					.sizes()
					.then((s) => s.responseBodySize)
					.catch(() => 0);
				return {
					url: res.url().replace(base, ''),
					phase: at,
					encoding: res.headers()['content-encoding'] ?? 'identity',
					// Bytes on the wire as served; Chromium reports no body size for a worker's script, whose
					// Content-Length (the precompressed file's length) stands in for it.
					wire: bodySize || Number(res.headers()['content-length'] ?? NaN),
					raw: body.length,
					br: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
					gzip: gzipSync(body, { level: 9 }).length,
					gm: gmMarkersIn(body.toString('utf8'))
				} satisfies JsRow;
			})();
			row.catch(() => {}); // awaited below (Promise.all); this only keeps an early failure from being "unhandled"
			pending.push(row);
		});
		await page.goto(`${base}/report`, { waitUntil: 'networkidle' });
		await page.locator('#unit-q:enabled').waitFor({ timeout: 120_000 });
		phase = 'form';
		await fill(page);
		await page.waitForLoadState('networkidle');
		phase = 'submit';
		await page.getByRole('button', { name: '加密并提交' }).click();
		await page.getByTestId('receipt').waitFor({ timeout: 300_000 });
		await page.waitForLoadState('networkidle');
		const rows = await Promise.all(pending);
		const seen = new Set<string>();
		return rows.filter((r) => !seen.has(r.url) && seen.add(r.url)); // a file counts once (the HTTP cache)
	} finally {
		await context.close();
	}
}
