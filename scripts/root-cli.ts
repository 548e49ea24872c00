/**
 * The commands of `npm run root` (scripts/root.ts; docs/keys.md, the root key ceremony), as a function of the
 * arguments and a `ToolIo`. Meant for an offline machine with a copy of this repository; it never touches a
 * database or the network.
 *
 * The cipher suite (issue 21): `--suite nacl|gm`, else QF_CRYPTO_SUITE, else the seed file's own suite (commands
 * that read one), else NaCl. A GM root is an SM2 keypair: its 32-byte private scalar is the seed (same seed
 * file and paper backup), ROOT_PUBLIC_KEY is the 65-byte uncompressed SM2 point, the 校验码 is SM3's, and
 * entries, revocation lists, the release manifest, rotation statements and attestation entries are signed
 * with SM2. A seed file of the other suite than the one asked for is refused.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeBase64 } from '@oslojs/encoding';
import { gmCeremony } from '../src/lib/crypto/gm/directory';
import { isSuiteId, type SuiteId } from '../src/lib/crypto/suite-id';
import { parseRootPublicKey } from '../src/lib/server/config';
import {
	CeremonyError,
	formatPaperBackup,
	NACL_CEREMONY,
	parsePaperBackup,
	parsePendingFile,
	parseSeedFile,
	seedFile,
	signPending,
	type CeremonySuite
} from '../src/lib/shared/root-ceremony';
import { signRelease } from '../src/lib/shared/build-root';
import { addAttestKey } from '../src/lib/shared/attest-keys';
import { suiteAskedFor, ToolExit, type ToolIo } from './tool-io';

export const ROOT_USAGE = `Usage: npm run root -- init --out <seed.json> [--suite nacl|gm]
       npm run root -- show --seed <seed.json> | --public <base64> [--suite nacl|gm]
       npm run root -- restore --out <seed.json> [--digits "<85 digits>"] [--suite nacl|gm]
       npm run root -- sign --seed <seed.json> --in <pending.json> --out <signed.json>
       npm run root -- rotate --seed <old-seed.json> --out <new-seed.json>
       npm run root -- sign-release --seed <seed.json> [--manifest build/release.json] [--out build/release.sig]
       npm run root -- attest --seed <seed.json> --organ <organ id> --keys <proof-keys.json> [--years 2]
--suite defaults to QF_CRYPTO_SUITE, else the seed file's suite, else nacl.`;

/** The ceremony of a suite. */
export function ceremonyOf(id: SuiteId): CeremonySuite {
	return id === 'gm' ? gmCeremony : NACL_CEREMONY;
}

const usage = (message: string): never => {
	throw new ToolExit(2, message);
};
const refuse = (message: string): never => {
	throw new ToolExit(1, message);
};

function options(args: string[]): Map<string, string> {
	const out = new Map<string, string>();
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		if (!a.startsWith('--')) usage(`Unexpected argument: ${a}`);
		const v = args[++i];
		if (v === undefined || v.startsWith('--')) usage(`${a} needs a value`);
		out.set(a.slice(2), v!);
	}
	return out;
}

function need(o: Map<string, string>, name: string): string {
	return o.get(name) ?? usage(`Give --${name}`);
}

function writeNew(file: string, text: string): void {
	if (existsSync(file)) refuse(`${file} exists: refusing to overwrite it (a seed file is the root key).`);
	writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}

/** Reads a seed file in the suite asked for, else in the suite the file names. */
function readSeed(file: string, asked: SuiteId | undefined) {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (e) {
		return refuse(`Cannot read ${file}: ${(e as Error).message}`);
	}
	let named: unknown;
	try {
		named = (JSON.parse(text) as { suite?: unknown } | null)?.suite;
	} catch {
		named = undefined;
	}
	const suite = ceremonyOf(asked ?? (isSuiteId(named) ? named : 'nacl'));
	try {
		return { ...parseSeedFile(text, suite), suite };
	} catch (e) {
		if (e instanceof CeremonyError) return refuse(`${file}: ${e.message}`);
		throw e;
	}
}

function printNewRoot(io: ToolIo, seed: Uint8Array, file: string, suite: CeremonySuite): void {
	const pub = suite.rootFromSeed(seed).publicKey;
	io.log(`Root seed written to ${file} (mode 0600). Keep it offline; it is the organization's root key.`);
	io.log('');
	io.log(
		suite.id === 'gm'
			? `Cipher suite: GM (国密): an SM2 root; set QF_CRYPTO_SUITE=gm on every server and at build time.`
			: 'Cipher suite: NaCl (Ed25519 root).'
	);
	io.log(`Public key (pin it on every server):  ROOT_PUBLIC_KEY=${encodeBase64(pub)}`);
	io.log(`Fingerprint (校验码, publish it):     ${suite.rootFingerprint(pub)}`);
	io.log('');
	io.log('Paper backup (write it down or print it; `npm run root -- restore` reads it back):');
	io.log(`  ${formatPaperBackup(seed)}`);
}

/** Runs one `npm run root` command; returns the exit code (0), or throws `ToolExit`. */
function command(argv: string[], io: ToolIo): void {
	const [name, ...rest] = argv;
	const o = options(rest);
	const asked = suiteAskedFor(o.get('suite'), io.env);
	switch (name) {
		case 'init': {
			const out = need(o, 'out');
			const suite = ceremonyOf(asked ?? 'nacl');
			const seed = suite.newSeed();
			writeNew(out, JSON.stringify(seedFile(seed, new Date(), suite), null, '\t') + '\n');
			printNewRoot(io, seed, out, suite);
			seed.fill(0);
			return;
		}
		case 'show': {
			let pub: Uint8Array;
			let suite: CeremonySuite;
			if (o.has('seed')) ({ publicKey: pub, suite } = readSeed(o.get('seed')!, asked));
			else {
				suite = ceremonyOf(asked ?? 'nacl');
				pub =
					parseRootPublicKey(need(o, 'public'), suite.id) ??
					refuse(
						`--public must be the base64 of ${suite.id === 'gm' ? 'a 65-byte SM2' : 'a 32-byte Ed25519'} public key (suite ${suite.id})`
					);
			}
			io.log(`Cipher suite:      ${suite.id}`);
			io.log(`Public key:        ${encodeBase64(pub)}`);
			io.log(`Fingerprint (校验码): ${suite.rootFingerprint(pub)}`);
			return;
		}
		case 'restore': {
			const out = need(o, 'out');
			const suite = ceremonyOf(asked ?? 'nacl');
			let seed: Uint8Array;
			try {
				seed = parsePaperBackup(o.get('digits') ?? io.stdin());
				suite.rootFromSeed(seed);
			} catch (e) {
				return refuse(`Paper backup refused: ${(e as Error).message}`);
			}
			writeNew(out, JSON.stringify(seedFile(seed, new Date(), suite), null, '\t') + '\n');
			printNewRoot(io, seed, out, suite);
			return;
		}
		case 'sign': {
			const { seed, fingerprint, suite } = readSeed(need(o, 'seed'), asked);
			const input = need(o, 'in');
			const out = need(o, 'out');
			let signed;
			try {
				const pending = parsePendingFile(readFileSync(input, 'utf8'));
				io.log(`Signing with ${suite.id} root ${fingerprint}:`);
				for (const e of pending.entries)
					io.log(
						`  entry  ${e.username} (${e.staffId}) · ${e.organId} · ${e.role} · until ${new Date(e.notAfter * 1000).toISOString().slice(0, 10)}`
					);
				if (pending.revocations)
					io.log(
						`  revocation list: ${pending.revocations.entryIds.length} entries, ${pending.revocations.publicKeys.length} keys`
					);
				signed = signPending(pending, seed, suite);
			} catch (e) {
				if (e instanceof CeremonyError) return refuse(`Refused: ${e.message}`);
				throw e;
			}
			writeFileSync(out, JSON.stringify(signed, null, '\t') + '\n');
			io.log(`Signed ${signed.entries.length} entries${signed.revocations ? ' and the revocation list' : ''}: ${out}`);
			io.log('Carry it to the server and run: npm run directory -- import-signed --in <file>');
			return;
		}
		case 'rotate': {
			const old = readSeed(need(o, 'seed'), asked);
			const suite = old.suite;
			const out = need(o, 'out');
			const next = suite.newSeed();
			const nextPublic = suite.rootFromSeed(next).publicKey;
			const statement = {
				format: 'qingfeng-root-rotation/v1',
				suite: suite.id,
				oldPublicKey: encodeBase64(old.publicKey),
				oldFingerprint: old.fingerprint,
				newPublicKey: encodeBase64(nextPublic),
				newFingerprint: suite.rootFingerprint(nextPublic),
				at: new Date().toISOString()
			};
			const oldPair = suite.rootFromSeed(old.seed);
			const signature = suite.entries.sign(new TextEncoder().encode(JSON.stringify(statement)), oldPair.secretKey);
			oldPair.secretKey.fill(0);
			writeNew(out, JSON.stringify(seedFile(next, new Date(), suite), null, '\t') + '\n');
			writeNew(
				`${out}.rotation.json`,
				JSON.stringify({ statement, signature: encodeBase64(signature) }, null, '\t') + '\n'
			);
			printNewRoot(io, next, out, suite);
			io.log('');
			io.log(`Rotation statement signed by the old root: ${out}.rotation.json (publish it).`);
			io.log(
				'On the server: set ROOT_PUBLIC_KEY to the new key, run npm run directory -- activate-root, then export, sign and import the entries again.'
			);
			next.fill(0);
			return;
		}
		case 'sign-release': {
			const { seed, fingerprint, suite } = readSeed(need(o, 'seed'), asked);
			const manifestFile = o.get('manifest') ?? 'build/release.json';
			const out = o.get('out') ?? manifestFile.replace(/\.json$/, '.sig');
			const r = signRelease(new Uint8Array(readFileSync(manifestFile)), seed, suite);
			if (!r.ok) return refuse(`Refused: ${r.message}`);
			writeFileSync(out, r.signature + '\n');
			// Served at /release.sig from the build's client folder (read when the server starts).
			const served = path.join(path.dirname(manifestFile), 'client');
			if (!o.has('out') && existsSync(served)) writeFileSync(path.join(served, 'release.sig'), r.signature + '\n');
			io.log(`Release manifest ${manifestFile} (${suite.id} suite) signed by root ${fingerprint}: ${out}`);
			return;
		}
		case 'attest': {
			const { seed, fingerprint, suite } = readSeed(need(o, 'seed'), asked);
			const organ = need(o, 'organ');
			const file = need(o, 'keys');
			const years = Number(o.get('years') ?? 2);
			let r: ReturnType<typeof addAttestKey>;
			try {
				r = addAttestKey(existsSync(file) ? readFileSync(file, 'utf8') : null, organ, seed, new Date(), years, suite);
			} catch (e) {
				return refuse(`Refused: ${(e as Error).message}`);
			}
			writeFileSync(file, r.text, { mode: 0o600 });
			io.log(
				`Attestation key (${suite.id === 'gm' ? 'SM2' : 'Ed25519'}) for ${organ} ${r.replaced ? 'replaced' : 'added'} in ${file}, signed by root ${fingerprint}, valid ${years} years.`
			);
			io.log(`Copy the file to the server (mode 0600) and set PROOF_KEYS_FILE=<its path>; restart the server.`);
			return;
		}
		default:
			usage(name ? `Unknown command: ${name}` : 'Give a command');
	}
}

/** `npm run root -- …` as a function: 0 when done, 1 when refused, 2 on a usage error (printed to `io.error`). */
export function runRoot(argv: string[], io: ToolIo): number {
	try {
		command(argv, io);
		return 0;
	} catch (e) {
		if (!(e instanceof ToolExit)) throw e;
		io.error(e.code === 2 ? `${e.message}\n${ROOT_USAGE}` : e.message);
		return e.code;
	}
}
