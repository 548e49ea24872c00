/**
 * Issue 15: the installed PWA's service worker refuses an update whose release manifest is not signed by
 * the root it trusts. Runs static/sw-release.js itself (the script sw.js imports) in a sandbox, with
 * manifests made and signed by the same code as the build and the ceremony (src/lib/shared/build-root.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { encodeBase64 } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { generateRootKey, rootFingerprint } from '../../src/lib/crypto/directory';
import { encodeReleaseManifest, RELEASE_FORMAT, signRelease } from '../../src/lib/shared/build-root';

const script = readFileSync(path.join(import.meta.dirname, '..', '..', 'static', 'sw-release.js'), 'utf8');

type Verdict = { ok: true; root: string | null } | { ok: false; reason: string };
interface ReleaseApi {
	checkRelease(r: {
		manifest: Uint8Array | null;
		signature: string | null;
		worker: Uint8Array | null;
		trustedRoot: string | null;
	}): Promise<Verdict>;
	guard(): Promise<void>;
	TRUST_CACHE: string;
	ROOT_KEY: string;
	REFUSED_KEY: string;
	REFUSED_MESSAGE: string;
}

/** A service-worker global with in-memory caches, a fetch over `served`, and the pages' messages. */
function sandbox(served: Record<string, Uint8Array | string>) {
	const caches = new Map<string, Map<string, string>>();
	const messages: unknown[] = [];
	const listeners: Record<string, ((e: unknown) => void)[]> = {};
	const self = {
		crypto: globalThis.crypto,
		location: new URL('https://example.test/sw.js'),
		addEventListener: (type: string, fn: (e: unknown) => void) => (listeners[type] ??= []).push(fn),
		fetch: async (p: string) => {
			const body = served[p];
			return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
		},
		caches: {
			open: async (name: string) => {
				const c = caches.get(name) ?? new Map<string, string>();
				caches.set(name, c);
				return {
					match: async (k: string) => (c.has(k) ? new Response(c.get(k)) : undefined),
					put: async (k: string, r: Response) => void c.set(k, await r.text()),
					delete: async (k: string) => c.delete(k)
				};
			}
		},
		clients: { matchAll: async () => [{ postMessage: (m: unknown) => messages.push(m) }] },
		qingfengRelease: undefined as unknown as ReleaseApi
	};
	vm.runInNewContext(script, { self, atob, TextEncoder, TextDecoder, Response, Uint8Array, Array, JSON });
	return { api: self.qingfengRelease, caches, messages, listeners };
}

const WORKER = new TextEncoder().encode('importScripts("/sw-release.js"); /* the worker */');
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A release manifest naming `root` (or none) and listing `worker` as /sw.js, signed by `signer` if given. */
function release(root: Uint8Array | null, opts: { signer?: Uint8Array; worker?: Uint8Array } = {}) {
	const manifest = encodeReleaseManifest({
		format: RELEASE_FORMAT,
		version: '0.1.0-000000000000',
		rootFingerprint: root ? rootFingerprint(root) : null,
		rootPublicKey: root ? encodeBase64(root) : null,
		assets: { '/sw.js': hex(opts.worker ?? WORKER), '/_app/version.json': hex(new Uint8Array([1])) }
	});
	let signature: string | null = null;
	if (opts.signer) {
		const s = signRelease(manifest, opts.signer);
		if (!s.ok) throw new Error(s.message);
		signature = s.signature;
	}
	return { manifest, signature };
}

const root = generateRootKey();
const other = generateRootKey();
const rootB64 = encodeBase64(root.publicKey);

describe('checkRelease (static/sw-release.js)', () => {
	const { api } = sandbox({});

	it('trusts the root a first release names, and accepts an update signed by it that lists the worker', async () => {
		const first = release(root.publicKey, { signer: root.seed });
		expect(await api.checkRelease({ ...first, worker: WORKER, trustedRoot: null })).toEqual({
			ok: true,
			root: rootB64
		});
		const update = release(root.publicKey, { signer: root.seed });
		expect(await api.checkRelease({ ...update, worker: WORKER, trustedRoot: rootB64 })).toEqual({
			ok: true,
			root: rootB64
		});
	});

	it('refuses an update not signed by the trusted root', async () => {
		// The manifest names the trusted root but the signature is another key's.
		const forged = release(root.publicKey);
		const otherSig = release(other.publicKey, { signer: other.seed }).signature;
		expect(await api.checkRelease({ ...forged, signature: otherSig, worker: WORKER, trustedRoot: rootB64 })).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
		// A release under another root, properly signed by that root.
		const rerooted = release(other.publicKey, { signer: other.seed });
		expect(await api.checkRelease({ ...rerooted, worker: WORKER, trustedRoot: rootB64 })).toEqual({
			ok: false,
			reason: 'other_root'
		});
		// One changed byte of a signed manifest.
		const signed = release(root.publicKey, { signer: root.seed });
		const changed = signed.manifest.slice();
		changed[changed.length - 3] = changed[changed.length - 3]! ^ 1;
		expect(
			await api.checkRelease({ manifest: changed, signature: signed.signature, worker: WORKER, trustedRoot: rootB64 })
		).toMatchObject({ ok: false });
		// Unsigned, missing, garbage signature.
		expect(await api.checkRelease({ ...release(root.publicKey), worker: WORKER, trustedRoot: rootB64 })).toEqual({
			ok: false,
			reason: 'unsigned'
		});
		expect(await api.checkRelease({ manifest: null, signature: null, worker: WORKER, trustedRoot: rootB64 })).toEqual({
			ok: false,
			reason: 'no_manifest'
		});
		expect(
			await api.checkRelease({ ...signed, signature: 'not base64!', worker: WORKER, trustedRoot: rootB64 })
		).toEqual({ ok: false, reason: 'bad_signature' });
	});

	it('refuses a signed release that does not list the worker being installed', async () => {
		const signed = release(root.publicKey, { signer: root.seed });
		const changedWorker = new TextEncoder().encode('importScripts("/sw-release.js"); /* changed */');
		expect(await api.checkRelease({ ...signed, worker: changedWorker, trustedRoot: rootB64 })).toEqual({
			ok: false,
			reason: 'worker_not_listed'
		});
		expect(await api.checkRelease({ ...signed, worker: null, trustedRoot: rootB64 })).toEqual({
			ok: false,
			reason: 'worker_not_listed'
		});
	});

	it('does not check a site that never named a root', async () => {
		expect(await api.checkRelease({ ...release(null), worker: WORKER, trustedRoot: null })).toEqual({
			ok: true,
			root: null
		});
		expect(await api.checkRelease({ manifest: null, signature: null, worker: null, trustedRoot: null })).toEqual({
			ok: true,
			root: null
		});
	});
});

describe('the install step (guard)', () => {
	it('keeps the root of the first install, then fails the install of an update signed by another key and tells the pages', async () => {
		const first = release(root.publicKey, { signer: root.seed });
		const served: Record<string, Uint8Array | string> = {
			'/release.json': first.manifest,
			'/release.sig': `${first.signature}\n`,
			'/sw.js': WORKER
		};
		const s = sandbox(served);
		expect(s.listeners.install).toHaveLength(1);
		await s.api.guard();
		const trust = s.caches.get(s.api.TRUST_CACHE)!;
		expect(trust.get(s.api.ROOT_KEY)).toBe(rootB64);
		expect(s.messages).toEqual([]);

		// The next deployment: a new worker, its manifest signed by someone else.
		const worker2 = new TextEncoder().encode('importScripts("/sw-release.js"); /* version 2 */');
		const forged = release(root.publicKey, { worker: worker2 });
		served['/sw.js'] = worker2;
		served['/release.json'] = forged.manifest;
		served['/release.sig'] = release(other.publicKey, { signer: other.seed, worker: worker2 }).signature!;
		await expect(s.api.guard()).rejects.toThrow('release refused: bad_signature');
		expect(s.messages).toEqual([{ type: s.api.REFUSED_MESSAGE, reason: 'bad_signature' }]);
		expect(trust.get(s.api.REFUSED_KEY)).toBe('bad_signature');
		expect(trust.get(s.api.ROOT_KEY)).toBe(rootB64);

		// The same deployment, signed in the ceremony: accepted, the warning cleared.
		const good = release(root.publicKey, { signer: root.seed, worker: worker2 });
		served['/release.json'] = good.manifest;
		served['/release.sig'] = good.signature!;
		await s.api.guard();
		expect(trust.has(s.api.REFUSED_KEY)).toBe(false);

		// The install event waits on the same check.
		let waited: Promise<unknown> | undefined;
		s.listeners.install![0]!({ waitUntil: (p: Promise<unknown>) => (waited = p) });
		await expect(waited).resolves.toBeUndefined();
	});
});
