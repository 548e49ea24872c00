import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';
import { buildDefines } from './src/lib/shared/build-kind';
import { buildSuite } from './scripts/release-manifest.js';
import { GM_RELEASE_VERIFIER_FILE, gmReleaseVerifierPlugin } from './scripts/sw-release-gm';

/*
 * PWA (issue 5): an installable public shell that works offline for reading, and nothing more.
 *
 * generateSW rather than injectManifest: the worker needs no code of ours beyond what Workbox generates
 * (precache + one network-only navigation route with an offline fallback), so there is no hand-written
 * worker to keep correct. What it may hold is decided here, at build time, by `publicShell()`:
 * - the client chunks and CSS reachable from the public route nodes (the Vite client manifest, followed
 *   from the nodes of routes under `(public)` and the root layout/error), never a chunk only staff pages
 *   reach, never a worker (the crypto workers load on demand, online);
 * - the HTML of /guide and /offline (and /en/…), fetched from the server when the worker installs:
 *   they are ordinary dynamic pages, so they keep their CSP and security headers (a prerendered page
 *   would be served by adapter-node's static handler without them), and the cached copy carries them;
 * - the icons, the favicon and the web manifest.
 * Nothing is cached at run time: navigations go to the network and, when that fails, get the cached
 * offline page of their language; /staff and /api requests are never touched by the worker.
 * One hand-written script rides along: static/sw-release.js, the release check every new worker runs
 * when it installs (signed manifest, pinned root; it refuses to install an update that fails it). A GM build
 * (QF_CRYPTO_SUITE=gm, issue 21) adds a second, bundled one: /sw-release-gm.js, the SM2 verifier
 * (scripts/sw-release-gm.ts); a NaCl build neither emits nor imports it.
 */

/** The build's cipher suite (QF_CRYPTO_SUITE): a GM build's worker carries the SM2 release verifier. */
const gmBuild = buildSuite(process.env) === 'gm';

const root = path.dirname(new URL(import.meta.url).pathname);
const svelteKitOut = path.join(root, '.svelte-kit', 'output');

/** Colours of the manifest come from the stylesheet, so they cannot drift apart. */
function cssColour(name: string): string {
	const css = readFileSync(path.join(root, 'src', 'app.css'), 'utf8');
	const m = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{3,8})`).exec(css);
	if (!m?.[1]) throw new Error(`src/app.css has no --${name} colour`);
	return m[1];
}
/** App name and description from the zh-CN messages (the base locale, which the manifest declares). */
const zh = JSON.parse(readFileSync(path.join(root, 'messages', 'zh-CN.json'), 'utf8')) as Record<string, string>;

/** Pages cached as HTML when the worker installs: readable offline. */
export const OFFLINE_PAGES = ['/guide', '/offline', '/en/guide', '/en/offline'];
/** Files of static/ the shell needs. */
const STATIC_SHELL = /^(icons\/[\w-]+\.png|favicon\.svg)$/;

interface ViteChunk {
	file: string;
	isEntry?: boolean;
	imports?: string[];
	dynamicImports?: string[];
	css?: string[];
	assets?: string[];
}
interface KitRoute {
	id: string;
	page: { layouts: (number | undefined)[]; errors: (number | undefined)[]; leaf: number } | null;
}

const NODE_PREFIX = '.svelte-kit/generated/client-optimized/nodes/';

/** The build files (relative to the client output) reachable from the public pages. */
export async function publicClientFiles(outDir = svelteKitOut): Promise<Set<string>> {
	const vite = JSON.parse(readFileSync(path.join(outDir, 'client', '.vite', 'manifest.json'), 'utf8')) as Record<
		string,
		ViteChunk
	>;
	const serverManifest = pathToFileURL(path.join(outDir, 'server', 'manifest-full.js')).href;
	const { manifest } = (await import(/* @vite-ignore */ `${serverManifest}?t=${Date.now()}`)) as {
		manifest: { _: { routes: KitRoute[] } };
	};
	const nodes = new Set<number>([0, 1]); // root layout and root error page
	for (const route of manifest._.routes) {
		if (!route.page || !(route.id === '/(public)' || route.id.startsWith('/(public)/'))) continue;
		for (const n of [...route.page.layouts, ...route.page.errors, route.page.leaf])
			if (typeof n === 'number') nodes.add(n);
	}
	const files = new Set<string>();
	const seen = new Set<string>();
	/** Entries: static imports only (their dynamic imports are every route node, staff ones included). */
	const walk = (key: string, dynamic: boolean) => {
		if (seen.has(`${dynamic}:${key}`)) return;
		const chunk = vite[key];
		if (!chunk) throw new Error(`Vite manifest has no ${key}`);
		seen.add(`${dynamic}:${key}`);
		files.add(chunk.file);
		for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(f);
		for (const k of chunk.imports ?? []) walk(k, dynamic);
		if (dynamic) for (const k of chunk.dynamicImports ?? []) walk(k, dynamic);
	};
	// Every route node is an entry of the client build too; the start entries are the other two.
	for (const [key, chunk] of Object.entries(vite)) if (chunk.isEntry && !key.includes(NODE_PREFIX)) walk(key, false);
	// A node without client code (only a server load, e.g. a redirect) has no entry of its own.
	for (const n of nodes) if (vite[`${NODE_PREFIX}${n}.js`]) walk(`${NODE_PREFIX}${n}.js`, true);
	return files;
}

type Entry = { url: string; revision: string | null; size: number };

/** Workbox manifest transform: keep only the public shell, add the offline pages. */
async function publicShell(entries: Entry[]): Promise<{ manifest: Entry[]; warnings: string[] }> {
	const reachable = await publicClientFiles();
	const kept: Entry[] = [];
	for (const e of entries) {
		if (!e.url.startsWith('client/')) continue; // prerendered/… : nothing is prerendered
		const url = e.url.slice('client/'.length);
		if (reachable.has(url) || STATIC_SHELL.test(url)) kept.push({ ...e, url });
	}
	// The pages change whenever client code or messages do, and those change the (content-hashed) names of
	// the built files. Hashed from those names only: the Vite manifest's keys hold paths relative to the
	// checkout (a virtual module's key depends on the folder's depth), and builds must not depend on the folder.
	const vite = JSON.parse(readFileSync(path.join(svelteKitOut, 'client', '.vite', 'manifest.json'), 'utf8')) as Record<
		string,
		ViteChunk
	>;
	const built = [
		...new Set(Object.values(vite).flatMap((c) => [c.file, ...(c.css ?? []), ...(c.assets ?? [])]))
	].sort();
	const revision = createHash('sha256').update(built.join('\n')).digest('hex').slice(0, 16);
	for (const url of OFFLINE_PAGES) kept.push({ url, revision, size: 0 });
	return { manifest: kept, warnings: [] };
}

export default defineConfig({
	// The test-build switch (issue 16): false unless QF_TEST_BUILD=1 (npm run build:test).
	define: buildDefines(process.env),
	// The crypto worker loads the deployment's suite with a dynamic import (the GM code only where chosen):
	// module workers (created with { type: 'module' }) in ES format, so the worker can be code-split.
	worker: { format: 'es' },
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// Locale comes from the URL only: no cookie, no storage (reporters must carry nothing away).
			strategy: ['url', 'baseLocale']
		}),
		sveltekit(),
		gmReleaseVerifierPlugin(gmBuild),
		SvelteKitPWA({
			strategies: 'generateSW',
			registerType: 'prompt',
			injectRegister: false, // src/lib/components/pwa/UpdatePrompt.svelte imports virtual:pwa-register
			filename: 'sw.js',
			// Absolute: SvelteKit's relative asset paths would make pages under /en/ register /en/sw.js.
			base: '/',
			scope: '/',
			manifestFilename: 'manifest.webmanifest',
			includeManifestIcons: false, // the transform keeps the icons from the build output
			manifest: {
				id: '/',
				name: zh.app_name,
				short_name: zh.app_name,
				description: zh.app_tagline,
				lang: 'zh-CN',
				dir: 'ltr',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				orientation: 'portrait',
				theme_color: cssColour('qf-green'),
				background_color: cssColour('qf-bg'),
				categories: ['government', 'utilities'],
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
					{ src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
				]
			},
			workbox: {
				navigateFallback: null, // not an SPA: pages come from the network, /offline only on failure
				cleanupOutdatedCaches: true,
				clientsClaim: true,
				skipWaiting: false, // registerType 'prompt': the reporter decides when to reload
				sourcemap: false,
				// static/sw-release.js: every new worker checks its release's signed manifest against the root
				// trusted at the first install before it may activate (issue 15, docs/security.md); under GM the
				// SM2 verifier it calls (Web Crypto has no SM2).
				importScripts: gmBuild ? ['/sw-release.js', `/${GM_RELEASE_VERIFIER_FILE}`] : ['/sw-release.js'],
				manifestTransforms: [publicShell],
				runtimeCaching: [
					// Serialised into sw.js: these functions must not use anything from this file.
					{
						urlPattern: ({ request, url }) =>
							request.mode === 'navigate' &&
							(url.pathname === '/en' || url.pathname.startsWith('/en/')) &&
							!/^\/en\/(staff|api)(\/|$)/.test(url.pathname),
						handler: 'NetworkOnly',
						options: { precacheFallback: { fallbackURL: '/en/offline' } }
					},
					{
						urlPattern: ({ request, url }) =>
							request.mode === 'navigate' &&
							!(url.pathname === '/en' || url.pathname.startsWith('/en/')) &&
							!/^\/(staff|api)(\/|$)/.test(url.pathname),
						handler: 'NetworkOnly',
						options: { precacheFallback: { fallbackURL: '/offline' } }
					}
				]
			},
			devOptions: { enabled: false }
		})
	],
	test: {
		include: ['src/**/*.{test,spec}.ts', 'tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 60_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// Template databases migrated once per run; isolatedDatabase() copies them (tests/support/db.ts).
		globalSetup: ['tests/support/db-template.ts'],
		// vitest's default is one fork fewer than the cores: a single fork on the two-core CI machines, where
		// many unit files wait on the database server or on timers rather than on the CPU.
		maxWorkers: Math.max(2, availableParallelism() - 1)
	}
});
