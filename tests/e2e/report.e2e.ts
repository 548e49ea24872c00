/**
 * The reporter's pages end to end on a 360×740 phone (issue 5): a full anonymous report with a photo
 * carrying GPS and a PDF, the receipt shown once, coming back with it at /follow-up (status, the decrypted
 * text, adding a message), a real-name report, a wrong receipt, and the flow in English. Every test checks
 * that nothing is left on the device (no cookie, no localStorage / IndexedDB, no typed text in
 * sessionStorage), that no other origin is contacted, axe on each step, and no sideways scrolling.
 *
 * The server runs with POW_DIFFICULTY=8 so the proof of work stays short; the demo province with real staff
 * keys comes from tests/e2e/keyed-demo.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoAxeViolations,
	expectNoHorizontalScroll,
	launchBrowser,
	newPhonePage,
	root,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';
import { startWithKeyedDemo } from './keyed-demo';
import { generateLocator, generateReceiptSecret } from '../../src/lib/crypto/receipt';

const GPS_JPG = path.join(root, 'tests', 'fixtures', 'gps.jpg');
const SAMPLE_PDF = path.join(root, 'tests', 'fixtures', 'sample.pdf');
const PLAIN_JPG = path.join(root, 'tests', 'fixtures', 'plain.jpg');

let server: Server;
let browser: Browser;

beforeAll(async () => {
	const [keyed, b] = await Promise.all([startWithKeyedDemo({ env: { POW_DIFFICULTY: '8' } }), launchBrowser()]);
	server = keyed.server;
	browser = b;
});

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/* ------------------------------------------------------------------ helpers */

/**
 * What the page left on the device. SvelteKit's router keeps scroll offsets in sessionStorage
 * (`sveltekit:scroll`, numbers only) and an empty snapshot map; both are tolerated, nothing else is.
 */
async function expectNothingStored(context: BrowserContext, page: Page): Promise<void> {
	expect(await context.cookies()).toEqual([]);
	const raw = await page.evaluate(async () => ({
		local: Object.keys(localStorage),
		session: Object.entries(sessionStorage),
		idb: (await indexedDB.databases()).map((d) => d.name ?? '?')
	}));
	expect(raw.local, 'localStorage').toEqual([]);
	expect(raw.idb, 'IndexedDB').toEqual([]);
	const session = raw.session.filter(([k, v]) => {
		if (k === 'sveltekit:scroll') return !/^\{("-?\d+":\{"x":-?[\d.]+,"y":-?[\d.]+\},?)*\}$/.test(v);
		if (k === 'sveltekit:snapshot') return v !== '{}';
		return true;
	});
	expect(session, 'sessionStorage').toEqual([]);
}

function expectSameOrigin(requests: string[]): void {
	const origin = new URL(server.url).origin;
	const foreign = requests.filter((u) => {
		const url = new URL(u);
		return url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin;
	});
	expect(foreign, 'requests to another origin').toEqual([]);
}

async function checkPage(page: Page): Promise<void> {
	await expectNoAxeViolations(page);
	await expectNoHorizontalScroll(page);
}

/** Waits until the page is hydrated: the inputs are enabled (they are disabled in the server's HTML). */
async function hydrated(page: Page): Promise<void> {
	await page.locator('#unit-q:enabled, #locator:enabled').first().waitFor();
}

/**
 * Units whose reports reach keyed organs (see keyed-demo.ts): the top leader of 银清县 goes to 北泉市纪委监委,
 * a team member of 银清县教育局 to 银清县纪委监委.
 */
interface StepOne {
	/** What to type (a name, pinyin or initials). */
	query: string;
	/** The unit to pick among the results. */
	unit: string;
	position: string;
}

/** Step 1: finds the unit by typing (results come as you type), picks it and chooses the position. */
async function fillWho(page: Page, o: StepOne, labels = zh): Promise<void> {
	await page.getByLabel(labels.unitSearch).fill(o.query);
	const hit = page.locator('.hits .hit').filter({ has: page.locator('.name', { hasText: new RegExp(`^${o.unit}$`) }) });
	await hit.first().click();
	await page.getByTestId('unit-selected').waitFor();
	expect(await page.getByTestId('unit-selected').textContent()).toContain(o.unit);
	await page.getByRole('radio', { name: o.position }).check();
}
const TOP_LEADER_YQX = { query: '银清县', unit: '银清县', position: '一把手（主要负责人）' };

const zh = {
	unitSearch: '单位名称（可输入拼音或首字母，如 gxq）',
	next: '下一步',
	back: '上一步',
	submit: '加密并提交'
};
const en = {
	unitSearch: 'Unit name (pinyin or initials work too, e.g. gxq)',
	next: 'Next',
	back: 'Back',
	submit: 'Encrypt and send'
};

/** Reads the receipt shown after a submission. */
async function readReceipt(page: Page): Promise<{ locator: string; secret: string }> {
	const card = page.getByTestId('receipt');
	await card.waitFor({ timeout: 90_000 });
	return {
		locator: (await card.getByTestId('receipt-locator').textContent())!.trim(),
		secret: (await card.getByTestId('receipt-secret').textContent())!.trim()
	};
}

async function openFollowUp(page: Page, receipt: { locator: string; secret: string }): Promise<void> {
	await hydrated(page);
	await page.getByLabel('查询码', { exact: true }).fill(receipt.locator);
	await page.getByLabel('查询密码', { exact: true }).fill(receipt.secret);
	await page.getByRole('button', { name: '查询', exact: true }).click();
}

/* ------------------------------------------------------------------ tests */

describe('/report and /follow-up on a phone', () => {
	it('serves a form that cannot leak in clear: no names, no action, disabled until hydrated, a <noscript> notice', async () => {
		const res = await fetch(`${server.url}/report`);
		expect(res.status).toBe(200);
		expect(res.headers.getSetCookie()).toEqual([]);
		const html = await res.text();
		expect(html).toContain('<noscript>');
		expect(html).toContain('加密需要 JavaScript');
		expect(html).toContain('正在加载…');
		expect(html).not.toMatch(/<form[^>]*\saction=/);
		expect(html).toMatch(/<fieldset class="plain"[^>]*disabled/);
		// Text fields never carry a name (radio groups do: their values are codes, and disabled anyway).
		expect(html).not.toMatch(/<(input|textarea)(?![^>]*type="radio")[^>]*\sname=/);

		const follow = await (await fetch(`${server.url}/follow-up`)).text();
		expect(follow).toContain('<noscript>');
		expect(follow).not.toMatch(/<(input|textarea)[^>]*\sname=/);
	});

	it('sends an anonymous report with a photo and a PDF, shows the receipt, and opens it again at /follow-up', async () => {
		const { context, page, requests } = await newPhonePage(browser);
		const canary = `金丝雀-${Date.now()}-去年在高新区招标中收受承包商现金二十万元`;
		try {
			const started = Date.now();
			await page.goto(`${server.url}/report`);
			await hydrated(page);
			expect(await page.getByText('步骤 1/3').count()).toBeGreaterThan(0);

			// Nothing chosen yet: the errors are announced and focus goes to the first field to fix.
			await page.getByRole('button', { name: zh.next }).click();
			await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('请先改正标出的问题');
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('unit-q');
			expect(await page.locator('#unit-q').getAttribute('aria-describedby')).toContain('unit-error');
			await checkPage(page);

			// Who the reporter is: asked on its own, optional; a team member is reminded of the rules first.
			expect(await page.getByTestId('team-reminder').count()).toBe(0);
			await page.getByRole('radio', { name: '本单位领导班子成员', exact: true }).check();
			expect(await page.getByTestId('team-reminder').textContent()).toContain('先当面提醒');
			await checkPage(page);

			await fillWho(page, TOP_LEADER_YQX);
			await checkPage(page);
			await page.getByRole('button', { name: zh.next }).click();

			// Step 2: focus is on the step heading.
			await page.getByRole('heading', { name: /步骤 2\/3/ }).waitFor();
			expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
			await page.getByRole('radio', { name: /^廉洁纪律/ }).check();
			await page.getByLabel('具体情况').fill(canary);
			await page.locator('#files-input').setInputFiles([GPS_JPG, SAMPLE_PDF]);
			const photo = page.getByTestId('attachment').filter({ hasText: 'gps.jpg' });
			await photo.getByText(/^已移除：/).waitFor();
			const removed = (await photo.getByText(/^已移除：/).textContent())!;
			expect(removed).toContain('GPS 位置');
			expect(removed).toContain('相机型号');
			expect(removed).toContain('拍摄时间');
			const pdf = page.getByTestId('attachment').filter({ hasText: 'sample.pdf' });
			await pdf.getByText(/PDF 里可能带有作者/).waitFor();
			await checkPage(page);
			await page.getByRole('button', { name: zh.next }).click();

			// Step 3: routing preview and verified recipients, then submit.
			await page.getByRole('heading', { name: /步骤 3\/3/ }).waitFor();
			await page.getByTestId('recipients').waitFor();
			expect(await page.getByTestId('routing-preview').textContent()).toMatch(/这份举报将交给：\S+/);
			expect(await page.getByTestId('fingerprint').textContent()).toMatch(/\d{5}( \d{5})+/);
			expect(await page.getByRole('radio', { name: /匿名提交/ }).isChecked()).toBe(true);
			await checkPage(page);
			const submitted = Date.now();
			await page.getByRole('button', { name: zh.submit }).click();
			const receipt = await readReceipt(page);
			const seconds = (Date.now() - started) / 1000;
			console.log(
				`[report.e2e] anonymous report with a photo and a PDF: page open → receipt shown in ${seconds.toFixed(1)} s ` +
					`(of which "加密并提交" → receipt ${((Date.now() - submitted) / 1000).toFixed(1)} s; form filled by the test, not typed by a person)`
			);
			expect(seconds).toBeLessThan(120);
			expect(receipt.locator).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
			expect(receipt.secret).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
			expect(await page.getByTestId('received').textContent()).toMatch(/\d{4}-\d{2}-\d{2}/);
			await checkPage(page);
			// Routing was asked once, for the preview: the submission sealed to the directory verified for it.
			// Both are POST bodies (issue 14): the unit and the organ never sit in a URL.
			const sent = (p: string) => requests.filter((u) => u === `${server.url}${p}`).length;
			expect(requests.filter((u) => /\/api\/v1\/(routing|directory|units)\?/.test(u))).toEqual([]);
			expect({ routing: sent('/api/v1/routing'), directory: sent('/api/v1/directory') }).toEqual({
				routing: 1,
				directory: 1
			});

			// Saving the receipt happens on the device: a text file and a picture, no request.
			const before = requests.length;
			const [text] = await Promise.all([
				page.waitForEvent('download'),
				page.getByRole('button', { name: '保存为文本文件' }).click()
			]);
			const saved = readFileSync((await text.path())!, 'utf8');
			expect(saved).toContain(receipt.locator);
			expect(saved).toContain(receipt.secret);
			const [png] = await Promise.all([
				page.waitForEvent('download'),
				page.getByRole('button', { name: '保存为图片' }).click()
			]);
			expect(png.suggestedFilename()).toBe('receipt.png');
			expect([...readFileSync((await png.path())!).subarray(0, 8)]).toEqual([
				0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a
			]);
			expect(requests.slice(before).filter((u) => !u.startsWith('blob:'))).toEqual([]);

			// Printing shows the receipt only.
			await page.emulateMedia({ media: 'print' });
			const printed = await page.evaluate(() => ({
				header: getComputedStyle(document.querySelector('header')!).visibility,
				receipt: getComputedStyle(document.querySelector('[data-testid="receipt-secret"]')!).visibility,
				buttons: getComputedStyle(document.querySelector('[data-testid="receipt"] button')!).display
			}));
			expect(printed).toEqual({ header: 'hidden', receipt: 'visible', buttons: 'none' });
			await page.emulateMedia({ media: 'screen' });

			// Leaving asks whether the receipt was saved.
			let asked = '';
			page.once('dialog', (d) => {
				asked = d.message();
				void d.accept();
			});
			await page.getByRole('link', { name: '去“查询进度”页面' }).click();
			await page.waitForURL(/\/follow-up$/);
			expect(asked).toContain('保存好回执');

			// Coming back with the receipt (typed in lower case, the secret without dashes).
			await openFollowUp(page, { locator: receipt.locator.toLowerCase(), secret: receipt.secret.replace(/-/g, ' ') });
			await page.getByTestId('status').waitFor({ timeout: 90_000 });
			expect(await page.getByTestId('status').textContent()).toBe('已收到');
			expect(await page.getByTestId('report-text').textContent()).toBe(canary);
			expect(await page.getByTestId('report-summary').textContent()).toContain('gps.jpg');
			await checkPage(page);

			// The photo as stored: decrypted here, and without its metadata (the pixels untouched).
			const [photoBack] = await Promise.all([
				page.waitForEvent('download'),
				page.getByRole('button', { name: '下载 gps.jpg' }).click()
			]);
			const photoBytes = readFileSync((await photoBack.path())!);
			expect(photoBytes.includes('CANARY-7731')).toBe(false);
			expect(photoBytes.includes('Exif')).toBe(false);
			expect(Buffer.compare(photoBytes, readFileSync(PLAIN_JPG))).toBe(0);

			// Adding information.
			const more = `补充-${Date.now()}：知情人是财务科的同事。`;
			await page.getByLabel('补充内容').fill(more);
			await page.getByRole('button', { name: '加密并发送' }).click();
			await page.getByText('已发送。').waitFor({ timeout: 60_000 });
			expect(await page.getByTestId('conversation').textContent()).toContain(more);
			await checkPage(page);

			// The role travelled inside the ciphertext: the summary (decrypted here) shows it.
			expect(await page.getByTestId('summary-role').textContent()).toBe('本单位领导班子成员');
			// The proof of having reported: not before the organ registered the report.
			await page.getByRole('button', { name: '获取已报告证明' }).click();
			await expect.poll(() => page.getByTestId('proof-status').textContent()).toContain('还没有登记');
			// Asking for protection: an encrypted message of its own kind, answered first by the organ.
			await page.getByTestId('protection').locator('summary').click();
			await page.getByLabel('发生了什么，您需要什么保护').fill('单位领导得知有人举报后，扬言要把我调离岗位。');
			await page.getByRole('button', { name: '提交保护申请' }).click();
			await page.getByText(/保护申请已加密送出/).waitFor({ timeout: 60_000 });
			expect(await page.getByTestId('conversation').textContent()).toContain('【保护申请】');
			await checkPage(page);

			// Close forgets everything.
			await page.getByRole('button', { name: '退出并清除' }).click();
			await page.getByText('已退出，本页内容已全部清除。').waitFor();
			expect(await page.content()).not.toContain(canary);

			await expectNothingStored(context, page);
			expectSameOrigin(requests);
		} finally {
			await context.close();
		}
	});

	it('sends a real-name report; the follow-up shows it as real-name', async () => {
		const { context, page, requests } = await newPhonePage(browser);
		try {
			await page.goto(`${server.url}/report`);
			await hydrated(page);
			await fillWho(page, TOP_LEADER_YQX);
			await page.getByRole('radio', { name: '党员', exact: true }).check(); // 您的身份 (issue 19), not a kind
			await page.getByRole('button', { name: zh.next }).click();
			await page.getByRole('radio', { name: /^四风问题/ }).check();
			await page.getByLabel('具体情况').fill('单位一把手长期用公车接送家属。');
			await page.getByRole('button', { name: zh.next }).click();
			await page.getByRole('heading', { name: /步骤 3\/3/ }).waitFor();
			await page.getByRole('radio', { name: /^实名提交/ }).check();

			// Real name needs a name and a contact: the errors are linked to the fields.
			await page.getByRole('button', { name: zh.submit }).click();
			await page.locator('#id-name-error').waitFor();
			expect(await page.locator('#id-name').getAttribute('aria-describedby')).toContain('id-name-error');
			expect(await page.locator('#id-name').getAttribute('aria-invalid')).toBe('true');
			expect(await page.evaluate(() => document.activeElement?.id)).toBe('id-name');
			await checkPage(page);

			await page.getByLabel('您的姓名', { exact: true }).fill('张三');
			await page.getByLabel('联系方式（手机号等）', { exact: true }).fill('13800000000');
			await page.getByTestId('recipients').waitFor();

			// Offline: said plainly, and nothing typed is lost.
			await context.setOffline(true);
			await page.getByRole('button', { name: zh.submit }).click();
			await expect.poll(() => page.getByTestId('submit-message').textContent()).toContain('现在没有网络连接');
			expect(await page.getByText('现在没有网络。可以继续填写').count()).toBe(1);
			expect(await page.getByLabel('您的姓名', { exact: true }).inputValue()).toBe('张三');
			await context.setOffline(false);
			await page.getByRole('button', { name: zh.back }).click();
			expect(await page.getByLabel('具体情况').inputValue()).toBe('单位一把手长期用公车接送家属。');
			await page.getByRole('button', { name: zh.next }).click();
			await page.getByTestId('recipients').waitFor();
			expect(await page.getByLabel('您的姓名', { exact: true }).inputValue()).toBe('张三');
			await page.getByRole('button', { name: zh.submit }).click();
			const receipt = await readReceipt(page);

			page.on('dialog', (d) => void d.accept()); // "did you save your receipt?", if asked
			await page.goto(`${server.url}/follow-up`);
			await openFollowUp(page, receipt);
			await page.getByTestId('status').waitFor({ timeout: 90_000 });
			expect(await page.getByText(/实名举报/).count()).toBeGreaterThan(0);
			expect(await page.getByTestId('report-summary').textContent()).toContain('张三');
			await checkPage(page);
			await expectNothingStored(context, page);
			expectSameOrigin(requests);
		} finally {
			await context.close();
		}
	});

	it('stores a draft only when asked, encrypted, and deletes it', async () => {
		const { context, page, requests } = await newPhonePage(browser);
		const canary = `草稿金丝雀-${Date.now()}`;
		try {
			await page.goto(`${server.url}/report`);
			await hydrated(page);
			await fillWho(page, TOP_LEADER_YQX);
			await page.getByRole('button', { name: zh.next }).click();
			await page.getByLabel('具体情况').fill(canary);
			expect(await page.evaluate(() => localStorage.length)).toBe(0);

			await page.getByText('在这台设备上保存加密草稿（可选）').click();
			await page.getByLabel('草稿口令（至少 8 个字符）').fill('correct horse');
			await page.getByRole('button', { name: '加密保存草稿' }).click();
			await page.getByText('草稿已加密保存在这台设备上。').waitFor({ timeout: 60_000 });
			const stored = await page.evaluate(() => Object.entries(localStorage));
			expect(stored.map(([k]) => k)).toEqual(['qingfeng.report-draft.v1']);
			expect(stored[0]![1]).not.toContain(canary);
			expect(stored[0]![1]).not.toContain('银清县');

			// A new visit: the draft is offered, a wrong passphrase says so calmly, the right one restores it.
			await page.reload();
			await hydrated(page);
			await page.getByText('这台设备上有一份加密草稿。').waitFor();
			await checkPage(page);
			await page.getByLabel('草稿口令（至少 8 个字符）').fill('wrong horse!');
			await page.getByRole('button', { name: '打开草稿' }).click();
			await page.getByText('口令不正确，或草稿已经损坏。').waitFor({ timeout: 60_000 });
			await page.getByLabel('草稿口令（至少 8 个字符）').fill('correct horse');
			await page.getByRole('button', { name: '打开草稿' }).click();
			await page.getByText('草稿已打开。').waitFor({ timeout: 60_000 });
			expect(await page.getByTestId('unit-selected').textContent()).toContain('银清县');
			await page.getByRole('button', { name: zh.next }).click();
			expect(await page.getByLabel('具体情况').inputValue()).toBe(canary);

			await page.getByRole('button', { name: '删除草稿' }).click();
			await page.getByText('草稿已删除。').waitFor();
			await expectNothingStored(context, page);
			expectSameOrigin(requests);
		} finally {
			await context.close();
		}
	});

	it('answers a wrong receipt with one calm message, whatever is wrong', async () => {
		const { context, page, requests } = await newPhonePage(browser);
		try {
			await page.goto(`${server.url}/follow-up`);
			const messages: string[] = [];
			for (const receipt of [
				{ locator: generateLocator(), secret: generateReceiptSecret() }, // well-formed, unknown
				{ locator: generateLocator(), secret: 'ABCD-EFGH-JKMN' } // a typo (check character)
			]) {
				await openFollowUp(page, receipt);
				const error = page.getByTestId('entry-error');
				await error.waitFor({ timeout: 90_000 });
				messages.push((await error.textContent())!);
			}
			expect(messages[0]).toContain('查询码或查询密码不正确');
			expect(messages[1]).toBe(messages[0]);
			await checkPage(page);
			await expectNothingStored(context, page);
			expectSameOrigin(requests);
		} finally {
			await context.close();
		}
	});

	it('works in English (/en/report)', async () => {
		const { context, page, requests } = await newPhonePage(browser, { locale: 'en' });
		try {
			await page.goto(`${server.url}/en/report`);
			await hydrated(page);
			expect(await page.getAttribute('html', 'lang')).toBe('en');
			await page.getByText('Step 1 of 3').first().waitFor();
			await fillWho(page, { query: 'yqxjyj', unit: '银清县教育局', position: 'Member of the leadership team' }, en);
			await page.getByRole('radio', { name: /^Record of a leader's interference/ }).check();
			await page.getByRole('radio', { name: 'Construction project', exact: true }).check();
			await page.getByRole('radio', { name: 'Put in a word', exact: true }).check();
			await page.getByLabel('When (roughly is fine)').fill('March this year');
			await checkPage(page);
			await page.getByRole('button', { name: en.next }).click();
			await page.getByRole('heading', { name: /Step 2 of 3/ }).waitFor();
			await page.getByRole('radio', { name: /^Abuse of power/ }).check();
			await page.getByLabel('What happened').fill('The deputy director told the tender committee whom to pick.');
			await page.locator('#files-input').setInputFiles([GPS_JPG]);
			await page.getByText(/^Removed: .*GPS location/).waitFor();
			await checkPage(page);
			await page.getByRole('button', { name: en.next }).click();
			await page.getByRole('heading', { name: /Step 3 of 3/ }).waitFor();
			await page.getByTestId('recipients').waitFor();
			expect(await page.getByTestId('routing-preview').textContent()).toMatch(/This report will go to: /);
			await checkPage(page);
			await page.getByRole('button', { name: en.submit }).click();
			const receipt = await readReceipt(page);
			expect(receipt.locator).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
			expect(await page.getByRole('heading', { name: 'Your receipt' }).count()).toBe(1);
			await checkPage(page);

			// And back in English, pasting the whole receipt into the first field.
			page.on('dialog', (d) => void d.accept());
			await page.goto(`${server.url}/en/follow-up`);
			await hydrated(page);
			await page.getByLabel('Locator', { exact: true }).fill(`Locator: ${receipt.locator}  Secret: ${receipt.secret}`);
			await page.getByRole('button', { name: 'Open', exact: true }).click();
			await page.getByTestId('status').waitFor({ timeout: 90_000 });
			expect(await page.getByTestId('status').textContent()).toBe('Received');
			expect(await page.getByTestId('report-text').textContent()).toBe(
				'The deputy director told the tender committee whom to pick.'
			);
			expect(await page.getByTestId('report-summary').textContent()).toContain('Construction project');
			await checkPage(page);
			await expectNothingStored(context, page);
			expectSameOrigin(requests);
		} finally {
			await context.close();
		}
	});
});
