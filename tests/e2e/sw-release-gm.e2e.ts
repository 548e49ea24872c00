/**
 * 国密 (issue 21): the installed app's update check under an SM2 root, in Chromium's own service worker. No
 * build of the app is needed (a GM build of it would take minutes): a small server serves what a GM build's
 * worker loads, the real files: static/sw-release.js, /sw-release-gm.js as the build emits it
 * (scripts/sw-release-gm.ts), a worker that imports both as vite.config.ts makes sw.js do, and /release.json
 * with /release.sig signed as `npm run root -- sign-release --suite gm` signs (signRelease, gmCeremony).
 * The first install keeps the SM2 root; an update signed by another SM2 key never installs; one signed by the
 * root does; a worker without the SM2 verifier (a NaCl build's) refuses a GM release.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { encodeBase64 } from '@oslojs/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gmCeremony, GM_ENTRIES } from '../../src/lib/crypto/gm/directory';
import { encodeReleaseManifest, RELEASE_FORMAT, signRelease } from '../../src/lib/shared/build-root';
import { releaseMessage } from '../../src/lib/shared/release-signature';
import { buildGmReleaseVerifier, GM_RELEASE_VERIFIER_FILE } from '../../scripts/sw-release-gm';
import { launchBrowser, root, type Browser, type Page } from './harness';

const releaseScript = readFileSync(path.join(root, 'static', 'sw-release.js'));
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const PAGE = '<!doctype html><meta charset="utf-8"><title>sw</title><p>GM worker</p>';

const rootSeed = gmCeremony.newSeed();
const rootKey = gmCeremony.rootFromSeed(rootSeed).publicKey;
const otherSeed = gmCeremony.newSeed();

/** A deployment: the worker's version, whether it imports the SM2 verifier, and who signs its manifest. */
let state = { version: 1, gm: true, signer: rootSeed };
let verifier = '';

function worker(): string {
	const imports = state.gm ? `'/sw-release.js', '/${GM_RELEASE_VERIFIER_FILE}'` : `'/sw-release.js'`;
	return `importScripts(${imports});\n// version ${state.version}\n`;
}

function release(): { manifest: Uint8Array; signature: string } {
	const manifest = encodeReleaseManifest({
		format: RELEASE_FORMAT,
		version: `0.1.0-00000000000${state.version}`,
		rootFingerprint: gmCeremony.rootFingerprint(rootKey),
		rootPublicKey: encodeBase64(rootKey),
		suite: 'gm',
		assets: {
			'/sw.js': sha(worker()),
			'/sw-release.js': sha(releaseScript),
			[`/${GM_RELEASE_VERIFIER_FILE}`]: sha(verifier)
		}
	});
	if (state.signer === rootSeed) {
		const s = signRelease(manifest, rootSeed, gmCeremony);
		if (!s.ok) throw new Error(s.message);
		return { manifest, signature: s.signature };
	}
	// A forgery: the same bytes signed with SM2 by another key (the ceremony signs for the manifest's root only).
	return { manifest, signature: encodeBase64(GM_ENTRIES.sign(releaseMessage(manifest, 'gm'), state.signer)) };
}

let server: http.Server;
let url = '';
let browser: Browser;

beforeAll(async () => {
	verifier = await buildGmReleaseVerifier();
	server = http.createServer((req, res) => {
		const js = { 'content-type': 'text/javascript', 'cache-control': 'no-cache' };
		const send = (status: number, headers: Record<string, string>, body: string | Uint8Array) => {
			res.writeHead(status, headers);
			res.end(body);
		};
		if (req.url === '/') send(200, { 'content-type': 'text/html; charset=utf-8' }, PAGE);
		else if (req.url === '/sw.js') send(200, js, worker());
		else if (req.url === '/sw-release.js') send(200, js, releaseScript);
		else if (req.url === `/${GM_RELEASE_VERIFIER_FILE}`) send(200, js, verifier);
		else if (req.url === '/release.json') send(200, { 'content-type': 'application/json' }, release().manifest);
		else if (req.url === '/release.sig') send(200, { 'content-type': 'text/plain' }, `${release().signature}\n`);
		else send(404, { 'content-type': 'text/plain' }, 'not found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
	await browser?.close();
	await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** Registers /sw.js (first time) or asks for an update, and waits for the new worker's fate. */
function install(page: Page, first: boolean): Promise<string> {
	return page.evaluate(async (first) => {
		const settle = (w: ServiceWorker) =>
			new Promise<string>((resolve) => {
				const done = () => {
					if (w.state !== 'installing') resolve(w.state === 'redundant' ? 'refused' : 'installed');
				};
				w.addEventListener('statechange', done);
				done();
			});
		if (first) {
			const r = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
			return settle((r.installing ?? r.waiting ?? r.active)!);
		}
		const r = (await navigator.serviceWorker.getRegistration())!;
		const found = new Promise<ServiceWorker>((resolve) =>
			r.addEventListener('updatefound', () => resolve(r.installing!), { once: true })
		);
		await r.update();
		return settle(await found);
	}, first);
}

const trustCache = (page: Page, key: string) =>
	page.evaluate(async (key) => (await caches.match(key, { cacheName: 'qingfeng-trust' }))?.text() ?? null, key);

describe('the installed app under an SM2 root (issue 21)', () => {
	it('keeps the SM2 root, refuses an update signed by another key, installs one signed by the root', async () => {
		state = { version: 1, gm: true, signer: rootSeed };
		const context = await browser.newContext();
		const page = await context.newPage();
		try {
			await page.goto(url);
			expect(await install(page, true)).toBe('installed');
			expect(await trustCache(page, '/__qingfeng-trust/root')).toBe(encodeBase64(rootKey));

			state = { version: 2, gm: true, signer: otherSeed };
			expect(await install(page, false)).toBe('refused');
			expect(await trustCache(page, '/__qingfeng-trust/refused')).toBe('bad_signature');

			state = { version: 3, gm: true, signer: rootSeed };
			expect(await install(page, false)).toBe('installed');
			expect(await trustCache(page, '/__qingfeng-trust/refused')).toBeNull();
		} finally {
			await context.close();
		}
	});

	it('a worker without the SM2 verifier (a NaCl build) refuses a GM release', async () => {
		state = { version: 4, gm: false, signer: rootSeed };
		const context = await browser.newContext();
		const page = await context.newPage();
		try {
			await page.goto(url);
			expect(await install(page, true)).toBe('refused');
			expect(await trustCache(page, '/__qingfeng-trust/refused')).toBe('no_verifier');
		} finally {
			await context.close();
		}
	});
});
