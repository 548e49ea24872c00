/**
 * Issue 15: the installed PWA's service worker refuses an update whose release manifest is not signed by
 * the root it trusts. Runs static/sw-release.js itself (the script sw.js imports) in a sandbox, with
 * manifests made and signed by the same code as the build and the ceremony (src/lib/shared/build-root.ts).
 */
import { encodeBase64 } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { generateRootKey, rootFingerprint } from '../../src/lib/crypto/directory';
import { encodeReleaseManifest, RELEASE_FORMAT, signRelease } from '../../src/lib/shared/build-root';
import { hex, sandbox, script, WORKER } from './sw-release-sandbox';

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

describe('the scripts the worker imports', () => {
	it('refuses a release whose manifest lists another sw-release.js than the one served', async () => {
		const { api } = sandbox({});
		const manifest = (bytes: Uint8Array) =>
			encodeReleaseManifest({
				format: RELEASE_FORMAT,
				version: '0.1.0-000000000000',
				rootFingerprint: rootFingerprint(root.publicKey),
				rootPublicKey: rootB64,
				assets: { '/sw.js': hex(WORKER), '/sw-release.js': hex(bytes) }
			});
		const signed = (bytes: Uint8Array) => {
			const m = manifest(bytes);
			const s = signRelease(m, root.seed);
			if (!s.ok) throw new Error(s.message);
			return { manifest: m, signature: s.signature };
		};
		const served = new TextEncoder().encode(script);
		const signedRelease = signed(served);
		expect(
			await api.checkRelease({
				...signedRelease,
				worker: WORKER,
				trustedRoot: rootB64,
				scripts: { '/sw-release.js': served }
			})
		).toEqual({ ok: true, root: rootB64 });
		const changed = new TextEncoder().encode(script + '\n// changed');
		expect(
			await api.checkRelease({
				...signedRelease,
				worker: WORKER,
				trustedRoot: rootB64,
				scripts: { '/sw-release.js': changed }
			})
		).toEqual({ ok: false, reason: 'script_not_listed' });
	});
});
