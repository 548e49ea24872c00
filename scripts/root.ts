/**
 * `npm run root -- <command>`: the root key ceremony (docs/keys.md). Meant for an offline machine with a
 * copy of this repository; it never touches a database or the network. The commands: scripts/root-cli.ts.
 *
 *   init --out <seed.json> [--suite nacl|gm]    new root seed: writes the seed file (mode 0600) and prints the
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
 *
 * The cipher suite (issue 21): --suite, else QF_CRYPTO_SUITE, else the seed file's, else nacl. A GM root is SM2.
 */
import { runRoot } from './root-cli';
import { runMain } from './tool-io';

await runMain(runRoot);
