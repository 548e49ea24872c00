/**
 * The admin key page's "sign" action on the server: store the signed entry (storeDirectoryEntry checks it)
 * and log what changed by id (issue 16): the entry id, the staff member, the organ, the role and the validity
 * period, not a byte count.
 */
import { toHex } from '$lib/crypto/encoding';
import { auditAdmin } from '$lib/server/audit/log';
import type { Db } from '$lib/server/db';
import { storeDirectoryEntry, type StoreEntryResult } from './directory';

export async function signAndAuditEntry(
	db: Db,
	admin: { id: string },
	signed: Uint8Array,
	now = new Date()
): Promise<StoreEntryResult> {
	const r = await storeDirectoryEntry(db, signed, now);
	if (r.ok)
		await auditAdmin(db, admin, 'keys.entry_sign', {
			entryId: toHex(r.entry.entryId),
			staffId: r.entry.staffId,
			organId: r.entry.organId,
			role: r.entry.role,
			notBefore: r.entry.notBefore,
			notAfter: r.entry.notAfter
		});
	return r;
}
