import { asc, eq } from 'drizzle-orm';
import { rootFingerprint } from '$lib/crypto/directory';
import type { Db } from '$lib/server/db';
import { directoryEntry, disciplineOrgan, staffKey, staffUser } from '$lib/server/db/schema';
import { getActiveRootKey } from './root-key';
import { toBase64 } from '$lib/shared/encoding';

/** How many organs the signing form lists (the directory may be large; ids can also be typed). */
const ORGAN_LIST_LIMIT = 2000;

/**
 * What the admin's key page shows: the active root (public half and fingerprint), every enrolled staff key,
 * the organs to sign entries for, and the directory entries signed so far.
 */
export async function keysAdminView(d: Db) {
	const root = await getActiveRootKey(d);
	const staff = await d
		.select({
			id: staffUser.id,
			username: staffUser.username,
			displayName: staffUser.displayName,
			publicKey: staffKey.publicKey
		})
		.from(staffKey)
		.innerJoin(staffUser, eq(staffUser.id, staffKey.staffId))
		.orderBy(asc(staffUser.username));
	const organs = await d
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.orderBy(asc(disciplineOrgan.id))
		.limit(ORGAN_LIST_LIMIT);
	const entries = await d
		.select({
			username: staffUser.username,
			organId: directoryEntry.organId,
			role: directoryEntry.role,
			notAfter: directoryEntry.notAfter
		})
		.from(directoryEntry)
		.innerJoin(staffUser, eq(staffUser.id, directoryEntry.staffId))
		.orderBy(asc(directoryEntry.createdAt));
	return {
		root: root ? { publicKey: toBase64(root.publicKey), fingerprint: rootFingerprint(root.publicKey) } : null,
		staff: staff.map((s) => ({
			id: s.id,
			username: s.username,
			displayName: s.displayName,
			publicKey: toBase64(s.publicKey)
		})),
		organs,
		entries: entries.map((e) => ({ ...e, notAfter: e.notAfter.toISOString().slice(0, 10) }))
	};
}
