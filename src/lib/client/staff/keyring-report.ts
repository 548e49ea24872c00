/**
 * Opening report keys with the unlocked keyring (src/lib/client/keyring.ts): the secret key is lent for
 * the one call and never copied; the report key returned is the caller's to zero (`forget`).
 */
import { isUnlocked, withSecretKey } from '../keyring';
import { openReportKey, openTransferredKey, type Wrap } from './report-crypto';

/** The report key from the caller's own wrap, or null while the keyring is locked. */
export function reportKeyFromKeyring(sealed: string): Uint8Array | null {
	if (!isUnlocked()) return null;
	return withSecretKey((pair) => openReportKey(sealed, pair));
}

/**
 * A transferred report (issue 16): checks the caller's wrap against its proof, the sending organ's signed
 * directory and the content (openTransferredKey); throws when it does not hold, or while locked.
 */
export function checkTransferredWrap(opts: {
	reportId: string;
	wrap: Wrap;
	senderOrganId: string;
	senderDirectory: unknown;
	content: string;
}): void {
	if (!isUnlocked()) throw new Error('the keyring is locked');
	withSecretKey((pair) => openTransferredKey({ ...opts, pair, now: Date.now() })).fill(0);
}
