import { asc, eq } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { directoryEntry, disciplineOrgan, staffKey, staffUser } from '$lib/server/db/schema';
import { currentRevocations } from './directory';
import { listEntryRevocations } from './revocations';
import { getActiveRootKey } from './root-key';
import { deploymentSuite } from './suite';
import { toBase64 } from '$lib/shared/encoding';

/** How many organs the signing form lists (the directory may be large; ids can also be typed). */
const ORGAN_LIST_LIMIT = 2000;

/**
 * What the admin's key page shows: the active root (public half and fingerprint), every enrolled staff key,
 * the organs to sign entries for, the directory entries signed so far with their status (valid, or revoked
 * and why), and the server-side revocations (issue 16: a member left the organ or the account was disabled),
 * marked with whether the newest root-signed revocation list carries them too.
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
			entryId: directoryEntry.entryId,
			username: staffUser.username,
			organId: directoryEntry.organId,
			role: directoryEntry.role,
			notAfter: directoryEntry.notAfter
		})
		.from(directoryEntry)
		.innerJoin(staffUser, eq(staffUser.id, directoryEntry.staffId))
		.orderBy(asc(directoryEntry.createdAt));
	const signedRevoked = root ? (await currentRevocations(d, root.publicKey)).entryIds : new Set<string>();
	const revocations = await listEntryRevocations(d, signedRevoked);
	const revokedWhy = new Map(revocations.map((r) => [r.entryId, r.reason]));
	return {
		root: root
			? { publicKey: toBase64(root.publicKey), fingerprint: deploymentSuite().rootFingerprint(root.publicKey) }
			: null,
		staff: staff.map((s) => ({
			id: s.id,
			username: s.username,
			displayName: s.displayName,
			publicKey: toBase64(s.publicKey)
		})),
		organs,
		entries: entries.map((e) => {
			const id = Buffer.from(e.entryId).toString('hex');
			return {
				entryId: id,
				username: e.username,
				organId: e.organId,
				role: e.role,
				notAfter: e.notAfter.toISOString().slice(0, 10),
				revoked: revokedWhy.get(id) ?? (signedRevoked.has(id) ? 'signed_list' : null)
			};
		}),
		// An instant: the page shows it in the organ's zone (formatAt, issue 18).
		revocations: revocations.map((r) => ({ ...r, revokedAt: r.revokedAt.toISOString() }))
	};
}
