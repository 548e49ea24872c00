/**
 * Staff sessions in the browser tests: the first administrator through the one-time setup link, a keyed
 * demo account's sign-in (password, then a TOTP code of a time step the account has not used: codes cannot
 * be replayed) in a desk-sized context of its own, the unlock of the staff key, and the check of a case's
 * timeline. Shared by backoffice.e2e.ts, departments.e2e.ts and full-cycle.e2e.ts.
 */
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from './harness';
import { totpCode } from './keyed-demo';

/** An account that can sign in: a keyed demo account made with `signin: true`. */
export interface SignInAccount {
	staffId: string;
	username: string;
	password?: string;
	totpKey?: Uint8Array;
}

const usedStep = new Map<string, number>();
/** A TOTP code for a time step this account has not used yet (waits for the next step when needed). */
export async function nextCode(s: SignInAccount): Promise<string> {
	const step = () => Math.floor(Date.now() / 30_000);
	const last = usedStep.get(s.staffId) ?? 0;
	while (step() <= last) await new Promise((r) => setTimeout(r, 500));
	usedStep.set(s.staffId, step());
	return totpCode(s.totpKey!, Date.now());
}

/** A new desk-sized browser context (zh-CN unless told). */
export async function desk(
	browser: Browser,
	locale: 'zh-CN' | 'en' = 'zh-CN'
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
	return { context, page: await context.newPage() };
}

/** Signs `s` in (password and TOTP) in a context of its own; resolves on the inbox. */
export async function signInStaff(
	browser: Browser,
	baseUrl: string,
	s: SignInAccount
): Promise<{ context: BrowserContext; page: Page }> {
	const d = await desk(browser);
	const { page } = d;
	await page.goto(`${baseUrl}/staff/login`);
	await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
	await page.getByLabel('用户名').fill(s.username);
	await page.getByLabel('密码', { exact: true }).fill(s.password!);
	await page.getByRole('button', { name: '登录' }).click();
	await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
	await page.getByLabel('验证码').fill(await nextCode(s));
	await page.getByRole('button', { name: '验证' }).click();
	await page.waitForURL(/\/staff(\?.*)?$/, { timeout: 60_000 });
	await page.getByTestId('welcome').waitFor();
	return d;
}

/** Unlocks the staff key on the current page with the account's password. */
export async function unlockKey(page: Page, password: string): Promise<void> {
	const box = page.getByTestId('unlock');
	await box.locator('button[type="submit"]:not([disabled])').waitFor();
	await box.getByLabel('登录密码').fill(password);
	await box.getByRole('button', { name: '解锁' }).click();
	await box.getByTestId('key-status').waitFor({ timeout: 60_000 });
}

/** Creates the first administrator through the setup link (password, then TOTP enrolment); ends on /staff. */
export async function setUpAdmin(page: Page, setupLink: string, password: string): Promise<void> {
	await page.goto(setupLink);
	await page
		.locator('main form button[type="submit"]:not([disabled])')
		.first()
		.waitFor({ timeout: 90_000 })
		.catch(async (e) => {
			console.log(page.url(), (await page.content()).slice(0, 3000));
			throw e;
		});
	await page.getByLabel('用户名').fill('admin');
	await page.getByLabel('姓名').fill('王管理');
	await page.getByLabel('密码', { exact: true }).fill(password);
	await page.getByLabel('再次输入密码').fill(password);
	await page.getByRole('button', { name: '创建管理员' }).click();
	await page.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
	const key = decodeBase32IgnorePadding((await page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, ''));
	await page.getByLabel('验证码').fill(generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000)), 6));
	await page.getByRole('button', { name: '验证' }).click();
	await page.getByTestId('recovery-codes').waitFor();
	await page.getByRole('link', { name: '我已妥善保存，继续' }).click();
	await page.waitForURL(/\/staff$/);
}

/**
 * The case page's timeline (its text, read once) holds each of `texts`; a `[label, text]` pair names the
 * failing entry. Answers the timeline's text.
 */
export async function expectTimeline(
	page: Page,
	texts: readonly (string | readonly [string, string])[]
): Promise<string> {
	const timeline = (await page.getByTestId('timeline').textContent()) ?? '';
	for (const t of texts) {
		if (typeof t === 'string') expect(timeline).toContain(t);
		else expect(timeline, t[0]).toContain(t[1]);
	}
	return timeline;
}
