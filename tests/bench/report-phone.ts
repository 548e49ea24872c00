/**
 * `npm run bench:phone`: a full anonymous report on a 360 px phone, from opening /report to the receipt on
 * screen, in Debian's Chromium against the test build (the keyed demo's recipients), twice side by side:
 *   - this machine as it is;
 *   - a throttled phone: 4× CPU slowdown (CDP Emulation.setCPUThrottlingRate, the usual stand-in for a
 *     mid-range Android phone) and a mobile network (CDP Network.emulateNetworkConditions: 150 ms round trip,
 *     1.6 Mbit/s down, 750 kbit/s up, Lighthouse's "slow 4G").
 * Production costs throughout: the receipt's Argon2id (64 MiB) in the browser and the server's default proof
 * of work. The form is filled by the script (a person's typing is not timed): the figures are what the
 * reporter waits for. Prints the load average (figures above 0.5 are for reading, not publishing), page load
 * → form ready, "加密并提交" → receipt, and the total, median of BENCH_PHONE_RUNS (3) runs each.
 */
import os from 'node:os';
import { startWithKeyedDemo } from '../e2e/keyed-demo';
import { launchBrowser, newPhonePage, type Browser, type Page } from '../e2e/harness';

const RUNS = Number(process.env.BENCH_PHONE_RUNS ?? 3);
const SLOW_4G = {
	offline: false,
	latency: 150,
	downloadThroughput: (1.6e6 / 8) | 0,
	uploadThroughput: (750e3 / 8) | 0
};

const load = () => {
	const l = os.loadavg();
	return `load average ${l.map((n) => n.toFixed(2)).join(' ')}${l[0]! < 0.5 ? '' : ' (above 0.5: not for publishing)'}`;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timing {
	ready: number;
	submit: number;
	total: number;
}

async function oneReport(browser: Browser, base: string, throttled: boolean): Promise<Timing> {
	const { context, page } = await newPhonePage(browser);
	try {
		const cdp = await context.newCDPSession(page);
		if (throttled) {
			await cdp.send('Network.enable');
			await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
			await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
		}
		const t0 = performance.now();
		await page.goto(`${base}/report`);
		await page.locator('#unit-q:enabled').waitFor({ timeout: 120_000 });
		const ready = performance.now();
		await fill(page);
		const submitAt = performance.now();
		await page.getByRole('button', { name: '加密并提交' }).click();
		await page.getByTestId('receipt').waitFor({ timeout: 300_000 });
		const done = performance.now();
		return { ready: ready - t0, submit: done - submitAt, total: done - t0 };
	} finally {
		await context.close();
	}
}

/** The three steps, as report.e2e.ts fills them: 银清县's top leader, a category and a text, anonymous. */
async function fill(page: Page): Promise<void> {
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

async function main(): Promise<void> {
	console.log(`Report on a 360 px phone, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}; ${load()}`);
	const { server } = await startWithKeyedDemo({ testKdf: true });
	const browser = await launchBrowser();
	try {
		await oneReport(browser, server.url, false); // warm-up (the server's caches, Chromium's code cache)
		for (const throttled of [false, true]) {
			const runs: Timing[] = [];
			for (let i = 0; i < RUNS; i++) runs.push(await oneReport(browser, server.url, throttled));
			const s = (k: keyof Timing) => (median(runs.map((r) => r[k])) / 1000).toFixed(1);
			console.log(
				`  ${throttled ? 'throttled phone (4× CPU, slow 4G)' : 'this machine          '}: open → form ready ${s('ready')} s, "加密并提交" → receipt ${s('submit')} s, open → receipt ${s('total')} s (median of ${RUNS}; ${load()})`
			);
		}
	} finally {
		await browser.close();
		await server.stop();
	}
}

main().then(
	() => process.exit(0),
	(e) => {
		console.error(e);
		process.exit(1);
	}
);
