/**
 * The installable public shell in Chromium: the web manifest and its icons, the service worker
 * registering and controlling the page, installability (DevTools `Page.getInstallabilityErrors`), what
 * works offline (/guide, /offline; any other page falls back to /offline, which says reporting needs a
 * connection), the update prompt, and that no cache holds an API answer or anything outside the precache.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { encodeBase64 } from '@oslojs/encoding';
import { chromium } from 'playwright-core';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRootKey, rootFingerprint } from '../../src/lib/crypto/directory';
import { encodeReleaseManifest, parseReleaseManifest } from '../../src/lib/shared/build-root';
import {
	chromiumPath,
	launchBrowser,
	newPhonePage,
	root,
	startServer,
	type Browser,
	type BrowserContext,
	type Page,
	type Server
} from './harness';

let server: Server;
let browser: Browser;

/** The URLs the build's sw.js precaches, as absolute paths. */
function precacheUrls(): Set<string> {
	const sw = readFileSync(path.join(root, 'build', 'client', 'sw.js'), 'utf8');
	const list = /precacheAndRoute\((\[[\s\S]*?\])\s*,/.exec(sw)?.[1];
	if (!list) throw new Error('no precache list in build/client/sw.js');
	return new Set([...list.matchAll(/url:"([^"]+)"/g)].map((m) => (m[1]!.startsWith('/') ? m[1]! : `/${m[1]}`)));
}

function cssColour(name: string): string {
	const css = readFileSync(path.join(root, 'src', 'app.css'), 'utf8');
	return new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{3,8})`).exec(css)![1]!;
}

/** Every entry of every cache of the origin, as `cache-name path?query`. */
async function cacheEntries(page: Page): Promise<{ cache: string; url: string }[]> {
	return page.evaluate(async () => {
		const out: { cache: string; url: string }[] = [];
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const req of await cache.keys()) out.push({ cache: name, url: req.url });
		}
		return out;
	});
}

/** Waits until a service worker is active and controls the page. */
async function controlled(page: Page): Promise<void> {
	const ready = await page.evaluate(() =>
		Promise.race([
			navigator.serviceWorker.ready.then(() => true),
			new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000))
		])
	);
	expect(ready, `a service worker is active on ${page.url()}`).toBe(true);
	await expect
		.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.state ?? null), {
			timeout: 20_000,
			message: 'a service worker controls the page'
		})
		.toBe('activated');
}

/** The reporter's opt-in (issue 16): the guide's "keep this site for offline use"; then the worker controls. */
async function optIn(page: Page, base: string, guide = '/guide'): Promise<void> {
	await page.goto(base + guide, { waitUntil: 'networkidle' });
	await page.getByTestId('offline-optin').click();
	await controlled(page);
	await page.getByTestId('offline-kept').waitFor({ timeout: 20_000 });
}

/** Registrations and caches of the origin: what a plain visit must leave empty. */
async function traces(page: Page): Promise<{ registrations: string[]; caches: string[] }> {
	return page.evaluate(async () => ({
		registrations: (await navigator.serviceWorker.getRegistrations()).map((r) => r.scope),
		caches: await caches.keys()
	}));
}

beforeAll(async () => {
	[server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('web manifest', () => {
	it('is linked from every public page, served with the right type, and complete', async () => {
		const html = await (await fetch(server.url + '/guide')).text();
		expect(html).toMatch(/<link rel="manifest" href="[./]*\/?manifest\.webmanifest"/);
		const res = await fetch(server.url + '/manifest.webmanifest');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
		const manifest = (await res.json()) as Record<string, unknown> & {
			icons: { src: string; sizes: string; type: string; purpose?: string }[];
		};
		const zh = JSON.parse(readFileSync(path.join(root, 'messages', 'zh-CN.json'), 'utf8')) as Record<string, string>;
		expect(manifest).toMatchObject({
			name: zh.app_name,
			short_name: '清风',
			lang: 'zh-CN',
			start_url: '/',
			scope: '/',
			display: 'standalone',
			theme_color: cssColour('qf-green'),
			background_color: cssColour('qf-bg')
		});
		expect(typeof manifest.description).toBe('string');
		expect((manifest.description as string).length).toBeGreaterThan(4);
		// The theme colour of the pages matches.
		expect(html).toContain(`<meta name="theme-color" content="${cssColour('qf-green')}"`);

		const want = [
			{ sizes: '192x192', purpose: 'any' },
			{ sizes: '512x512', purpose: 'any' },
			{ sizes: '512x512', purpose: 'maskable' }
		];
		for (const w of want) {
			const icon = manifest.icons.find(
				(i) => i.sizes === w.sizes && (i.purpose ?? 'any').split(' ').includes(w.purpose)
			);
			expect(icon, `${w.purpose} icon ${w.sizes}`).toBeDefined();
			expect(icon!.type).toBe('image/png');
			const r = await fetch(new URL(icon!.src, server.url + '/manifest.webmanifest'));
			expect(r.status, icon!.src).toBe(200);
			expect(r.headers.get('content-type')).toBe('image/png');
			const png = Buffer.from(await r.arrayBuffer());
			expect(png.subarray(0, 8).toString('hex'), `${icon!.src} is a PNG`).toBe('89504e470d0a1a0a');
			expect(png.toString('latin1', 12, 16)).toBe('IHDR');
			const [width, height] = w.sizes.split('x').map(Number);
			expect({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, icon!.src).toEqual({ width, height });
		}
	});

	it('is parsed by Chromium without errors, and the app is installable', async () => {
		// Installability needs a real profile: Playwright's ordinary contexts count as incognito.
		const profile = mkdtempSync(path.join(os.tmpdir(), 'qf-pwa-profile-'));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: chromiumPath(),
			args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync', '--disable-component-update'],
			viewport: { width: 360, height: 740 },
			isMobile: true,
			hasTouch: true,
			locale: 'zh-CN'
		});
		try {
			const page = await context.newPage();
			// Installable from a plain visit: the manifest and icons suffice, no service worker is registered (issue 16).
			await page.goto(server.url + '/', { waitUntil: 'networkidle' });
			const cdp = await context.newCDPSession(page);
			const app = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
			expect(app.url).toBe(server.url + '/manifest.webmanifest');
			expect(app.errors).toEqual([]);
			const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
				installabilityErrors: { errorId: string }[];
			};
			expect(installabilityErrors).toEqual([]);
			expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
		} finally {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		}
	});
});

describe('service worker', () => {
	let context: BrowserContext;
	let page: Page;

	beforeAll(async () => {
		({ context, page } = await newPhonePage(browser));
	});
	afterAll(async () => {
		await context?.close();
	});

	it('a plain visit to /, /report, /follow-up registers no worker and leaves no Cache Storage (issue 16)', async () => {
		for (const p of ['/', '/report', '/follow-up', '/guide']) {
			await page.goto(server.url + p, { waitUntil: 'networkidle' });
			// Give a (wrong) registration time to happen after hydration.
			await page.waitForTimeout(p === '/' ? 1500 : 300);
			expect(await traces(page), p).toEqual({ registrations: [], caches: [] });
		}
		expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
	});

	it('a tap on the opt-in before the guide has hydrated is not lost (the button waits, disabled)', async () => {
		// In the server's HTML (what a slow phone shows before its script has run) the button is disabled ...
		const html = await (await fetch(server.url + '/guide')).text();
		const button = /<button[^>]*data-testid="offline-optin"[^>]*>/.exec(html)?.[0];
		expect(button, 'the opt-in button in the server-rendered guide').toBeDefined();
		expect(button).toMatch(/\sdisabled(=|\s|>)/);
		// ... so a tap made while the scripts are still on their way lands only once the click does something.
		// Before, the enabled server-rendered button took the tap and did nothing: "kept for offline use" never
		// came (CI lost no-target-urls.e2e's opt-in this way under load).
		const { context: c, page: p } = await newPhonePage(browser);
		try {
			await p.route('**/_app/immutable/**', async (route) => {
				await new Promise((r) => setTimeout(r, 2000));
				await route.continue();
			});
			await p.goto(server.url + '/guide', { waitUntil: 'commit' });
			await p.getByTestId('offline-optin').click({ timeout: 30_000 });
			await p.getByTestId('offline-kept').waitFor({ timeout: 20_000 });
			expect((await traces(p)).registrations).toHaveLength(1);
		} finally {
			await c.close();
		}
	});

	it('registers when the reporter opts in on the guide, then on every later visit, and controls the pages', async () => {
		await optIn(page, server.url);
		await page.goto(server.url + '/', { waitUntil: 'networkidle' });
		await controlled(page);
		const reg = await page.evaluate(async () => {
			const r = await navigator.serviceWorker.getRegistration();
			return { scope: r?.scope, script: r?.active?.scriptURL };
		});
		expect(reg).toEqual({ scope: server.url + '/', script: server.url + '/sw.js' });
	});

	it('registers the same worker, for the whole origin, from an English page deep in the site', async () => {
		const { context: ctx, page: p } = await newPhonePage(browser, { locale: 'en' });
		try {
			await optIn(p, server.url, '/en/guide');
			const reg = await p.evaluate(async () => {
				const r = await navigator.serviceWorker.getRegistration();
				return { scope: r?.scope, script: r?.active?.scriptURL };
			});
			expect(reg).toEqual({ scope: server.url + '/', script: server.url + '/sw.js' });
		} finally {
			await ctx.close();
		}
	});

	it('caches only precache entries, never an API answer, after using the public pages online', async () => {
		// Visit every public page (the report and follow-up pages call the API as they load).
		for (const p of ['/guide', '/report', '/follow-up', '/where?q=x', '/en', '/en/guide']) {
			const res = await page.goto(server.url + p, { waitUntil: 'networkidle' });
			expect(res?.status(), p).toBe(200);
		}
		const precache = precacheUrls();
		const entries = await cacheEntries(page);
		expect(entries.length).toBe(precache.size);
		for (const { cache, url } of entries) {
			const u = new URL(url);
			expect(u.origin).toBe(server.url);
			expect(u.pathname, url).not.toMatch(/^\/(en\/)?(api|staff)(\/|$)/);
			expect(cache, url).toMatch(/^workbox-precache-v2-/);
			expect(precache.has(u.pathname), `${u.pathname} is a precache entry`).toBe(true);
		}
	});

	it('offline: /guide and /offline load from the cache, other pages show /offline, /staff is not served', async () => {
		await context.setOffline(true);
		try {
			for (const [p, lang] of [
				['/guide', 'zh-CN'],
				['/en/guide', 'en'],
				['/offline', 'zh-CN'],
				['/en/offline', 'en']
			] as const) {
				const res = await page.goto(server.url + p, { waitUntil: 'load' });
				expect(res?.status(), p).toBe(200);
				expect(res?.fromServiceWorker(), `${p} from the service worker`).toBe(true);
				expect(await page.getAttribute('html', 'lang')).toBe(lang);
			}
			await page.goto(server.url + '/guide', { waitUntil: 'load' });
			await expect.poll(() => page.locator('h1').innerText()).toBe('举报指南');
			await expect.poll(() => page.locator('#safety-title').count()).toBe(1);

			// Pages that are not cached: the offline page of the same language, which says reporting needs a connection.
			for (const [p, title, needs] of [
				['/', '您现在没有网络连接', /提交举报.*需要网络连接/],
				['/where', '您现在没有网络连接', /提交举报.*需要网络连接/],
				['/report', '您现在没有网络连接', /提交举报.*需要网络连接/],
				['/follow-up', '您现在没有网络连接', /凭回执查询都需要网络连接/],
				['/en/report', 'You are offline', /Sending a report .* need a connection/]
			] as const) {
				const res = await page.goto(server.url + p, { waitUntil: 'load' });
				expect(res?.status(), p).toBe(200);
				expect(res?.fromServiceWorker()).toBe(true);
				expect(page.url()).toBe(server.url + p);
				await expect.poll(() => page.locator('h1').innerText(), { message: p }).toBe(title);
				expect(await page.locator('main').innerText()).toMatch(needs);
			}
			// The offline page links to the guide, which then opens from the cache.
			await page.goto(server.url + '/report', { waitUntil: 'load' });
			await page.locator('main a[href$="guide"]').click();
			await page.waitForURL(server.url + '/guide');
			await expect.poll(() => page.locator('h1').innerText()).toBe('举报指南');

			// Client-side navigation from a cached page to one whose data comes from the server ends on the
			// offline page too (not on SvelteKit's error page).
			await page.goto(server.url + '/guide', { waitUntil: 'load' });
			await page.locator('a.brand').click();
			await expect
				.poll(() => page.locator('h1').innerText(), { message: 'brand link offline' })
				.toBe('您现在没有网络连接');
			expect(page.url()).toBe(server.url + '/');

			// Staff pages are never answered by the worker: offline they simply fail.
			await expect(page.goto(server.url + '/staff/login')).rejects.toThrow(/ERR_INTERNET_DISCONNECTED/);
		} finally {
			await context.setOffline(false);
		}
		await page.goto(server.url + '/guide', { waitUntil: 'networkidle' });
		const entries = await cacheEntries(page);
		expect(entries.filter((e) => /\/(api|staff)\//.test(new URL(e.url).pathname))).toEqual([]);
		expect(entries.length).toBe(precacheUrls().size);
	});
});

/**
 * A pass-through proxy in front of the server that can serve "the next deployment" of sw.js (the same
 * worker plus a comment), as a real redeploy would. The browser never sees the server's own origin.
 */
async function startProxy(target: string): Promise<{ url: string; nextVersion(): void; close(): Promise<void> }> {
	let bumped = false;
	const upstream = new URL(target);
	const proxy = http.createServer((req, res) => {
		const isWorker = req.url === '/sw.js' && bumped;
		const headers = { ...req.headers, host: upstream.host };
		if (isWorker) headers['accept-encoding'] = 'identity';
		const out = http.request(
			{ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
			(up) => {
				if (!isWorker) {
					res.writeHead(up.statusCode ?? 502, up.headers);
					up.pipe(res);
					return;
				}
				const parts: Buffer[] = [];
				up.on('data', (c: Buffer) => parts.push(c));
				up.on('end', () => {
					const body = Buffer.concat([...parts, Buffer.from('\n// next version\n')]);
					const h = { ...up.headers, 'content-length': String(body.length) };
					delete h.etag;
					delete h['last-modified'];
					res.writeHead(up.statusCode ?? 502, h);
					res.end(body);
				});
			}
		);
		out.on('error', () => res.destroy());
		req.pipe(out);
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	const { port } = proxy.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		nextVersion: () => {
			bumped = true;
		},
		close: () => new Promise<void>((resolve) => proxy.close(() => resolve()))
	};
}

describe('update prompt', () => {
	it('offers "新版本可用 — 刷新" when a new worker waits, and reloads into it', async () => {
		const proxy = await startProxy(server.url);
		const { context, page } = await newPhonePage(browser);
		try {
			await optIn(page, proxy.url);
			const registration = () =>
				page.evaluate(async () => {
					const r = await navigator.serviceWorker.getRegistration();
					return { active: r?.active?.scriptURL ?? null, waiting: !!r?.waiting, installing: !!r?.installing };
				});
			expect(await registration()).toEqual({ active: proxy.url + '/sw.js', waiting: false, installing: false });
			expect(await page.locator('.pwa-update').count()).toBe(0);

			// A new deployment; the page checks for it (as browsers do on navigation, at most daily).
			proxy.nextVersion();
			await page.evaluate(async () => {
				await (await navigator.serviceWorker.getRegistration())?.update();
			});
			const prompt = page.locator('.pwa-update');
			await expect.poll(() => prompt.count(), { timeout: 20_000, message: 'update prompt shown' }).toBe(1);
			expect(await prompt.innerText()).toContain('新版本可用');
			expect(await page.locator('[role="status"] .pwa-update').count()).toBe(1);
			// Nothing happens by itself: the new worker waits for the reporter.
			expect((await registration()).waiting).toBe(true);
			expect(await page.locator('h1').innerText()).toBe('举报指南');

			const reloaded = page.waitForEvent('load');
			await prompt.getByRole('button', { name: '刷新' }).click();
			await reloaded;
			await expect
				.poll(async () => (await registration()).waiting, { timeout: 20_000, message: 'the new worker took over' })
				.toBe(false);
			expect(await page.locator('.pwa-update').count()).toBe(0);
			expect(await page.locator('h1').innerText()).toBe('举报指南');
		} finally {
			await context.close();
			await proxy.close();
		}
	});
});

/**
 * A proxy serving the build as a deployment whose releases the root ceremony signs (issue 15): /release.json
 * names the root and lists the sw.js being served, /release.sig signs it (Ed25519 over the domain tag and
 * the manifest, as `npm run root -- sign-release`). `deploy` switches to another version (sw.js plus a
 * comment) whose manifest is signed by the secret key given: the root's, or someone else's.
 */
async function startSignedProxy(target: string, rootPublicKey: Uint8Array, signer: Uint8Array) {
	let state = { version: 1, signer };
	const upstream = new URL(target);
	const built = parseReleaseManifest(readFileSync(path.join(root, 'build', 'client', 'release.json')))!;
	const worker = async () => {
		const r = await fetch(`${upstream.origin}/sw.js`, { headers: { 'accept-encoding': 'identity' } });
		const body = Buffer.from(await r.arrayBuffer());
		return state.version === 1 ? body : Buffer.concat([body, Buffer.from(`\n// version ${state.version}\n`)]);
	};
	const release = async () => {
		const manifest = encodeReleaseManifest({
			...built,
			rootPublicKey: encodeBase64(rootPublicKey),
			rootFingerprint: rootFingerprint(rootPublicKey),
			assets: {
				...built.assets,
				'/sw.js': createHash('sha256')
					.update(await worker())
					.digest('hex')
			}
		});
		const message = Buffer.concat([Buffer.from('qingfeng/v1/release-manifest\n'), manifest]);
		return { manifest, signature: encodeBase64(nacl.sign.detached(message, state.signer)) };
	};
	const proxy = http.createServer((req, res) => {
		void (async () => {
			let body: Buffer;
			let status = 200;
			const headers: Record<string, string> = { 'cache-control': 'no-cache' };
			if (req.url === '/sw.js') {
				body = await worker();
				headers['content-type'] = 'text/javascript';
			} else if (req.url === '/release.json' || req.url === '/release.sig') {
				const { manifest, signature } = await release();
				body = req.url === '/release.json' ? Buffer.from(manifest) : Buffer.from(`${signature}\n`);
				headers['content-type'] = req.url === '/release.json' ? 'application/json' : 'text/plain';
			} else {
				const r = await fetch(`${upstream.origin}${req.url}`, {
					headers: { 'accept-encoding': 'identity', accept: req.headers.accept ?? '*/*' },
					redirect: 'manual'
				});
				status = r.status;
				body = Buffer.from(await r.arrayBuffer());
				for (const [k, v] of r.headers)
					if (!/^(content-(length|encoding)|transfer-encoding|connection|keep-alive|etag|last-modified)$/.test(k))
						headers[k] = v;
			}
			res.writeHead(status, { ...headers, 'content-length': String(body.length) });
			res.end(body);
		})().catch(() => res.destroy());
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
		deploy: (version: number, by: Uint8Array) => {
			state = { version, signer: by };
		},
		close: () => new Promise<void>((resolve) => proxy.close(() => resolve()))
	};
}

describe('signed updates (issue 15)', () => {
	it('refuses an update whose manifest is not signed by the pinned root, keeps the old version and says so', async () => {
		const rootKey = generateRootKey();
		const someoneElse = generateRootKey();
		const proxy = await startSignedProxy(server.url, rootKey.publicKey, rootKey.secretKey);
		const { context, page } = await newPhonePage(browser);
		try {
			const registration = () =>
				page.evaluate(async () => {
					const r = await navigator.serviceWorker.getRegistration();
					return { active: r?.active?.scriptURL ?? null, waiting: !!r?.waiting, installing: !!r?.installing };
				});
			const update = () =>
				page.evaluate(async () => {
					await (await navigator.serviceWorker.getRegistration())?.update().catch(() => {});
				});
			await optIn(page, proxy.url);
			// The first install kept the root its signed release names.
			const trusted = await page.evaluate(async () =>
				(await caches.match('/__qingfeng-trust/root', { cacheName: 'qingfeng-trust' }))?.text()
			);
			expect(trusted).toBe(encodeBase64(rootKey.publicKey));

			// Version 2, its manifest signed by someone else: the new worker never installs.
			proxy.deploy(2, someoneElse.secretKey);
			await update();
			const refused = page.getByTestId('update-refused');
			await refused.waitFor({ timeout: 20_000 });
			expect(await refused.innerText()).toContain('本站的一次更新没有通过核对');
			expect(await refused.innerText()).toContain('12388');
			expect(await page.locator('.pwa-update', { hasText: '新版本可用' }).count()).toBe(0);
			await expect
				.poll(registration, { timeout: 20_000, message: 'the refused worker is gone' })
				.toEqual({ active: proxy.url + '/sw.js', waiting: false, installing: false });
			// Still said on the next visit; the old version still serves the offline pages.
			await page.reload({ waitUntil: 'networkidle' });
			await page.getByTestId('update-refused').waitFor({ timeout: 20_000 });
			expect((await registration()).active).toBe(proxy.url + '/sw.js');

			// Version 3, signed in the ceremony: offered as usual.
			proxy.deploy(3, rootKey.secretKey);
			await update();
			const prompt = page.locator('.pwa-update', { hasText: '新版本可用' });
			await expect.poll(() => prompt.count(), { timeout: 20_000, message: 'update prompt shown' }).toBe(1);
			expect((await registration()).waiting).toBe(true);
			expect(await page.getByTestId('update-refused').count()).toBe(0);
		} finally {
			await context.close();
			await proxy.close();
		}
	});
});
