import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '@oslojs/encoding';
import { generateRootKey, rootFingerprint } from '../crypto/directory';
import {
	assetUrlsOfPage,
	encodeReleaseManifest,
	parseReleaseManifest,
	RELEASE_FORMAT,
	sha256Hex,
	signRelease,
	verifyRelease,
	type ReleaseManifest
} from './build-root';

const root = generateRootKey();
const manifest: ReleaseManifest = {
	format: RELEASE_FORMAT,
	version: '0.1.0',
	rootFingerprint: rootFingerprint(root.publicKey),
	rootPublicKey: encodeBase64(root.publicKey),
	assets: { '/sw.js': 'a'.repeat(64), '/_app/version.json': 'b'.repeat(64) }
};

describe('release manifest', () => {
	it('names the cipher suite it was built for, under the signature (issue 21)', () => {
		const gm = { ...manifest, suite: 'gm' as const };
		expect(parseReleaseManifest(encodeReleaseManifest(gm))).toEqual(gm);
		expect(parseReleaseManifest(encodeReleaseManifest({ ...manifest, suite: 'sm9' as never }))).toBeNull();
		// An Ed25519 root signs NaCl releases only (GM ones: tests/unit/gm-trust.test.ts).
		expect(signRelease(encodeReleaseManifest(gm), root.seed)).toEqual({
			ok: false,
			message: 'the manifest was built for the gm suite, this seed is a nacl root'
		});
		const bytes = encodeReleaseManifest({ ...manifest, suite: 'nacl' });
		const signed = signRelease(bytes, root.seed);
		if (!signed.ok) throw new Error(signed.message);
		const relabelled = new TextEncoder().encode(new TextDecoder().decode(bytes).replace('"nacl"', '"gm"'));
		expect(verifyRelease(bytes, signed.signature, root.publicKey)).toBe(true);
		expect(verifyRelease(relabelled, signed.signature, root.publicKey)).toBe(false);
	});

	it('encodes canonically (sorted paths) and parses back', () => {
		const bytes = encodeReleaseManifest(manifest);
		const text = new TextDecoder().decode(bytes);
		expect(text.indexOf('/_app/version.json')).toBeLessThan(text.indexOf('/sw.js'));
		expect(text.endsWith('}\n')).toBe(true);
		expect(parseReleaseManifest(bytes)).toEqual(manifest);
		expect(parseReleaseManifest(new TextEncoder().encode('{"format":"x"}'))).toBeNull();
		const bad = { ...manifest, assets: { 'relative.js': 'a'.repeat(64) } };
		expect(parseReleaseManifest(new TextEncoder().encode(JSON.stringify(bad)))).toBeNull();
	});

	it('is signed by the pinned root; a changed byte or another key fails', () => {
		const bytes = encodeReleaseManifest(manifest);
		const r = signRelease(bytes, root.seed.slice());
		if (!r.ok) throw new Error(r.message);
		expect(verifyRelease(bytes, `${r.signature}\n`, root.publicKey)).toBe(true);
		const changed = bytes.slice();
		changed[changed.length - 5] = changed[changed.length - 5]! ^ 1;
		expect(verifyRelease(changed, r.signature, root.publicKey)).toBe(false);
		expect(verifyRelease(bytes, r.signature, generateRootKey().publicKey)).toBe(false);
		expect(verifyRelease(bytes, 'not base64!', root.publicKey)).toBe(false);
	});

	it('refuses to sign a manifest built for another root', () => {
		const other = generateRootKey();
		expect(signRelease(encodeReleaseManifest(manifest), other.seed)).toEqual({
			ok: false,
			message: `the manifest was built for root ${manifest.rootFingerprint}, this seed is root ${rootFingerprint(other.publicKey)}`
		});
	});

	it('hashes with SHA-256', async () => {
		expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});
});

describe('assets of a page', () => {
	it('finds scripts, stylesheets, preloads, icons, the manifest and bootstrap imports, not page links', () => {
		const html = `<!doctype html><html><head>
<link href="../_app/immutable/assets/0.abc.css" rel="stylesheet">
<link rel="modulepreload" href="../_app/immutable/entry/start.x1.js">
<link rel="icon" href="/favicon.svg"><link rel="manifest" href="/manifest.webmanifest">
<link rel="alternate" hreflang="en" href="/en/guide">
<script src="/legacy.js?a=1&amp;b=2"></script>
</head><body><a href="/report">report</a>
<script>Promise.all([import("../_app/immutable/entry/start.x1.js"), import( "../_app/immutable/entry/app.y2.js" )])</script>
</body></html>`;
		const urls = assetUrlsOfPage(html, new URL('https://q.example/en/guide')).map((u) => u.href);
		expect(urls.sort()).toEqual(
			[
				'https://q.example/_app/immutable/assets/0.abc.css',
				'https://q.example/_app/immutable/entry/start.x1.js',
				'https://q.example/favicon.svg',
				'https://q.example/manifest.webmanifest',
				'https://q.example/legacy.js?a=1&b=2',
				'https://q.example/_app/immutable/entry/app.y2.js'
			].sort()
		);
	});
});
