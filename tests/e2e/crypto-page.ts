/**
 * Puts the client crypto worker into a page of the running app without adding a route to the app:
 * esbuild bundles src/lib/client/crypto.worker.ts (the worker) and a small entry exposing
 * crypto-client.ts and the core's error classes (the page side); Playwright serves both at same-origin
 * URLs under /__crypto_e2e__/ with page.route, so the app's CSP (script-src and worker-src 'self')
 * applies to them exactly as it does to the app's own bundles.
 *
 * Shared by tests/e2e/crypto-worker.e2e.ts and tests/bench/crypto-browser.ts.
 */
import path from 'node:path';
import { build } from 'esbuild';
import type { Page, Response } from 'playwright-core';
import { root } from './harness';

export const WORKER_PATH = '/__crypto_e2e__/crypto.worker.js';
export const CLIENT_PATH = '/__crypto_e2e__/crypto-client.js';

/** What the page entry puts on globalThis.__qfCrypto. */
export const PAGE_ENTRY = `
import { CryptoWorkerClient, CryptoWorkerError } from './src/lib/client/crypto-client.ts';
import { CryptoError, CryptoAuthError, CryptoFormatError } from './src/lib/crypto/errors.ts';
import { deriveKey } from './src/lib/crypto/kdf.ts';
import { encryptAttachment } from './src/lib/crypto/attachment.ts';
globalThis.__qfCrypto = { CryptoWorkerClient, CryptoWorkerError, CryptoError, CryptoAuthError, CryptoFormatError, deriveKey, encryptAttachment };
`;

export interface Bundles {
	worker: string;
	client: string;
}

async function bundle(options: {
	entryPoints?: string[];
	stdin?: { contents: string; resolveDir: string; loader: 'ts' };
}): Promise<string> {
	const result = await build({
		...options,
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		write: false,
		logLevel: 'silent'
	});
	const file = result.outputFiles[0];
	if (!file) throw new Error('esbuild produced no output');
	return file.text;
}

/** Bundles the worker (the unchanged source file) and the page entry. */
export async function bundleCryptoWorker(): Promise<Bundles> {
	const [worker, client] = await Promise.all([
		bundle({ entryPoints: [path.join(root, 'src/lib/client/crypto.worker.ts')] }),
		bundle({ stdin: { contents: PAGE_ENTRY, resolveDir: root, loader: 'ts' } })
	]);
	return { worker, client };
}

/**
 * Serves the bundles on the app's origin, opens `pathname` of the app and loads the page entry as a
 * same-origin module script. Returns the app's response (for its CSP).
 */
export async function openCryptoPage(page: Page, appUrl: string, bundles: Bundles, pathname = '/'): Promise<Response> {
	const origin = new URL(appUrl).origin;
	await page.route(`${origin}/__crypto_e2e__/**`, (route) => {
		const { pathname: p } = new URL(route.request().url());
		const body = p === WORKER_PATH ? bundles.worker : p === CLIENT_PATH ? bundles.client : null;
		if (body === null) return route.fulfill({ status: 404, body: 'not found' });
		return route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body });
	});
	const response = await page.goto(new URL(pathname, origin).toString(), { waitUntil: 'load' });
	if (!response) throw new Error(`no response for ${pathname}`);
	// A module <script src> from the app's origin (Playwright's addScriptTag also injects an inline style,
	// which the CSP rightly refuses). Built by hand rather than import(): vitest rewrites import() calls.
	await page.evaluate(
		(src) =>
			new Promise<void>((resolve, reject) => {
				const script = document.createElement('script');
				script.type = 'module';
				script.src = src;
				script.onload = () => resolve();
				script.onerror = () => reject(new Error(`could not load ${src}`));
				document.head.append(script);
			}),
		CLIENT_PATH
	);
	await page.waitForFunction(() => '__qfCrypto' in globalThis, undefined, { timeout: 30_000 });
	return response;
}
