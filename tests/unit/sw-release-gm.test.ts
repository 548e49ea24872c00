/**
 * Issue 21 (国密): a GM build's service worker imports /sw-release-gm.js, the SM2 verifier, after
 * static/sw-release.js. Runs the script the build emits (scripts/sw-release-gm.ts, the same function the Vite
 * plugin calls) beside sw-release.js in the sandbox of ./sw-release-sandbox.ts, with manifests made and signed
 * by the build's and the ceremony's code (src/lib/shared/build-root.ts, gmCeremony).
 */
import vm from 'node:vm';
import { encodeBase64 } from '@oslojs/encoding';
import nacl from 'tweetnacl';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRootKey, rootFingerprint } from '../../src/lib/crypto/directory';
import { gmCeremony, GM_ENTRIES } from '../../src/lib/crypto/gm/directory';
import { encodeReleaseManifest, RELEASE_FORMAT, signRelease } from '../../src/lib/shared/build-root';
import { releaseMessage } from '../../src/lib/shared/release-signature';
import { buildGmReleaseVerifier, GM_RELEASE_VERIFIER_FILE, gmReleaseVerifierPlugin } from '../../scripts/sw-release-gm';
import { hex, sandbox, script, WORKER } from './sw-release-sandbox';

const root = generateRootKey();
const rootB64 = encodeBase64(root.publicKey);

describe('国密: the SM2 release check (issue 21)', () => {
	let verifier = '';
	let verifierBytes = new Uint8Array();
	beforeAll(async () => {
		verifier = await buildGmReleaseVerifier();
		verifierBytes = new TextEncoder().encode(verifier);
	}, 120_000);

	const gmSeed = gmCeremony.newSeed();
	const gmRoot = gmCeremony.rootFromSeed(gmSeed).publicKey;
	const gmOtherSeed = gmCeremony.newSeed();
	const gmOther = gmCeremony.rootFromSeed(gmOtherSeed).publicKey;
	const gmB64 = encodeBase64(gmRoot);

	/** A GM manifest naming `named` (labelled `suite`), listing the worker and the verifier, signed by `signer`. */
	function gmRelease(
		named: Uint8Array,
		opts: { signer?: Uint8Array; worker?: Uint8Array; suite?: 'gm' | 'nacl'; verifier?: Uint8Array } = {}
	) {
		const suite = opts.suite ?? 'gm';
		const manifest = encodeReleaseManifest({
			format: RELEASE_FORMAT,
			version: '0.1.0-000000000000',
			rootFingerprint: gmCeremony.rootFingerprint(named),
			rootPublicKey: encodeBase64(named),
			suite,
			assets: {
				'/sw.js': hex(opts.worker ?? WORKER),
				[`/${GM_RELEASE_VERIFIER_FILE}`]: hex(opts.verifier ?? verifierBytes)
			}
		});
		let signature: string | null = null;
		if (opts.signer) {
			// The ceremony refuses to sign a mislabelled manifest: that one is signed with the GM scheme directly.
			const s = suite === 'gm' ? signRelease(manifest, opts.signer, gmCeremony) : null;
			if (s && !s.ok) throw new Error(s.message);
			signature = s ? s.signature : encodeBase64(GM_ENTRIES.sign(releaseMessage(manifest, 'gm'), opts.signer));
		}
		return { manifest, signature };
	}
	const scripts = () => ({ [`/${GM_RELEASE_VERIFIER_FILE}`]: verifierBytes });

	it('the verifier is a script of its own, at the path sw-release.js names', () => {
		const { api } = sandbox({}, [verifier]);
		expect(api.GM_VERIFIER).toBe(`/${GM_RELEASE_VERIFIER_FILE}`);
		expect(verifier.length).toBeGreaterThan(10_000); // the SM2 arithmetic is in it, not in sw-release.js
		expect(script.length).toBeLessThan(10_000);
	});

	it('accepts a GM release signed by the SM2 root (first install and update)', async () => {
		const { api } = sandbox({}, [verifier]);
		const r = gmRelease(gmRoot, { signer: gmSeed });
		expect(await api.checkRelease({ ...r, worker: WORKER, trustedRoot: null, scripts: scripts() })).toEqual({
			ok: true,
			root: gmB64
		});
		expect(await api.checkRelease({ ...r, worker: WORKER, trustedRoot: gmB64, scripts: scripts() })).toEqual({
			ok: true,
			root: gmB64
		});
	});

	it('refuses a tampered manifest, another root, an Ed25519 signature and a NaCl label under the SM2 pin', async () => {
		const { api } = sandbox({}, [verifier]);
		const check = (r: { manifest: Uint8Array; signature: string | null }, trustedRoot = gmB64) =>
			api.checkRelease({ ...r, worker: WORKER, trustedRoot, scripts: scripts() });
		const signed = gmRelease(gmRoot, { signer: gmSeed });
		// One changed byte: the version, still a well-formed manifest.
		const changed = new TextEncoder().encode(
			new TextDecoder().decode(signed.manifest).replace('000000000000', '000000000001')
		);
		expect(changed).not.toEqual(signed.manifest);
		expect(await check({ manifest: changed, signature: signed.signature })).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
		// The trusted root named, another SM2 key's signature; a release under another SM2 root.
		const otherSig = gmRelease(gmOther, { signer: gmOtherSeed }).signature;
		expect(await check({ ...gmRelease(gmRoot), signature: otherSig })).toEqual({
			ok: false,
			reason: 'bad_signature'
		});
		expect(await check(gmRelease(gmOther, { signer: gmOtherSeed }))).toEqual({ ok: false, reason: 'other_root' });
		// An Ed25519 signature (64 bytes too) over the manifest, with either suite's domain line.
		const unsigned = gmRelease(gmRoot);
		for (const domain of ['qingfeng/v1/release-manifest\n', 'qingfeng/gm1/release-manifest\n']) {
			const message = Buffer.concat([Buffer.from(domain), unsigned.manifest]);
			const ed = encodeBase64(nacl.sign.detached(message, root.secretKey));
			expect(await check({ ...unsigned, signature: ed })).toEqual({ ok: false, reason: 'bad_signature' });
		}
		// Labelled nacl (signed by the SM2 root over the GM domain line): refused by sw-release.js and the verifier.
		const relabelled = gmRelease(gmRoot, { signer: gmSeed, suite: 'nacl' });
		expect(await check(relabelled)).toEqual({ ok: false, reason: 'wrong_suite' });
		expect(verifyDirect(relabelled)).toBe(false);
		expect(verifyDirect(signed)).toBe(true);
		// The same relabelled manifest, first install: refused too.
		expect(await check(relabelled, null as unknown as string)).toEqual({ ok: false, reason: 'wrong_suite' });
	});

	/** The bundled verifier's own answer (self.qingfengReleaseGm.verify), outside sw-release.js. */
	function verifyDirect(r: { manifest: Uint8Array; signature: string | null }): boolean {
		const self: { qingfengReleaseGm?: { verify(m: Uint8Array, s: string, root: string): boolean } } = {};
		vm.runInNewContext(verifier, { self, crypto: globalThis.crypto, TextEncoder, TextDecoder, Uint8Array });
		return self.qingfengReleaseGm!.verify(r.manifest, r.signature!, gmB64);
	}

	it('fails closed without the verifier, with a changed verifier, and for a GM label under an Ed25519 pin', async () => {
		const r = gmRelease(gmRoot, { signer: gmSeed });
		const naclWorker = sandbox({}).api; // a NaCl build's worker: no /sw-release-gm.js
		expect(await naclWorker.checkRelease({ ...r, worker: WORKER, trustedRoot: gmB64, scripts: scripts() })).toEqual({
			ok: false,
			reason: 'no_verifier'
		});
		expect(await naclWorker.checkRelease({ ...r, worker: WORKER, trustedRoot: null })).toEqual({
			ok: false,
			reason: 'no_verifier'
		});
		const { api } = sandbox({}, [verifier]);
		const changed = new TextEncoder().encode(verifier + '\n;');
		for (const served of [changed, null])
			expect(
				await api.checkRelease({
					...r,
					worker: WORKER,
					trustedRoot: gmB64,
					scripts: { [`/${GM_RELEASE_VERIFIER_FILE}`]: served }
				})
			).toEqual({ ok: false, reason: 'script_not_listed' });
		// A manifest labelled gm under the Ed25519 root the browser trusts: SM2 with a 32-byte key, refused.
		const ed = encodeReleaseManifest({
			format: RELEASE_FORMAT,
			version: '0.1.0-000000000000',
			rootFingerprint: rootFingerprint(root.publicKey),
			rootPublicKey: rootB64,
			suite: 'gm',
			assets: { '/sw.js': hex(WORKER), [`/${GM_RELEASE_VERIFIER_FILE}`]: hex(verifierBytes) }
		});
		const edSig = encodeBase64(
			nacl.sign.detached(Buffer.concat([Buffer.from('qingfeng/v1/release-manifest\n'), ed]), root.secretKey)
		);
		for (const worker of [api, naclWorker])
			expect(
				await worker.checkRelease({
					manifest: ed,
					signature: edSig,
					worker: WORKER,
					trustedRoot: rootB64,
					scripts: scripts()
				})
			).toMatchObject({ ok: false });
	});

	it('the install step under GM: keeps the SM2 root, refuses a forged update and tells the pages', async () => {
		const first = gmRelease(gmRoot, { signer: gmSeed });
		const served: Record<string, Uint8Array | string> = {
			'/release.json': first.manifest,
			'/release.sig': `${first.signature}\n`,
			'/sw.js': WORKER,
			[`/${GM_RELEASE_VERIFIER_FILE}`]: verifierBytes
		};
		const s = sandbox(served, [verifier]);
		await s.api.guard();
		const trust = s.caches.get(s.api.TRUST_CACHE)!;
		expect(trust.get(s.api.ROOT_KEY)).toBe(gmB64);
		const worker2 = new TextEncoder().encode('importScripts("/sw-release.js", "/sw-release-gm.js"); /* 2 */');
		served['/sw.js'] = worker2;
		served['/release.json'] = gmRelease(gmRoot, { worker: worker2 }).manifest;
		served['/release.sig'] = gmRelease(gmOther, { signer: gmOtherSeed, worker: worker2 }).signature!;
		await expect(s.api.guard()).rejects.toThrow('release refused: bad_signature');
		expect(s.messages).toEqual([{ type: s.api.REFUSED_MESSAGE, reason: 'bad_signature' }]);
		expect(trust.get(s.api.ROOT_KEY)).toBe(gmB64);
		const good = gmRelease(gmRoot, { signer: gmSeed, worker: worker2 });
		served['/release.json'] = good.manifest;
		served['/release.sig'] = good.signature!;
		await s.api.guard();
		expect(trust.has(s.api.REFUSED_KEY)).toBe(false);
	});

	it('the Vite plugin emits /sw-release-gm.js into the client build of a GM build only', async () => {
		const run = async (enabled: boolean, ssr: boolean) => {
			const emitted: { fileName?: string; source?: unknown }[] = [];
			const plugin = gmReleaseVerifierPlugin(enabled) as unknown as {
				configResolved(c: unknown): void;
				generateBundle(this: unknown): Promise<void>;
			};
			plugin.configResolved({ build: { ssr } });
			await plugin.generateBundle.call({ emitFile: (f: (typeof emitted)[number]) => emitted.push(f) });
			return emitted;
		};
		expect(await run(false, false)).toEqual([]);
		expect(await run(true, true)).toEqual([]);
		const [file] = await run(true, false);
		expect(file).toMatchObject({ type: 'asset', fileName: GM_RELEASE_VERIFIER_FILE });
		expect(file!.source).toBe(verifier); // the same bytes on every build
	}, 120_000);
});
