/**
 * The GM build's SM2 verifier for the service worker (国密, issue 21): bundles src/lib/shared/sw-release-gm.ts
 * (the app's own SM2 verify and release domain line) into one classic script, /sw-release-gm.js, with Vite's
 * own bundler. vite.config.ts emits it into the client output and adds it to the worker's importScripts only
 * when QF_CRYPTO_SUITE=gm, so a NaCl build's worker neither imports nor serves it. The release manifest lists
 * it like every client file, and static/sw-release.js checks its SHA-256 against the signed manifest.
 */
import path from 'node:path';
import { build, type Plugin, type Rollup } from 'vite';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** The file name in the client output (served at /sw-release-gm.js; static/sw-release.js names it too). */
export const GM_RELEASE_VERIFIER_FILE = 'sw-release-gm.js';
const ENTRY = path.join(root, 'src', 'lib', 'shared', 'sw-release-gm.entry.ts');

/** The verifier's script: an IIFE, minified, no source map or paths (so the same sources give the same bytes). */
export async function buildGmReleaseVerifier(): Promise<string> {
	const result = await build({
		configFile: false,
		envFile: false,
		root,
		mode: 'production',
		logLevel: 'silent',
		publicDir: false,
		build: {
			write: false,
			emptyOutDir: false,
			copyPublicDir: false,
			minify: 'esbuild',
			target: 'es2020',
			sourcemap: false,
			reportCompressedSize: false,
			lib: {
				entry: ENTRY,
				formats: ['iife'],
				name: 'qingfengReleaseGmBundle',
				fileName: () => GM_RELEASE_VERIFIER_FILE
			}
		}
	});
	const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
	const chunks = outputs.flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
	if (chunks.length !== 1) throw new Error(`the SM2 release verifier bundled into ${chunks.length} chunks, not one`);
	return chunks[0]!.code;
}

/** Emits /sw-release-gm.js into the client build when `enabled` (the build's suite is gm). */
export function gmReleaseVerifierPlugin(enabled: boolean): Plugin {
	let ssr = false;
	return {
		name: 'qingfeng:sw-release-gm',
		apply: 'build',
		configResolved(config) {
			ssr = !!config.build.ssr;
		},
		async generateBundle() {
			if (!enabled || ssr) return;
			this.emitFile({ type: 'asset', fileName: GM_RELEASE_VERIFIER_FILE, source: await buildGmReleaseVerifier() });
		}
	};
}
