/**
 * What an org import removes, for the audit log (issue 16): an import replaces the whole directory, so
 * conflict declarations and memberships missing from the file are dropped silently. Before the import the
 * current ones are read; after it, the dropped ones are logged by id (conflict declaration id, staff id,
 * unit or organ id), not only counted. Lists are capped so the entry stays under the chain's size limit;
 * the counts are always exact.
 */
import { auditAdmin } from '../audit/log';
import type { Db } from '../db/index';
import { organStaff, staffConflict } from '../db/schema';

/** At most this many ids per list in one audit entry (the counts say how many in all). */
export const DROPPED_IDS_LIMIT = 30;

export interface OrgSnapshotForAudit {
	conflicts: { id: number; staffId: string; unitId: string }[];
	memberships: { staffId: string; organId: string }[];
}

/** The conflict declarations and memberships before an import. */
export async function snapshotForAudit(db: Db): Promise<OrgSnapshotForAudit> {
	const [conflicts, memberships] = await Promise.all([
		db
			.select({ id: staffConflict.id, staffId: staffConflict.staffId, unitId: staffConflict.unitId })
			.from(staffConflict),
		db.select({ staffId: organStaff.staffId, organId: organStaff.organId }).from(organStaff)
	]);
	return { conflicts, memberships };
}

/** Logs `admin.org.import_dropped`: the declarations and memberships the import did not keep. */
export async function auditDropped(
	db: Db,
	actor: string,
	before: OrgSnapshotForAudit,
	after: { conflicts: { staffId: string; unitId: string }[]; staff: { id: string; organId: string }[] }
): Promise<{ conflicts: number; memberships: number }> {
	const keptConflicts = new Set(after.conflicts.map((c) => `${c.staffId}\u0000${c.unitId}`));
	const keptMembers = new Set(after.staff.map((s) => `${s.id}\u0000${s.organId}`));
	const conflicts = before.conflicts
		.filter((c) => !keptConflicts.has(`${c.staffId}\u0000${c.unitId}`))
		.sort((a, b) => a.id - b.id);
	const memberships = before.memberships.filter((m) => !keptMembers.has(`${m.staffId}\u0000${m.organId}`));
	await auditAdmin(db, actor, 'org.import_dropped', {
		droppedConflictCount: conflicts.length,
		droppedConflicts: conflicts
			.slice(0, DROPPED_IDS_LIMIT)
			.map((c) => ({ id: c.id, staffId: c.staffId, unitId: c.unitId })),
		removedMembershipCount: memberships.length,
		removedMemberships: memberships.slice(0, DROPPED_IDS_LIMIT).map((m) => ({ staffId: m.staffId, organId: m.organId }))
	});
	return { conflicts: conflicts.length, memberships: memberships.length };
}
