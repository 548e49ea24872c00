/**
 * `npm run root -- <command>`: the root key ceremony (docs/keys.md). Meant for an offline machine with a
 * copy of this repository; it never touches a database or the network.
 *
 *   init --out <seed.json>                      new root seed: writes the seed file (mode 0600) and prints the
 *                                               public key to pin (ROOT_PUBLIC_KEY), its fingerprint and the
 *                                               paper backup (85 digits)
 *   show --seed <seed.json> | --public <base64>  public key and fingerprint (校验码)
 *   restore --out <seed.json> [--digits "…"]    seed file from the paper backup (digits from stdin if not given)
 *   sign --seed <seed.json> --in <pending.json> --out <signed.json>
 *                                               signs the entries and revocations `npm run directory --
 *                                               export-pending` wrote; import them with `import-signed`
 *   rotate --seed <old.json> --out <new.json>   a new root seed, plus <new.json>.rotation.json: the new public
 *                                               key signed by the old root, to publish with the new fingerprint
 *   sign-release --seed <seed.json> [--manifest build/release.json] [--out build/release.sig]
 *                                               signs the release manifest the build wrote
 *   attest --seed <seed.json> --organ <organ id> --keys <proof-keys.json> [--years 2]
 *                                               a new attestation key for an organ (the proof of having
 *                                               reported, issue 19), its entry signed by the root, added to the
 *                                               keys file the server reads (PROOF_KEYS_FILE; mode 0600)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeBase64 } from '@oslojs/encoding';
import nacl from 'tweetnacl';
import { generateRootKey, rootFingerprint, rootKeyFromSeed } from '../src/lib/crypto/directory';
import { parseRootPublicKey } from '../src/lib/server/config';
import {
	CeremonyError,
	formatPaperBackup,
	parsePaperBackup,
	parsePendingFile,
	parseSeedFile,
	seedFile,
	signPending
} from '../src/lib/shared/root-ceremony';
import { signRelease } from '../src/lib/shared/build-root';
import { addAttestKey } from '../src/lib/shared/attest-keys';

const USAGE = `Usage: npm run root -- init --out <seed.json>
       npm run root -- show --seed <seed.json> | --public <base64>
       npm run root -- restore --out <seed.json> [--digits "<85 digits>"]
       npm run root -- sign --seed <seed.json> --in <pending.json> --out <signed.json>
       npm run root -- rotate --seed <old-seed.json> --out <new-seed.json>
       npm run root -- sign-release --seed <seed.json> [--manifest build/release.json] [--out build/release.sig]
       npm run root -- attest --seed <seed.json> --organ <organ id> --keys <proof-keys.json> [--years 2]`;

function fail(message: string, code = 2): never {
	console.error(code === 2 ? `${message}\n${USAGE}` : message);
	process.exit(code);
}

function options(args: string[]): Map<string, string> {
	const out = new Map<string, string>();
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		if (!a.startsWith('--')) fail(`Unexpected argument: ${a}`);
		const v = args[++i];
		if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
		out.set(a.slice(2), v);
	}
	return out;
}

function need(o: Map<string, string>, name: string): string {
	const v = o.get(name);
	if (v === undefined) fail(`Give --${name}`);
	return v;
}

function writeNew(file: string, text: string): void {
	if (existsSync(file)) fail(`${file} exists: refusing to overwrite it (a seed file is the root key).`, 1);
	writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}

function readSeed(file: string) {
	try {
		return parseSeedFile(readFileSync(file, 'utf8'));
	} catch (e) {
		if (e instanceof CeremonyError) fail(`${file}: ${e.message}`, 1);
		fail(`Cannot read ${file}: ${(e as Error).message}`, 1);
	}
}

function printNewRoot(seed: Uint8Array, file: string): void {
	const pub = rootKeyFromSeed(seed).publicKey;
	console.log(`Root seed written to ${file} (mode 0600). Keep it offline; it is the organization's root key.`);
	console.log('');
	console.log(`Public key (pin it on every server):  ROOT_PUBLIC_KEY=${encodeBase64(pub)}`);
	console.log(`Fingerprint (校验码, publish it):     ${rootFingerprint(pub)}`);
	console.log('');
	console.log('Paper backup (write it down or print it; `npm run root -- restore` reads it back):');
	console.log(`  ${formatPaperBackup(seed)}`);
}

function main(): void {
	const [command, ...rest] = process.argv.slice(2);
	const o = options(rest);
	switch (command) {
		case 'init': {
			const out = need(o, 'out');
			const root = generateRootKey();
			writeNew(out, JSON.stringify(seedFile(root.seed), null, '\t') + '\n');
			printNewRoot(root.seed, out);
			root.secretKey.fill(0);
			return;
		}
		case 'show': {
			let pub: Uint8Array;
			if (o.has('seed')) pub = readSeed(o.get('seed')!).publicKey;
			else {
				const k = parseRootPublicKey(need(o, 'public'));
				if (!k) fail('--public must be the base64 of a 32-byte public key', 1);
				pub = k;
			}
			console.log(`Public key:        ${encodeBase64(pub)}`);
			console.log(`Fingerprint (校验码): ${rootFingerprint(pub)}`);
			return;
		}
		case 'restore': {
			const out = need(o, 'out');
			const digits = o.get('digits') ?? readFileSync(0, 'utf8');
			let seed: Uint8Array;
			try {
				seed = parsePaperBackup(digits);
			} catch (e) {
				if (e instanceof CeremonyError) fail(`Paper backup refused: ${e.message}`, 1);
				throw e;
			}
			writeNew(out, JSON.stringify(seedFile(seed), null, '\t') + '\n');
			printNewRoot(seed, out);
			return;
		}
		case 'sign': {
			const { seed, fingerprint } = readSeed(need(o, 'seed'));
			const input = need(o, 'in');
			const out = need(o, 'out');
			let signed;
			try {
				const pending = parsePendingFile(readFileSync(input, 'utf8'));
				console.log(`Signing with root ${fingerprint}:`);
				for (const e of pending.entries)
					console.log(
						`  entry  ${e.username} (${e.staffId}) · ${e.organId} · ${e.role} · until ${new Date(e.notAfter * 1000).toISOString().slice(0, 10)}`
					);
				if (pending.revocations)
					console.log(
						`  revocation list: ${pending.revocations.entryIds.length} entries, ${pending.revocations.publicKeys.length} keys`
					);
				signed = signPending(pending, seed);
			} catch (e) {
				if (e instanceof CeremonyError) fail(`Refused: ${e.message}`, 1);
				throw e;
			}
			writeFileSync(out, JSON.stringify(signed, null, '\t') + '\n');
			console.log(
				`Signed ${signed.entries.length} entries${signed.revocations ? ' and the revocation list' : ''}: ${out}`
			);
			console.log('Carry it to the server and run: npm run directory -- import-signed --in <file>');
			return;
		}
		case 'rotate': {
			const old = readSeed(need(o, 'seed'));
			const out = need(o, 'out');
			const next = generateRootKey();
			const statement = {
				format: 'qingfeng-root-rotation/v1',
				oldPublicKey: encodeBase64(old.publicKey),
				oldFingerprint: old.fingerprint,
				newPublicKey: encodeBase64(next.publicKey),
				newFingerprint: rootFingerprint(next.publicKey),
				at: new Date().toISOString()
			};
			const message = new TextEncoder().encode(JSON.stringify(statement));
			const oldPair = rootKeyFromSeed(old.seed);
			const signature = nacl.sign.detached(message, oldPair.secretKey);
			oldPair.secretKey.fill(0);
			writeNew(out, JSON.stringify(seedFile(next.seed), null, '\t') + '\n');
			writeNew(
				`${out}.rotation.json`,
				JSON.stringify({ statement, signature: encodeBase64(signature) }, null, '\t') + '\n'
			);
			printNewRoot(next.seed, out);
			console.log('');
			console.log(`Rotation statement signed by the old root: ${out}.rotation.json (publish it).`);
			console.log(
				'On the server: set ROOT_PUBLIC_KEY to the new key, run npm run directory -- activate-root, then export, sign and import the entries again.'
			);
			next.secretKey.fill(0);
			return;
		}
		case 'sign-release': {
			const { seed, fingerprint } = readSeed(need(o, 'seed'));
			const manifestFile = o.get('manifest') ?? 'build/release.json';
			const out = o.get('out') ?? manifestFile.replace(/\.json$/, '.sig');
			const manifest = readFileSync(manifestFile);
			const r = signRelease(new Uint8Array(manifest), seed);
			if (!r.ok) fail(`Refused: ${r.message}`, 1);
			writeFileSync(out, r.signature + '\n');
			// Served at /release.sig from the build's client folder (read when the server starts).
			const served = path.join(path.dirname(manifestFile), 'client');
			if (!o.has('out') && existsSync(served)) writeFileSync(path.join(served, 'release.sig'), r.signature + '\n');
			console.log(`Release manifest ${manifestFile} signed by root ${fingerprint}: ${out}`);
			return;
		}
		case 'attest': {
			const { seed, fingerprint } = readSeed(need(o, 'seed'));
			const organ = need(o, 'organ');
			const file = need(o, 'keys');
			const years = Number(o.get('years') ?? 2);
			let r: ReturnType<typeof addAttestKey>;
			try {
				r = addAttestKey(existsSync(file) ? readFileSync(file, 'utf8') : null, organ, seed, new Date(), years);
			} catch (e) {
				fail(`Refused: ${(e as Error).message}`, 1);
			}
			writeFileSync(file, r.text, { mode: 0o600 });
			console.log(
				`Attestation key for ${organ} ${r.replaced ? 'replaced' : 'added'} in ${file}, signed by root ${fingerprint}, valid ${years} years.`
			);
			console.log(`Copy the file to the server (mode 0600) and set PROOF_KEYS_FILE=<its path>; restart the server.`);
			return;
		}
		default:
			fail(command ? `Unknown command: ${command}` : 'Give a command');
	}
}

main();
