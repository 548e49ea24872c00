/**
 * The full cycle and the canary under the GM suite (国密, issue 21: "The full-cycle browser test and the canary
 * test pass with the GM suite on both databases"; "A server that offers the other suite to a reporter whose
 * pinned configuration says GM is refused"). One server, QF_CRYPTO_SUITE=gm, its SM2 root pinned
 * (ROOT_PUBLIC_KEY, 65 bytes), the organ's seven people keyed with SM2 keys (`keyDemoInto(…, { suite: 'gm' })`):
 *
 *  1. A reporter's page pinned to GM refuses a directory of the other suite: a genuine NaCl directory, and the
 *     server's own GM directory relabelled `nacl`; nothing is sent. Given the GM directory back, it verifies.
 *  2. A reporter in Chromium (360 px phone, zh-CN) sends an anonymous report about the 一把手 of 银清县教育局
 *     with a canary in the person's name, the text, a file's name and its contents; the page checks the SM2
 *     root's 校验码.
 *  3. The steps of full-cycle.e2e.ts (full-cycle-steps.ts): 信访室 signs in, unlocks its SM2 key, opens and
 *     decrypts the report and its file, replies to the reporter, …, 审理室 concludes; the reporter's follow-up
 *     reads 已办结, the decrypted text, file and reply, and sends more information.
 *  4. The follow-up page refuses a NaCl receipt KDF spec served for the GM receipt before deriving; nothing
 *     derived is sent. Given the GM spec back, it opens the report.
 *  5. Stopped: every stored ciphertext of the report is GM-format (byte 0 = 47, SM2 seals 131 bytes), and no
 *     form of the canary is in the database dump, the PGlite files or the server's output.
 * Run with E2E_DB=postgres for PostgreSQL.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/index';
import {
	attachment,
	attachmentPart,
	caseStudy,
	report,
	reportEvent,
	reportKeyWrap,
	reportMessage,
	staffKey
} from '../../src/lib/server/db/schema';
import {
	NACL_ENTRIES,
	generateRootKey,
	newEntryId,
	rootFingerprint,
	signDirectoryEntry
} from '../../src/lib/crypto/directory';
import { GM_FORMAT_VERSION } from '../../src/lib/crypto/format';
import { RECEIPT_KDF } from '../../src/lib/crypto/kdf';
import { encodeKdfSpec, newKdfSpec } from '../../src/lib/crypto/kdf-spec';
import { toBase64 } from '../../src/lib/shared/encoding';
import { dumpStorage, findCanary } from './dump';
import { newPhonePage, type Page } from './harness';
import type { KeyedDemoKeys } from './keyed-demo';
import { ORGAN, UNIT, fullCycleSteps, startCycleWorld, stopCycleWorld, type CycleWorld } from './full-cycle-steps';

const CANARY = `国密金丝雀${Date.now().toString(36)}`;
const DESCRIPTION = `${CANARY}-description 在校舍维修工程中指定施工单位并收受好处费。`;
const FILE_NAME = `${CANARY}-evidence.txt`;
const KEYS_FAILED = '暂时无法确认谁能打开这份举报。为了安全，现在不能提交，请稍后再试。';

const world = { receipt: { locator: '', secret: '' } } as CycleWorld;
let keys: KeyedDemoKeys;
let tmp = '';

beforeAll(async () => {
	tmp = mkdtempSync(path.join(os.tmpdir(), 'qf-gm-'));
	writeFileSync(path.join(tmp, FILE_NAME), `${CANARY}-filecontents 收据复印件。\n`);
	keys = await startCycleWorld(world, 'gm');
}, 600_000);

afterAll(async () => {
	await stopCycleWorld(world);
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The reporter's steps 1 and 2 for the county department's 一把手; ends on step 3 (recipients not awaited). */
async function fillReport(page: Page, files: string[]): Promise<void> {
	await page.goto(`${world.server.url}/report`);
	await page.locator('#unit-q:enabled').waitFor();
	await page.getByLabel('单位名称（可输入拼音或首字母，如 gxq）').fill(UNIT.name);
	await page
		.locator('.hits .hit')
		.filter({ has: page.locator('.name', { hasText: new RegExp(`^${UNIT.name}$`) }) })
		.first()
		.click();
	await page.getByTestId('unit-selected').waitFor();
	await page.getByRole('radio', { name: '一把手（主要负责人）' }).check();
	await page.locator('#person-name').fill(`${CANARY}-person`);
	await page.getByRole('button', { name: '下一步' }).click();
	await page.getByRole('heading', { name: /步骤 2\/3/ }).waitFor();
	await page.getByRole('radio', { name: /^廉洁纪律/ }).check();
	await page.getByLabel('具体情况').fill(DESCRIPTION);
	if (files.length > 0) {
		await page.locator('#files-input').setInputFiles(files);
		await page.getByTestId('attachment').filter({ hasText: FILE_NAME }).waitFor();
	}
	await page.getByRole('button', { name: '下一步' }).click();
	await page.getByRole('heading', { name: /步骤 3\/3/ }).waitFor();
}

describe('the GM suite in the browser: refusal of the other suite, the full cycle, the canary', () => {
	it('a reporter page pinned to GM refuses a directory of the other suite and sends nothing', async () => {
		expect(keys.suite).toBe('gm');
		expect(keys.rootPublicKey.length).toBe(65);
		expect(world.server.env.ROOT_PUBLIC_KEY).toBe(toBase64(keys.rootPublicKey));
		const { context, page, requests } = await newPhonePage(world.browser);
		try {
			// A NaCl deployment's genuine directory for the organ (its own Ed25519 root, X25519 keys).
			const naclRoot = generateRootKey();
			const now = Math.floor(Date.now() / 1000);
			const naclAnswer = {
				suite: 'nacl',
				root: { publicKey: toBase64(naclRoot.publicKey), fingerprint: rootFingerprint(naclRoot.publicKey) },
				entries: keys.staff.map((s) =>
					toBase64(
						signDirectoryEntry(
							{
								entryId: newEntryId(),
								staffId: s.staffId,
								organId: ORGAN,
								role: s.role,
								publicKey: generateRootKey().publicKey,
								notBefore: now - 300,
								notAfter: now + 86_400
							},
							naclRoot.secretKey,
							NACL_ENTRIES
						)
					)
				),
				revocations: null
			};
			let serve: 'nacl' | 'relabelled' | 'real' = 'nacl';
			const served: string[] = [];
			await page.route('**/api/v1/directory', async (route) => {
				served.push(serve);
				if (serve === 'real') return route.continue();
				if (serve === 'nacl') return route.fulfill({ json: naclAnswer });
				const real = (await (await route.fetch()).json()) as { suite: string };
				expect(real.suite).toBe('gm');
				return route.fulfill({ json: { ...real, suite: 'nacl' } });
			});
			await fillReport(page, []);
			const preview = page.getByTestId('routing-preview');
			await expect.poll(() => preview.textContent(), { timeout: 60_000 }).toContain(KEYS_FAILED);
			expect(await page.getByTestId('recipients').count()).toBe(0);
			// Refused for its suite, before its (other) root was looked at: no root-changed warning.
			expect(await page.getByTestId('root-warning').count()).toBe(0);
			// Submitting anyway: checked again, refused again, nothing sent.
			await page.getByRole('button', { name: '加密并提交' }).click();
			await expect.poll(() => page.getByTestId('submit-message').textContent(), { timeout: 60_000 }).toBe(KEYS_FAILED);
			// The server's own GM entries under a `nacl` label: refused all the same.
			serve = 'relabelled';
			await preview.getByRole('button').click();
			await expect.poll(() => served.at(-1)).toBe('relabelled');
			await expect.poll(() => preview.textContent(), { timeout: 60_000 }).toContain(KEYS_FAILED);
			expect(await page.getByTestId('recipients').count()).toBe(0);
			expect(await page.getByTestId('root-warning').count()).toBe(0);
			const sent = requests.filter((u) => /\/api\/v1\/(intake|reports|pow)/.test(u));
			expect(sent, 'nothing of the report was sent').toEqual([]);
			// Control: the same page, given the server's GM directory as served, verifies it.
			serve = 'real';
			await preview.getByRole('button').click();
			await page.getByTestId('recipients').waitFor({ timeout: 60_000 });
			expect(await page.getByTestId('fingerprint').textContent()).toBe(keys.fingerprint);
			expect(served).toEqual(['nacl', 'nacl', 'relabelled', 'real']);
		} finally {
			await context.close();
		}
	}, 300_000);

	it('a reporter sends an anonymous report with a file from a phone; sealed to the SM2 keys of the county organ', async () => {
		const { context, page, requests } = await newPhonePage(world.browser);
		try {
			await fillReport(page, [path.join(tmp, FILE_NAME)]);
			await page.getByTestId('recipients').waitFor({ timeout: 60_000 });
			expect(await page.getByTestId('routing-preview').textContent()).toContain('银清县纪委监委');
			// The 校验码 of the pinned SM2 root (what the poster and /verify show).
			expect(await page.getByTestId('fingerprint').textContent()).toBe(keys.fingerprint);
			await page.getByRole('button', { name: '加密并提交' }).click();
			const card = page.getByTestId('receipt');
			await card.waitFor({ timeout: 180_000 });
			world.receipt = {
				locator: (await card.getByTestId('receipt-locator').textContent())!.trim(),
				secret: (await card.getByTestId('receipt-secret').textContent())!.trim()
			};
			expect(world.receipt.locator).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
			expect(requests.filter((u) => u.includes(CANARY))).toEqual([]);
		} finally {
			await context.close();
		}
	}, 300_000);

	fullCycleSteps(world, {
		// 信访室, its SM2 key unlocked: the text and the file decrypted in the browser; a reply to the reporter.
		opened: async (page) => {
			expect(await page.getByTestId('report-person').textContent()).toBe(`${CANARY}-person`);
			expect(await page.getByTestId('report-description').textContent()).toBe(DESCRIPTION);
			const row = page.getByTestId('attachment').filter({ hasText: FILE_NAME });
			const [download] = await Promise.all([
				page.waitForEvent('download', { timeout: 60_000 }),
				row.getByRole('button', { name: '下载' }).click()
			]);
			expect(download.suggestedFilename()).toBe(FILE_NAME);
			expect(readFileSync((await download.path())!, 'utf8')).toContain(`${CANARY}-filecontents`);
			await page.getByTestId('reply').fill(`${CANARY}-reply 您的举报已收到，正在办理。`);
			await page.getByRole('button', { name: '加密并发送' }).click();
			await page.getByTestId('conversation').getByText(`${CANARY}-reply`).waitFor({ timeout: 60_000 });
		},
		// The reporter's browser, with the receipt (GM receipt key): the report, its file and the reply decrypted;
		// more information sent, encrypted.
		followUp: async (page) => {
			expect(await page.getByTestId('report-text').textContent()).toBe(DESCRIPTION);
			expect(await page.getByTestId('conversation').textContent()).toContain(`${CANARY}-reply`);
			const [back] = await Promise.all([
				page.waitForEvent('download', { timeout: 60_000 }),
				page.getByRole('button', { name: `下载 ${FILE_NAME}` }).click()
			]);
			expect(readFileSync((await back.path())!, 'utf8')).toContain(`${CANARY}-filecontents`);
			await page.getByLabel('补充内容').fill(`${CANARY}-more 知情人是财务科的同事。`);
			await page.getByRole('button', { name: '加密并发送' }).click();
			await page.getByText('已发送。').waitFor({ timeout: 60_000 });
			expect(await page.getByTestId('conversation').textContent()).toContain(`${CANARY}-more`);
		}
	});

	it('a follow-up page pinned to GM refuses a receipt KDF spec of the other suite; nothing derived is sent', async () => {
		const { context, page, requests } = await newPhonePage(world.browser);
		try {
			// The server's answer for this receipt with a NaCl (Argon2id, production cost) spec in place of the GM one.
			const nacl = toBase64(encodeKdfSpec(newKdfSpec(RECEIPT_KDF)));
			let relabel = true;
			await page.route('**/api/v1/receipt/spec', async (route) => {
				const real = (await (await route.fetch()).json()) as { kdfSpec: string };
				expect(Buffer.from(real.kdfSpec, 'base64')[0]).toBe(GM_FORMAT_VERSION);
				return route.fulfill({ json: relabel ? { ...real, kdfSpec: nacl } : real });
			});
			await page.goto(`${world.server.url}/follow-up`);
			await page.locator('#locator:enabled').waitFor();
			await page.getByLabel('查询码', { exact: true }).fill(world.receipt.locator);
			await page.getByLabel('查询密码', { exact: true }).fill(world.receipt.secret);
			await page.getByRole('button', { name: '查询', exact: true }).click();
			await page.getByTestId('entry-error').waitFor({ timeout: 90_000 });
			expect(await page.getByTestId('entry-error').textContent()).toContain('查询码或查询密码不正确');
			expect(requests.filter((u) => /\/api\/v1\/(receipt\/open|pow)/.test(u))).toEqual([]);
			// Control: the same receipt with the server's GM spec opens the report.
			relabel = false;
			await page.getByRole('button', { name: '查询', exact: true }).click();
			await page.getByTestId('status').waitFor({ timeout: 90_000 });
			expect(await page.getByTestId('status').textContent()).toContain('已办结');
		} finally {
			await context.close();
		}
	}, 300_000);

	it('stopped: the report’s ciphertexts are GM-format, and no form of the canary is stored or logged', async () => {
		const server = world.server;
		await server.stop();
		const G = GM_FORMAT_VERSION;
		const locator = world.receipt.locator.replace(/[^0-9A-Z]/gi, '');
		const d = await openDatabase({ databaseUrl: server.databaseUrl, dataDir: server.dataDir ?? '', poolMax: 1 });
		try {
			const [r] = await d.db.select().from(report).where(eq(report.locator, locator));
			expect(r, `report ${locator} stored`).toBeTruthy();
			expect(r!.state).toBe('concluded');
			const first = (b: Uint8Array | null) => (b ? b[0] : null);
			expect({
				content: first(r!.content),
				summary: first(r!.summary),
				kdfSpec: first(r!.kdfSpec),
				receiptWrapped: first(r!.receiptWrapped)
			}).toEqual({ content: G, summary: G, kdfSpec: G, receiptWrapped: G });
			expect(r!.receiptWrapped.length).toBe(62);
			const wraps = await d.db.select().from(reportKeyWrap).where(eq(reportKeyWrap.reportId, r!.id));
			expect(wraps.length).toBe(keys.staff.filter((s) => s.organId === ORGAN).length);
			for (const w of wraps) expect([w.sealed[0], w.sealed.length]).toEqual([G, 131]); // SM2 seal of the key
			const messages = await d.db.select().from(reportMessage).where(eq(reportMessage.reportId, r!.id));
			expect(messages.map((m) => [m.author, m.body[0]]).sort()).toEqual([
				['reporter', G],
				['staff', G]
			]);
			const notes = (await d.db.select().from(reportEvent).where(eq(reportEvent.reportId, r!.id)))
				.map((e) => e.note)
				.filter((n): n is Uint8Array => n !== null);
			expect(notes.length).toBeGreaterThan(0);
			for (const n of notes) expect(n[0]).toBe(G);
			const studies = await d.db.select().from(caseStudy).where(eq(caseStudy.reportId, r!.id));
			expect(studies.map((s) => s.minutes[0])).toEqual([G]);
			const files = await d.db.select().from(attachment).where(eq(attachment.reportId, r!.id));
			expect(files.length).toBe(1);
			const parts = await d.db
				.select()
				.from(attachmentPart)
				.where(inArray(attachmentPart.attachmentId, [files[0]!.id]));
			expect(parts.find((p) => p.idx === 0)?.data[0]).toBe(G);
			const staffKeys = await d.db
				.select()
				.from(staffKey)
				.where(
					inArray(
						staffKey.staffId,
						[...world.account.values()].map((a) => a.staffId)
					)
				);
			expect(staffKeys.map((k) => k.publicKey.length)).toEqual(staffKeys.map(() => 65)); // SM2 points
		} finally {
			await d.close();
		}
		const dump = await dumpStorage(server);
		expect(dump.tables).toBeGreaterThan(10);
		expect(dump.sql, 'positive control: the clear locator is in the dump').toContain(locator);
		expect(findCanary(dump.sql, CANARY), 'canary in the database dump').toEqual([]);
		expect(findCanary(dump.files, CANARY), 'canary in the data folder').toEqual([]);
		expect(findCanary(server.output(), CANARY), 'canary in the server output').toEqual([]);
	}, 300_000);
});
