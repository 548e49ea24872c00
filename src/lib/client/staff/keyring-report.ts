/**
 * Opening report keys with the unlocked keyring (src/lib/client/keyring.ts): the secret key is lent for
 * the one call and never copied; the report key returned is the caller's to zero (`forget`).
 */
import { isUnlocked, withSecretKey } from '../keyring';
import { openReportKey } from './report-crypto';

/** The report key from the caller's own wrap, or null while the keyring is locked. */
export function reportKeyFromKeyring(sealed: string): Uint8Array | null {
	if (!isUnlocked()) return null;
	return withSecretKey((pair) => openReportKey(sealed, pair));
}
