/**
 * `npm run directory -- <command>`: the server's side of the root ceremony (docs/keys.md), on the database
 * the app uses (DATABASE_URL, else PGlite in DATA_DIR) with the pinned root (ROOT_PUBLIC_KEY or
 * ROOT_PUBLIC_KEY_FILE) in the deployment's suite (QF_CRYPTO_SUITE, issue 21). The commands:
 * scripts/directory-cli.ts.
 *
 *   export-pending --out <pending.json> [--days N] [--revoke-staff <id>]…
 *       what the root should sign: an entry for every handler whose enrolled key has none for their organ,
 *       and, with --revoke-staff, a new revocation list (everything revoked so far plus those staff)
 *   import-signed --in <signed.json>     stores what `npm run root -- sign` signed (each item verified)
 *   activate-root                        after a rotation: records the newly pinned key as the active root
 */
import { runDirectory } from './directory-cli';
import { runMain } from './tool-io';

await runMain(runDirectory);
