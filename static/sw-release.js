/**
 * The service worker's release check (issue 15; docs/security.md, "Checking the served code"). The generated
 * sw.js imports this file first (vite.config.ts, workbox.importScripts), so every worker, when it installs,
 * checks the release it belongs to before it may ever activate:
 *
 * - it fetches /release.json and /release.sig (the manifest the root ceremony signs) and its own script;
 * - the first worker of this browser trusts the root key the release names (the key pinned when building,
 *   the one whose 校验码 /verify and the poster show) and keeps it in the cache "qingfeng-trust";
 * - every later worker must come with a manifest signed by that same root key (Ed25519 over
 *   `qingfeng/v1/release-manifest\n` ‖ the manifest's bytes, as src/lib/shared/build-root.ts) that lists
 *   the worker's own SHA-256; otherwise its installation fails, so the browser keeps the old version, and
 *   the pages are told (UpdatePrompt.svelte shows it, also on the next visit, from the marker kept here).
 *
 * A site that has never named a root (no ROOT_PUBLIC_KEY at build time) is not checked. Plain JavaScript
 * (a classic script, Web Crypto only): tests/unit/sw-release.test.ts runs this very file.
 *
 * The GM suite (国密, issue 21): a 65-byte (SM2) root, or a manifest naming suite "gm", is checked with SM2
 * over `qingfeng/gm1/release-manifest\n` ‖ the bytes. Web Crypto has no SM2: GM builds also import
 * /sw-release-gm.js (src/lib/shared/sw-release-gm.ts, bundled by scripts/sw-release-gm.ts), which sets
 * self.qingfengReleaseGm; without it a GM release is refused (`no_verifier`). NaCl builds do not carry it.
 * The scripts the worker imports must have the SHA-256 the signed manifest lists: the verifier always,
 * this file when listed (every build lists it).
 */
(function (scope) {
	'use strict';
	const FORMAT = 'qingfeng-release/v1';
	const DOMAIN = 'qingfeng/v1/release-manifest\n';
	const TRUST_CACHE = 'qingfeng-trust';
	const ROOT_KEY = '/__qingfeng-trust/root';
	const REFUSED_KEY = '/__qingfeng-trust/refused';
	const REFUSED_MESSAGE = 'qingfeng-update-refused';
	const RELEASE_SCRIPT = '/sw-release.js';
	const GM_VERIFIER = '/sw-release-gm.js';

	/** @param {string} text */
	function fromBase64(text) {
		const bin = atob(text.trim());
		const out = new Uint8Array(bin.length);
		for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
		return out;
	}

	/** @param {Uint8Array} bytes */
	async function sha256Hex(bytes) {
		const digest = new Uint8Array(await scope.crypto.subtle.digest('SHA-256', bytes));
		return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
	}

	/** Does `signature` (base64) sign the manifest bytes under the Ed25519 `root` (base64)? False when it cannot be checked. */
	async function verifyEd25519(root, signature, manifest) {
		try {
			const domain = new TextEncoder().encode(DOMAIN);
			const message = new Uint8Array(domain.length + manifest.length);
			message.set(domain);
			message.set(manifest, domain.length);
			const key = await scope.crypto.subtle.importKey('raw', fromBase64(root), { name: 'Ed25519' }, false, [
				'verify'
			]);
			return await scope.crypto.subtle.verify('Ed25519', key, fromBase64(signature), message);
		} catch {
			return false;
		}
	}

	/** @param {string} root */
	function keyLength(root) {
		try {
			return fromBase64(root).length;
		} catch {
			return -1;
		}
	}

	/** @param {Uint8Array | null} bytes */
	function parse(bytes) {
		if (!bytes) return null;
		try {
			const m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
			if (!m || m.format !== FORMAT || typeof m.assets !== 'object' || m.assets === null) return null;
			return m;
		} catch {
			return null;
		}
	}

	/**
	 * The verdict on a release: `{ ok: true, root }` (root: the key to trust from now on, or null when there is
	 * none to check against) or `{ ok: false, reason }`.
	 * `scripts`: the served bytes of the scripts the worker imports, by path (null: not fetched).
	 * @param {{ manifest: Uint8Array | null, signature: string | null, worker: Uint8Array | null, trustedRoot: string | null, scripts?: Record<string, Uint8Array | null> }} release
	 */
	async function checkRelease({ manifest, signature, worker, trustedRoot, scripts }) {
		const parsed = parse(manifest);
		if (!parsed) return trustedRoot ? { ok: false, reason: 'no_manifest' } : { ok: true, root: null };
		const named = typeof parsed.rootPublicKey === 'string' ? parsed.rootPublicKey : null;
		if (trustedRoot && named !== trustedRoot) return { ok: false, reason: 'other_root' };
		const root = trustedRoot || named;
		if (!root) return { ok: true, root: null };
		// SM2 for a 65-byte root or a manifest naming gm; the manifest must name the suite of the root it is checked under.
		const gm = keyLength(root) === 65 || parsed.suite === 'gm';
		if ((parsed.suite || 'nacl') !== (gm ? 'gm' : 'nacl')) return { ok: false, reason: 'wrong_suite' };
		// A first install may come before the ceremony signed the release: the root it names is kept.
		if (signature === null) return trustedRoot ? { ok: false, reason: 'unsigned' } : { ok: true, root };
		const sm2 = scope.qingfengReleaseGm;
		if (gm && !(sm2 && typeof sm2.verify === 'function')) return { ok: false, reason: 'no_verifier' };
		const bytes = /** @type {Uint8Array} */ (manifest);
		if (!(gm ? sm2.verify(bytes, signature, root) === true : await verifyEd25519(root, signature, bytes)))
			return { ok: false, reason: 'bad_signature' };
		if (!worker || parsed.assets['/sw.js'] !== (await sha256Hex(worker)))
			return { ok: false, reason: 'worker_not_listed' };
		const checked = gm ? [GM_VERIFIER, RELEASE_SCRIPT] : [RELEASE_SCRIPT];
		for (const path of checked) {
			if (path === RELEASE_SCRIPT && parsed.assets[path] === undefined) continue;
			const served = scripts ? scripts[path] : null;
			if (!served || parsed.assets[path] !== (await sha256Hex(served)))
				return { ok: false, reason: 'script_not_listed' };
		}
		return { ok: true, root };
	}

	/** @param {string} path */
	async function get(path) {
		try {
			const r = await scope.fetch(path, { cache: 'no-store', credentials: 'omit' });
			return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
		} catch {
			return null;
		}
	}

	/** The install step: throws (the install fails, the old worker stays) when the release is refused. */
	async function guard() {
		const cache = await scope.caches.open(TRUST_CACHE);
		const stored = await cache.match(ROOT_KEY);
		const trustedRoot = stored ? (await stored.text()).trim() : null;
		const [manifest, signature, worker, releaseScript, gmVerifier] = await Promise.all([
			get('/release.json'),
			get('/release.sig'),
			get(scope.location.pathname),
			get(RELEASE_SCRIPT),
			scope.qingfengReleaseGm ? get(GM_VERIFIER) : null
		]);
		const verdict = await checkRelease({
			manifest,
			signature: signature === null ? null : new TextDecoder().decode(signature),
			worker,
			trustedRoot,
			scripts: { [RELEASE_SCRIPT]: releaseScript, [GM_VERIFIER]: gmVerifier }
		});
		if (!verdict.ok) {
			await cache.put(REFUSED_KEY, new Response(verdict.reason));
			const pages = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
			for (const page of pages) page.postMessage({ type: REFUSED_MESSAGE, reason: verdict.reason });
			throw new Error(`release refused: ${verdict.reason}`);
		}
		if (verdict.root && !trustedRoot) await cache.put(ROOT_KEY, new Response(verdict.root));
		await cache.delete(REFUSED_KEY);
	}

	scope.addEventListener('install', (event) => event.waitUntil(guard()));
	scope.qingfengRelease = { checkRelease, guard, TRUST_CACHE, ROOT_KEY, REFUSED_KEY, REFUSED_MESSAGE, GM_VERIFIER };
})(self);
