import { createHash } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { buildVersion, releaseAdapter } from './scripts/release-manifest.js';

/**
 * SvelteKit's route announcer (the live region it adds after hydration, .svelte-kit/generated/root.svelte)
 * carries this style attribute. Without an allowance every page logs a CSP violation (and the announcer
 * loses its visually-hidden style). `style-src-attr` allows exactly this attribute value, nothing else:
 * our own markup never uses style attributes (tests/e2e/public.e2e.ts fails on any CSP violation).
 */
const ANNOUNCER_STYLE =
	'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';
const announcerHash = /** @type {`sha256-${string}`} */ (
	`sha256-${createHash('sha256').update(ANNOUNCER_STYLE).digest('base64')}`
);

/**
 * build/index.js is Qingfeng's server entry (scripts/server-entry.js, issue 20): adapter-node's, with the
 * reporter's submission (POST /api/v1/pow, /api/v1/reports) answered by a lean handler ahead of SvelteKit.
 * @param {import('@sveltejs/kit').Adapter} a
 * @returns {import('@sveltejs/kit').Adapter}
 */
const withServerEntry = (a) => ({
	...a,
	async adapt(builder) {
		await a.adapt(builder);
		copyFileSync(new URL('./scripts/server-entry.js', import.meta.url), 'build/index.js');
		rmSync('build/index.js.map', { force: true });
	}
});

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// Reproducible (issue 15): the version is a hash of the sources, not the build time, and the build
		// writes the release manifest (build/release.json) the root ceremony signs.
		adapter: releaseAdapter(withServerEntry(adapter({ precompress: true })), { version: buildVersion() }),
		// Test doubles and fixtures live outside the app (tests/support); tests beside the code import them
		// as $support/…, and a lint rule keeps every file that is not a test from doing so.
		alias: { $support: 'tests/support' },
		version: { name: buildVersion() },
		// SvelteKit's own origin check runs before any hook and compares with adapter-node's guess of the
		// URL (https when neither ORIGIN nor PROTOCOL_HEADER is set), refusing every form post of a plain
		// `npm start`. The same rule, against the URL the browser really used, runs first in the hooks
		// instead (src/lib/server/origin.ts); '*' is how SvelteKit 2 turns its check off.
		csrf: { trustedOrigins: ['*'] },
		// Strict CSP: SvelteKit adds hashes for its own inline bootstrap script.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				// hash-wasm compiles its embedded Argon2id module: needs wasm-unsafe-eval, nothing more.
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self'],
				'style-src-attr': ['unsafe-hashes', announcerHash],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'form-action': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
