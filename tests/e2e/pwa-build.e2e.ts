/**
 * The service worker of the production build (build/client/sw.js) holds only the public shell.
 *
 * Read straight from the build output, independently of vite.config.ts: the precache list in sw.js is
 * compared with the chunks each route node reaches in the Vite client manifest
 * (.svelte-kit/output/client/.vite/manifest.json, routes from .svelte-kit/output/server/manifest-full.js).
 * Needs `vite build` first (scripts/test.js builds before the end-to-end step).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from './harness';

const clientDir = path.join(root, 'build', 'client');
const kitOut = path.join(root, '.svelte-kit', 'output');
const NODE = '.svelte-kit/generated/client-optimized/nodes/';

interface Chunk {
	file: string;
	isEntry?: boolean;
	imports?: string[];
	dynamicImports?: string[];
	css?: string[];
	assets?: string[];
}
interface Route {
	id: string;
	page: { layouts: (number | undefined)[]; errors: (number | undefined)[]; leaf: number } | null;
}

let sw: string;
let precache: { url: string; revision: string | null }[];
let vite: Record<string, Chunk>;
let routes: Route[];

/**
 * Files reached from the given nodes (static and dynamic imports, CSS, assets), plus, with `entries`,
 * the start entries and their static imports (their dynamic imports are every node, staff ones included).
 */
function reach(nodes: Iterable<number>, entries = false): Set<string> {
	const files = new Set<string>();
	const seen = new Set<string>();
	const walk = (key: string, dynamic = true) => {
		if (seen.has(`${dynamic}:${key}`)) return;
		seen.add(`${dynamic}:${key}`);
		const c = vite[key];
		if (!c) throw new Error(`no ${key} in the Vite manifest`);
		files.add(c.file);
		for (const f of [...(c.css ?? []), ...(c.assets ?? [])]) files.add(f);
		for (const k of c.imports ?? []) walk(k, dynamic);
		if (dynamic) for (const k of c.dynamicImports ?? []) walk(k, dynamic);
	};
	if (entries) for (const [key, c] of Object.entries(vite)) if (c.isEntry && !key.startsWith(NODE)) walk(key, false);
	// A node without client code (a page with only a server load that redirects) has no entry.
	for (const n of nodes) if (vite[`${NODE}${n}.js`]) walk(`${NODE}${n}.js`);
	return files;
}

function nodesOf(filter: (id: string) => boolean): Set<number> {
	const out = new Set<number>();
	for (const r of routes) {
		if (!r.page || !filter(r.id)) continue;
		for (const n of [...r.page.layouts, ...r.page.errors, r.page.leaf]) if (typeof n === 'number') out.add(n);
	}
	return out;
}

const isPublic = (id: string) => id === '/(public)' || id.startsWith('/(public)/');
const isStaff = (id: string) => id === '/staff' || id.startsWith('/staff/');

beforeAll(async () => {
	const swPath = path.join(clientDir, 'sw.js');
	if (!existsSync(swPath)) throw new Error(`${swPath} is missing: run \`npm run build\` first.`);
	sw = readFileSync(swPath, 'utf8');
	const m = /precacheAndRoute\((\[[\s\S]*?\])\s*,/.exec(sw);
	if (!m?.[1]) throw new Error('sw.js has no precacheAndRoute([...]) call');
	// The list is a JSON-compatible literal except for unquoted keys.
	precache = JSON.parse(m[1].replace(/([{,])\s*(url|revision)\s*:/g, '$1"$2":')) as typeof precache;
	vite = JSON.parse(readFileSync(path.join(kitOut, 'client', '.vite', 'manifest.json'), 'utf8'));
	const mod = (await import(pathToFileURL(path.join(kitOut, 'server', 'manifest-full.js')).href)) as {
		manifest: { _: { routes: Route[] } };
	};
	routes = mod.manifest._.routes;
});

describe('service worker precache (build/client/sw.js)', () => {
	it('lists no API, staff or worker URL and nothing outside the build', () => {
		expect(precache.length).toBeGreaterThan(10);
		for (const { url } of precache) {
			expect(url, url).not.toMatch(/(^|\/)api\//);
			expect(url, url).not.toMatch(/(^|\/)staff(\/|$)/);
			expect(url, url).not.toMatch(/\.worker/);
			if (!url.startsWith('/'))
				expect(existsSync(path.join(clientDir, url)), `${url} exists in build/client`).toBe(true);
		}
	});

	it('contains no chunk that only staff pages reach, and every chunk it holds is reachable from a public page', () => {
		const publicNodes = nodesOf(isPublic);
		const staffNodes = nodesOf(isStaff);
		// The public routes of issue 5 are all there.
		for (const id of [
			'/(public)',
			'/(public)/guide',
			'/(public)/offline',
			'/(public)/report',
			'/(public)/follow-up',
			'/(public)/where'
		]) {
			expect(
				routes.some((r) => r.id === id && r.page),
				`route ${id}`
			).toBe(true);
		}
		const publicFiles = reach([0, 1, ...publicNodes], true);
		const staffOnly = [...reach(staffNodes)].filter((f) => !publicFiles.has(f));
		expect(
			staffOnly.length,
			'the staff pages have chunks of their own (else this test proves nothing)'
		).toBeGreaterThan(0);
		const urls = new Set(precache.map((e) => e.url));
		expect(staffOnly.filter((f) => urls.has(f))).toEqual([]);
		const appFiles = precache.map((e) => e.url).filter((u) => u.startsWith('_app/'));
		expect(appFiles.filter((u) => !publicFiles.has(u))).toEqual([]);
		// And the shell is complete: every public route node's JS and CSS is precached.
		const missing = [...reach(publicNodes)].filter((f) => !urls.has(f));
		expect(missing).toEqual([]);
		// No worker script of the build is precached (they load on demand, online).
		const workersDir = path.join(clientDir, '_app', 'immutable', 'workers');
		const workers = existsSync(workersDir) ? readdirSync(workersDir).filter((f) => f.endsWith('.js')) : [];
		for (const w of workers) expect(urls.has(`_app/immutable/workers/${w}`), w).toBe(false);
	});

	it('precaches /guide and /offline in both languages, the manifest and the icons', () => {
		const urls = precache.map((e) => e.url);
		for (const page of ['/guide', '/offline', '/en/guide', '/en/offline']) {
			const entry = precache.find((e) => e.url === page);
			expect(entry, page).toBeDefined();
			expect(entry!.revision, `${page} has a revision (re-fetched when the build changes)`).toMatch(/^[0-9a-f]{8,}$/);
		}
		expect(urls).toContain('manifest.webmanifest');
		for (const icon of ['icons/icon-192.png', 'icons/icon-512.png', 'icons/maskable-512.png'])
			expect(urls).toContain(icon);
		// Dynamic pages are not cached: the home page (live figures), the report and follow-up pages.
		for (const page of ['/', '/en', '/report', '/follow-up', '/where']) expect(urls).not.toContain(page);
	});

	it('has no runtime caching: only network-only navigation routes with the offline fallback, never for /staff or /api', () => {
		for (const strategy of [
			'CacheFirst',
			'NetworkFirst',
			'StaleWhileRevalidate',
			'CacheOnly',
			'ExpirationPlugin',
			'CacheableResponsePlugin'
		]) {
			expect(sw, `sw.js uses ${strategy}`).not.toContain(strategy);
		}
		// No SPA fallback that would answer every navigation from the cache.
		expect(sw).not.toContain('NavigationRoute');
		expect(sw).not.toContain('createHandlerBoundToURL');
		const routesSrc = [...sw.matchAll(/registerRoute\(([\s\S]*?),"GET"\)/g)].map((m) => m[1]!);
		expect(routesSrc).toHaveLength(2);
		for (const r of routesSrc) {
			expect(r).toMatch(/"navigate"===\w+\.mode/);
			expect(r).toContain('NetworkOnly');
			expect(r).toMatch(/PrecacheFallbackPlugin\(\{fallbackURL:"\/(en\/)?offline"\}\)/);
			expect(r, 'route excludes /staff and /api').toMatch(/\(staff\|api\)/);
		}
		// The workbox runtime the worker loads has no caching strategy either (NetworkOnly only).
		const runtimeName = /define\(\["\.\/(workbox-[0-9a-f]+)"\]/.exec(sw)?.[1];
		expect(runtimeName).toBeTruthy();
		const runtime = readFileSync(path.join(clientDir, `${runtimeName}.js`), 'utf8');
		expect(runtime).toContain('t.NetworkOnly=');
		expect(runtime).not.toMatch(/t\.(CacheFirst|NetworkFirst|StaleWhileRevalidate|CacheOnly)=/);
	});

	it('evaluates the route matchers: navigations to public pages fall back, /staff and /api are left alone', () => {
		const matchers = [
			...sw.matchAll(
				/registerRoute\((\(\{request:\w+,url:\w+\}\)=>[\s\S]*?),new \w+\.NetworkOnly\(\{plugins:\[new \w+\.PrecacheFallbackPlugin\(\{fallbackURL:"([^"]+)"\}\)\]\}\),"GET"\)/g
			)
		].map((m) => ({
			match: new Function(`return ${m[1]}`)() as (o: { request: { mode: string }; url: URL }) => boolean,
			fallback: m[2]!
		}));
		expect(matchers).toHaveLength(2);
		const fallbackFor = (pathname: string, mode = 'navigate') => {
			const url = new URL(pathname, 'https://example.test');
			return matchers.find((m) => m.match({ request: { mode }, url }))?.fallback ?? null;
		};
		expect(fallbackFor('/')).toBe('/offline');
		expect(fallbackFor('/report')).toBe('/offline');
		expect(fallbackFor('/follow-up')).toBe('/offline');
		expect(fallbackFor('/en')).toBe('/en/offline');
		expect(fallbackFor('/en/report')).toBe('/en/offline');
		for (const p of ['/staff', '/staff/login', '/en/staff/login', '/api/v1/stats/public', '/en/api/v1/pow'])
			expect(fallbackFor(p), p).toBeNull();
		expect(fallbackFor('/api/v1/pow', 'cors')).toBeNull();
		expect(fallbackFor('/report', 'cors')).toBeNull();
	});
});
