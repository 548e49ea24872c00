/**
 * Who a report to an organ is sealed to (architecture invariant 4): the organ's valid directory entries
 * (active root key, valid now, not revoked by the newest list, account active), minus staff who declared a
 * conflict for the target unit. One recipient per staff member: a member with several valid entries (a
 * renewed entry overlapping the old one; the key is the same) may be sealed to through any of them.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { staffConflict } from '$lib/server/db/schema';
import { validEntriesForOrgans, type ValidEntry } from '$lib/server/keys/directory';

export interface Recipient {
	staffId: string;
	/** The member's valid entries for the organ (hex entry id → entry). */
	entries: Map<string, ValidEntry>;
}

/** Recipients of a report about `unitId` received by `organId`, by staff id. */
export async function computeRecipients(
	db: Db,
	organId: string,
	unitId: string,
	now = new Date()
): Promise<Map<string, Recipient>> {
	const [entries, conflicts] = await Promise.all([
		validEntriesForOrgans(db, [organId], now),
		db.select({ staffId: staffConflict.staffId }).from(staffConflict).where(eq(staffConflict.unitId, unitId))
	]);
	const conflicted = new Set(conflicts.map((c) => c.staffId));
	const out = new Map<string, Recipient>();
	for (const e of entries) {
		if (conflicted.has(e.staffId)) continue;
		let r = out.get(e.staffId);
		if (!r) out.set(e.staffId, (r = { staffId: e.staffId, entries: new Map() }));
		r.entries.set(Buffer.from(e.entryId).toString('hex'), e);
	}
	return out;
}
