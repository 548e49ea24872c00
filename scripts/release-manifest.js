/**
 * Build-time half of the release manifest (src/lib/shared/build-root.ts holds the format, the signing and
 * the checks): plain JavaScript because svelte.config.js imports it.
 *
 * - `buildVersion()`: the app version SvelteKit embeds (`kit.version.name`, also _app/version.json): the
 *   package version plus a hash of the sources, never the build time, so the same sources give the same
 *   bytes (issue 15) and a change of sources still gives a new version for update checks.
 * - `releaseAdapter(adapter)`: runs the adapter, then writes build/release.json (and a copy served at
 *   /release.json) listing every client asset's SHA-256, the version and the pinned root's fingerprint
 *   (ROOT_PUBLIC_KEY or ROOT_PUBLIC_KEY_FILE at build time; null when none is given).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nacl from 'tweetnacl';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** What the client build is made from (generated and cached folders left out). */
const SOURCES = [
	'src',
	'messages',
	'static',
	'project.inlang/settings.json',
	'package.json',
	'package-lock.json',
	'svelte.config.js',
	'vite.config.ts',
	'scripts/release-manifest.js',
	'scripts/sw-release-gm.ts'
];
const SKIP = new Set([path.join(root, 'src', 'lib', 'paraglide')]);

/** @param {string} p @param {import('node:crypto').Hash} hash */
function hashTree(p, hash) {
	if (SKIP.has(p) || !existsSync(p)) return;
	if (statSync(p).isDirectory()) {
		for (const name of readdirSync(p).sort()) {
			if (name.startsWith('.') || name === 'node_modules') continue;
			hashTree(path.join(p, name), hash);
		}
		return;
	}
	hash.update(path.relative(root, p).split(path.sep).join('/'));
	hash.update('\0');
	hash.update(readFileSync(p));
	hash.update('\0');
}

/** `<package version>-<12 hex of the sources' SHA-256>`. */
export function buildVersion() {
	const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const hash = createHash('sha256');
	for (const s of SOURCES) hashTree(path.join(root, s), hash);
	return `${pkg.version}-${hash.digest('hex').slice(0, 12)}`;
}

/**
 * ROOT_PUBLIC_KEY (base64) or the one key in ROOT_PUBLIC_KEY_FILE, as src/lib/server/config.ts reads them: a
 * 32-byte Ed25519 key (NaCl), a 65-byte uncompressed SM2 point (GM, issue 21).
 * @param {Record<string, string | undefined>} [env] @param {string} [suite]
 */
export function buildRootKey(env = process.env, suite = 'nacl') {
	let text = env.ROOT_PUBLIC_KEY?.trim();
	const file = env.ROOT_PUBLIC_KEY_FILE?.trim();
	if (!text && file) {
		const lines = readFileSync(file, 'utf8')
			.split('\n')
			.map((l) => l.trim())
			.filter((l) => l !== '' && !l.startsWith('#'));
		text = lines.length === 1 ? lines[0] : undefined;
	}
	if (!text) return null;
	const bytes = Buffer.from(text, 'base64');
	if (bytes.toString('base64') !== text) throw new Error('ROOT_PUBLIC_KEY must be base64');
	if (suite === 'gm' ? bytes.length !== 65 || bytes[0] !== 4 : bytes.length !== 32)
		throw new Error(
			suite === 'gm'
				? 'ROOT_PUBLIC_KEY must be the base64 of a 65-byte uncompressed SM2 public key (QF_CRYPTO_SUITE=gm)'
				: 'ROOT_PUBLIC_KEY must be the base64 of a 32-byte Ed25519 public key'
		);
	return new Uint8Array(bytes);
}

/** QF_CRYPTO_SUITE at build time (issue 21): the cipher suite the release is built for, `nacl` by default. */
export function buildSuite(env = process.env) {
	const suite = env.QF_CRYPTO_SUITE?.trim() || 'nacl';
	if (suite !== 'nacl' && suite !== 'gm') throw new Error('QF_CRYPTO_SUITE must be one of nacl, gm');
	return suite;
}

/**
 * Same as rootFingerprint in src/lib/crypto/directory.ts (six groups of five digits of SHA-512), and in the GM
 * suite as gmRootFingerprint in src/lib/crypto/gm/directory.ts (of SM3, here Node's OpenSSL SM3).
 * @param {Uint8Array} publicKey @param {string} [suite]
 */
export function fingerprint(publicKey, suite = 'nacl') {
	const tag = new TextEncoder().encode(
		suite === 'gm' ? 'qingfeng/gm1/root-fingerprint' : 'qingfeng/v1/root-fingerprint'
	);
	const data = new Uint8Array(tag.length + publicKey.length);
	data.set(tag);
	data.set(publicKey, tag.length);
	const h = suite === 'gm' ? new Uint8Array(createHash('sm3').update(data).digest()) : nacl.hash(data);
	const groups = [];
	for (let g = 0; g < 6; g++) {
		let v = 0;
		for (let i = 0; i < 5; i++) v = v * 256 + /** @type {number} */ (h[g * 5 + i]);
		groups.push(String(v % 100000).padStart(5, '0'));
	}
	return groups.join(' ');
}

/** Files a browser may load: everything under client/ except precompressed twins and the manifest itself. */
const NOT_ASSET = /(\.gz|\.br)$|^\/release\.(json|sig)$/;

/** @param {string} dir @param {string} prefix @param {Record<string, string>} out */
function collect(dir, prefix, out) {
	for (const name of readdirSync(dir).sort()) {
		const p = path.join(dir, name);
		const url = `${prefix}/${name}`;
		if (statSync(p).isDirectory()) collect(p, url, out);
		else if (!NOT_ASSET.test(url)) out[url] = createHash('sha256').update(readFileSync(p)).digest('hex');
	}
}

/**
 * The manifest of a built client folder, as canonical bytes (sorted paths, tab-indented, final newline:
 * encodeReleaseManifest in src/lib/shared/build-root.ts).
 * The root signs it (release.sig), so the signature covers the cipher suite the release is built for.
 * @param {string} clientDir @param {string} version @param {Uint8Array | null} rootKey @param {string} [suite]
 */
export function releaseManifest(clientDir, version, rootKey, suite = 'nacl') {
	/** @type {Record<string, string>} */
	const assets = {};
	collect(clientDir, '', assets);
	const sorted = Object.fromEntries(Object.entries(assets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	const manifest = {
		format: 'qingfeng-release/v1',
		version,
		rootFingerprint: rootKey ? fingerprint(rootKey, suite) : null,
		rootPublicKey: rootKey ? Buffer.from(rootKey).toString('base64') : null,
		suite,
		assets: sorted
	};
	return JSON.stringify(manifest, null, '\t') + '\n';
}

/**
 * Wraps an adapter: after it has written the output, writes <out>/release.json and <out>/client/release.json.
 * @param {import('@sveltejs/kit').Adapter} adapter @param {{ out?: string, version: string }} opts
 * @returns {import('@sveltejs/kit').Adapter}
 */
export function releaseAdapter(adapter, opts) {
	return {
		...adapter,
		name: `${adapter.name} + release manifest`,
		async adapt(builder) {
			await adapter.adapt(builder);
			const out = path.resolve(root, opts.out ?? 'build');
			const suite = buildSuite();
			const text = releaseManifest(path.join(out, 'client'), opts.version, buildRootKey(process.env, suite), suite);
			writeFileSync(path.join(out, 'release.json'), text);
			writeFileSync(path.join(out, 'client', 'release.json'), text);
			builder.log.minor(`Wrote ${path.join(out, 'release.json')}`);
		}
	};
}
