/**
 * The first administrator's browser steps in the staff-key tests (keys.e2e.ts, password.e2e.ts; origin.e2e.ts uses the set-up): the
 * setup through the one-time link with TOTP enrolment, the password-then-TOTP sign-in (each code of a time
 * step not used before: codes cannot be replayed), sign-out, the key page and its unlock form.
 *
 * `adminSteps` keeps the admin's TOTP key and last used step for one test file; the server and browser are
 * read through getters, as a test file may restart its server on the same storage.
 */
import { generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import type { Browser, BrowserContext, Page, Server } from './harness';
import { desk as deskIn } from './staff-session';

/** The current TOTP time step (30 seconds). */
export const step = () => Math.floor(Date.now() / 30_000);

/** Waits until the page's first form can be submitted (its script has loaded). */
export async function interactive(page: Page): Promise<void> {
	await page.locator('main form button[type="submit"]:not([disabled])').first().waitFor({ timeout: 60_000 });
}

export async function signOut(page: Page): Promise<void> {
	await page.getByRole('button', { name: '退出登录' }).click();
	await page.waitForURL(/\/staff\/login\?signedout=1$/);
}

/** Fills the unlock form on /staff/keys with `password` and submits it. */
export async function unlock(page: Page, password: string): Promise<void> {
	const form = page.locator('section', { has: page.getByRole('heading', { name: '解锁私钥' }) });
	await form.getByLabel('登录密码').fill(password);
	await form.getByRole('button', { name: '解锁' }).click();
}

/**
 * The first administrator's set-up on the page the one-time setup link opened: the form ('admin', `name`,
 * `password`), then TOTP enrolment with the code `codeFor` makes from the shown key, then the recovery codes.
 * Returns the TOTP key; the page is on its way to /staff.
 */
export async function enrolFirstAdmin(
	page: Page,
	who: { name: string; password: string },
	codeFor: (totpKey: Uint8Array) => Promise<string>
): Promise<Uint8Array> {
	await interactive(page);
	await page.getByLabel('用户名').fill('admin');
	await page.getByLabel('姓名').fill(who.name);
	await page.getByLabel('密码', { exact: true }).fill(who.password);
	await page.getByLabel('再次输入密码').fill(who.password);
	await page.getByRole('button', { name: '创建管理员' }).click();
	await page.waitForURL(/\/staff\/2fa\/setup$/, { timeout: 60_000 });
	const totpKey = decodeBase32IgnorePadding(
		(await page.getByTestId('totp-manual-key').textContent())!.replace(/\s/g, '')
	);
	await page.getByLabel('验证码').fill(await codeFor(totpKey));
	await page.getByRole('button', { name: '验证' }).click();
	await page.getByTestId('recovery-codes').waitFor();
	await page.getByRole('link', { name: '我已妥善保存，继续' }).click();
	return totpKey;
}

export interface AdminSteps {
	/** A new desk-sized zh-CN browser context. */
	desk(): Promise<{ context: BrowserContext; page: Page }>;
	/** Creates the first admin ('admin', 王管理, `password`) through the setup link, enrolling TOTP. */
	createFirstAdmin(): Promise<void>;
	/** The password step of the sign-in only (no wait for what follows). */
	submitPassword(page: Page, username: string, password: string): Promise<void>;
	/** Signs the admin in with `password` and a fresh TOTP code; ends on /staff. */
	signIn(page: Page, password: string): Promise<void>;
	/** Opens /staff/keys and waits until its forms can be used. */
	openKeys(page: Page): Promise<void>;
}

export function adminSteps(env: { server: () => Server; browser: () => Browser; password: string }): AdminSteps {
	let totpKey: Uint8Array;
	let usedStep = 0;

	/** A TOTP code for a time step not used before, waiting for the next window if needed. */
	async function nextCode(): Promise<string> {
		while (step() <= usedStep) await new Promise((r) => setTimeout(r, 500));
		usedStep = step();
		return generateHOTP(totpKey, BigInt(usedStep), 6);
	}

	const desk = () => deskIn(env.browser());

	async function createFirstAdmin(): Promise<void> {
		const { context, page } = await desk();
		await page.goto(env.server().setupLink()!);
		totpKey = await enrolFirstAdmin(page, { name: '王管理', password: env.password }, (key) => {
			totpKey = key;
			return nextCode();
		});
		await page.waitForURL(/\/staff$/);
		await context.close();
	}

	async function submitPassword(page: Page, username: string, password: string): Promise<void> {
		await page.goto(`${env.server().url}/staff/login`);
		await interactive(page);
		await page.getByLabel('用户名').fill(username);
		await page.getByLabel('密码', { exact: true }).fill(password);
		await page.getByRole('button', { name: '登录' }).click();
	}

	async function signIn(page: Page, password: string): Promise<void> {
		await submitPassword(page, 'admin', password);
		await page.waitForURL(/\/staff\/login\/totp$/, { timeout: 60_000 });
		await page.getByLabel('验证码').fill(await nextCode());
		await page.getByRole('button', { name: '验证' }).click();
		await page.waitForURL(/\/staff$/);
	}

	async function openKeys(page: Page): Promise<void> {
		await page.goto(`${env.server().url}/staff/keys`);
		await page.getByRole('heading', { level: 1, name: '我的加密密钥' }).waitFor();
		await page.waitForFunction(() => !document.querySelector('main form button[type="submit"][disabled]'));
	}

	return { desk, createFirstAdmin, submitPassword, signIn, openKeys };
}
