/**
 * `npm run verify:site -- <URL> [--build <dir>] [--root <base64>] [--suite nacl|gm]`: checks that a Qingfeng
 * site serves exactly the client code of a release signed by the organization's root key, and that this
 * release is the one built here from the sources you trust (docs/security.md, "Checking the served code").
 *
 * 1. The pinned root: --root, else ROOT_PUBLIC_KEY, else the root the local build was made for; in the pinned
 *    suite: --suite, else QF_CRYPTO_SUITE, else the local build's (issue 21: a GM root is SM2).
 * 2. <URL>/release.json must be signed (<URL>/release.sig) by that root, and name that suite (signed).
 * 3. It must be the local build's manifest (<dir>/release.json, default build/): same version, same assets.
 * 4. The reporter pages (/, /report, /follow-up, /guide, /where and their /en twins) may load only assets
 *    the manifest lists, and every listed asset the site serves must have the listed SHA-256.
 * Prints one verdict line (PASS or FAIL) after the details; exit code 0 on PASS, 1 on FAIL, 2 on usage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isSuiteId } from '../src/lib/crypto/suite-id';
import { parseRootPublicKey } from '../src/lib/server/config';
import { assetUrlsOfPage, parseReleaseManifest, sha256Hex, verifyRelease } from '../src/lib/shared/build-root';
import { ceremonyOf } from './root-cli';

const USAGE = 'Usage: npm run verify:site -- <URL> [--build <dir>] [--root <base64 public key>] [--suite nacl|gm]';
const PAGES = ['/', '/report', '/follow-up', '/guide', '/where', '/en', '/en/report', '/en/guide'];

function usage(message: string): never {
	console.error(`${message}\n${USAGE}`);
	process.exit(2);
}

async function fetchBytes(url: URL): Promise<{ status: number; bytes: Uint8Array; type: string }> {
	const res = await fetch(url, { redirect: 'manual', headers: { 'accept-encoding': 'identity' } });
	return {
		status: res.status,
		bytes: new Uint8Array(await res.arrayBuffer()),
		type: res.headers.get('content-type') ?? ''
	};
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	let site: URL | undefined;
	let buildDir = 'build';
	let rootText = process.env.ROOT_PUBLIC_KEY?.trim() || undefined;
	let suiteText = process.env.QF_CRYPTO_SUITE?.trim() || undefined;
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		if (a === '--build' || a === '--root' || a === '--suite') {
			const v = args[++i];
			if (v === undefined) usage(`${a} needs a value`);
			if (a === '--build') buildDir = v;
			else if (a === '--suite') suiteText = v;
			else rootText = v;
		} else if (!site) {
			try {
				site = new URL(a);
			} catch {
				usage(`Not a URL: ${a}`);
			}
		} else usage(`Unexpected argument: ${a}`);
	}
	if (!site) usage('Give the site URL');

	const problems: string[] = [];
	const fail = (verdict: string): never => {
		for (const p of problems) console.log(`  ✗ ${p}`);
		console.log(`FAIL: ${verdict}`);
		process.exit(1);
	};

	let localBytes: Uint8Array;
	try {
		localBytes = new Uint8Array(readFileSync(path.join(buildDir, 'release.json')));
	} catch {
		usage(`No local build at ${buildDir} (release.json missing): run npm run build first, or give --build`);
	}
	const local = parseReleaseManifest(localBytes);
	if (!local) usage(`${buildDir}/release.json is not a release manifest`);

	const suiteId = suiteText ?? local.suite ?? 'nacl';
	if (!isSuiteId(suiteId)) usage('--suite (or QF_CRYPTO_SUITE) must be nacl or gm');
	const suite = ceremonyOf(suiteId);
	const pinned = rootText
		? parseRootPublicKey(rootText, suiteId)
		: local.rootPublicKey
			? parseRootPublicKey(local.rootPublicKey, suiteId)
			: null;
	if (!pinned)
		fail(
			`no ${suiteId} root key to check against (give --root or ROOT_PUBLIC_KEY, or build with ROOT_PUBLIC_KEY; --suite for a GM root)`
		);
	const fingerprint = suite.rootFingerprint(pinned);
	console.log(`Site ${site.origin}, pinned ${suiteId} root ${fingerprint}, local build ${local.version}`);

	const manifestRes = await fetchBytes(new URL('/release.json', site));
	const sigRes = await fetchBytes(new URL('/release.sig', site));
	if (manifestRes.status !== 200) fail(`${site.origin}/release.json answered ${manifestRes.status}`);
	if (sigRes.status !== 200) fail(`${site.origin}/release.sig answered ${sigRes.status}: the release is not signed`);
	const served = parseReleaseManifest(manifestRes.bytes);
	if (!served) fail('the served release.json is not a release manifest');
	if ((served.suite ?? 'nacl') !== suiteId)
		fail(`the served release is built for the ${served.suite ?? 'nacl'} suite, the pinned suite is ${suiteId}`);
	if (!verifyRelease(manifestRes.bytes, new TextDecoder().decode(sigRes.bytes), pinned, suite))
		fail(`the served release manifest is not signed by the pinned root ${fingerprint}`);
	console.log(`  ✓ release ${served.version} is signed by root ${fingerprint}`);

	if (served.version !== local.version)
		problems.push(`version ${served.version} is served, ${local.version} was built here`);
	const names = new Set([...Object.keys(served.assets), ...Object.keys(local.assets)]);
	for (const name of [...names].sort()) {
		if (served.assets[name] !== local.assets[name])
			problems.push(
				`${name}: ${served.assets[name] ? 'differs from' : 'missing from'} the signed manifest vs the local build`
			);
	}
	if (problems.length > 0) fail('the signed release is not the one built here from your sources');
	console.log(`  ✓ the signed manifest matches the local build (${names.size} assets)`);

	const seen = new Set<string>();
	for (const page of PAGES) {
		const url = new URL(page, site);
		const res = await fetchBytes(url);
		if (res.status !== 200) {
			problems.push(`page ${page} answered ${res.status}`);
			continue;
		}
		for (const asset of assetUrlsOfPage(new TextDecoder().decode(res.bytes), url)) {
			if (asset.origin !== site.origin) problems.push(`page ${page} loads ${asset.href} from another origin`);
			else if (!(asset.pathname in served.assets))
				problems.push(`page ${page} loads ${asset.pathname}, not in the signed manifest`);
			else seen.add(asset.pathname);
		}
	}
	console.log(`  · ${PAGES.length} reporter pages load ${seen.size} listed assets`);

	let checked = 0;
	for (const [name, hash] of Object.entries(served.assets)) {
		const res = await fetchBytes(new URL(name, site));
		if (res.status !== 200) problems.push(`${name}: answered ${res.status}`);
		else if ((await sha256Hex(res.bytes)) !== hash)
			problems.push(`${name}: the served bytes differ from the signed manifest`);
		else checked++;
	}
	if (problems.length > 0) fail(`${site.origin} does not serve the signed release ${served.version}`);
	console.log(`  ✓ ${checked} served assets have the signed SHA-256`);
	console.log(
		`PASS: ${site.origin} serves release ${served.version}, signed by root ${fingerprint} and identical to the local build`
	);
}

await main();
