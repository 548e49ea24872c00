/**
 * Signed key-directory entries: the admin's browser signs an entry with the root key; the server checks
 * it against the active root key (signature, validity, organ, the staff member's enrolled key) before
 * storing it, and serves the signed bytes unchanged. Reporters' browsers verify them again themselves.
 */
import { and, asc, eq, gt, inArray, isNull, lte, notExists, type SQL } from 'drizzle-orm';
import { CryptoError } from '$lib/crypto/errors';
import { toHex } from '$lib/crypto/encoding';
import {
	verifyDirectoryEntry,
	verifyRevocationList,
	type DirectoryEntry,
	type Revocations
} from '$lib/crypto/directory';
import { isUuid } from '$lib/shared/encoding';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import type { Db } from '$lib/server/db';
import { directoryEntry, disciplineOrgan, entryRevocation, organStaff, staffUser } from '$lib/server/db/schema';
import { latestRevocationList } from './revocations';
import { getActiveRootKey } from './root-key';
import { getStaffKey } from './staff-keys';
import { deploymentSuite } from './suite';

/** Roles a directory entry may carry: the organ roles that receive reports (admins do not). */
export const DIRECTORY_ROLES = HANDLER_ROLES;

export type StoreEntryResult =
	| { ok: true; entry: DirectoryEntry }
	| {
			ok: false;
			reason:
				| 'no_root'
				| 'bad_entry'
				| 'bad_signature'
				| 'not_valid_now'
				| 'bad_role'
				| 'unknown_staff'
				| 'not_enrolled'
				| 'key_mismatch'
				| 'unknown_organ'
				| 'duplicate';
	  };

/** Checks a signed entry and stores it. */
export async function storeDirectoryEntry(db: Db, signed: Uint8Array, now = new Date()): Promise<StoreEntryResult> {
	const root = await getActiveRootKey(db);
	if (!root) return { ok: false, reason: 'no_root' };
	let entry: DirectoryEntry;
	try {
		entry = verifyDirectoryEntry(signed, root.publicKey, { now, scheme: deploymentSuite().entries });
	} catch (e) {
		if (!(e instanceof CryptoError)) throw e;
		if (e.code === 'BAD_SIGNATURE' || e.code === 'UNSIGNED') return { ok: false, reason: 'bad_signature' };
		if (e.code === 'EXPIRED' || e.code === 'NOT_YET_VALID') return { ok: false, reason: 'not_valid_now' };
		return { ok: false, reason: 'bad_entry' };
	}
	if (!(DIRECTORY_ROLES as readonly string[]).includes(entry.role)) return { ok: false, reason: 'bad_role' };
	if (!isUuid(entry.staffId)) return { ok: false, reason: 'unknown_staff' };
	const [user] = await db.select({ id: staffUser.id }).from(staffUser).where(eq(staffUser.id, entry.staffId));
	if (!user) return { ok: false, reason: 'unknown_staff' };
	const key = await getStaffKey(db, entry.staffId);
	if (!key) return { ok: false, reason: 'not_enrolled' };
	if (Buffer.compare(Buffer.from(key.publicKey), Buffer.from(entry.publicKey)) !== 0)
		return { ok: false, reason: 'key_mismatch' };
	const [organ] = await db
		.select({ id: disciplineOrgan.id })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, entry.organId));
	if (!organ) return { ok: false, reason: 'unknown_organ' };
	const rows = await db
		.insert(directoryEntry)
		.values({
			entryId: entry.entryId,
			staffId: entry.staffId,
			organId: entry.organId,
			role: entry.role,
			publicKey: entry.publicKey,
			notBefore: new Date(entry.notBefore * 1000),
			notAfter: new Date(entry.notAfter * 1000),
			rootKeyId: root.id,
			signed
		})
		.onConflictDoNothing()
		.returning({ id: directoryEntry.entryId });
	return rows.length === 1 ? { ok: true, entry } : { ok: false, reason: 'duplicate' };
}

/**
 * Membership (issue 16): the entry's holder is still a member of the entry's organ with a handler role,
 * their account is active, and no server-side revocation row (written by the triggers of migration
 * 0013 when a member leaves or is disabled) names the entry. Use with a join on staffUser.
 */
function currentMember(d: Db): SQL {
	return and(
		isNull(staffUser.disabledAt),
		inArray(organStaff.role, [...DIRECTORY_ROLES]),
		notExists(
			d
				.select({ x: entryRevocation.entryId })
				.from(entryRevocation)
				.where(eq(entryRevocation.entryId, directoryEntry.entryId))
		)
	)!;
}

/**
 * The signed entries of an organ under the active root key that have not expired and whose holder is a
 * current member (see currentMember), oldest first, leaving out those of the staff in `excludeStaff`
 * (staff conflicted for the unit a report is about).
 */
export async function signedEntriesForOrgan(
	db: Db,
	organId: string,
	now = new Date(),
	excludeStaff: ReadonlySet<string> = new Set()
): Promise<Uint8Array[]> {
	const root = await getActiveRootKey(db);
	if (!root) return [];
	const rows = await db
		.select({ signed: directoryEntry.signed, staffId: directoryEntry.staffId })
		.from(directoryEntry)
		.innerJoin(staffUser, eq(staffUser.id, directoryEntry.staffId))
		.innerJoin(
			organStaff,
			and(eq(organStaff.staffId, directoryEntry.staffId), eq(organStaff.organId, directoryEntry.organId))
		)
		.where(
			and(
				eq(directoryEntry.organId, organId),
				eq(directoryEntry.rootKeyId, root.id),
				gt(directoryEntry.notAfter, now),
				currentMember(db)
			)
		)
		.orderBy(asc(directoryEntry.createdAt), asc(directoryEntry.entryId));
	return rows.filter((r) => !excludeStaff.has(r.staffId)).map((r) => r.signed);
}

/** Entries of one staff member (for the staff's own key page). */
export async function entriesForStaff(db: Db, staffId: string) {
	return db
		.select({ organId: directoryEntry.organId, role: directoryEntry.role, notAfter: directoryEntry.notAfter })
		.from(directoryEntry)
		.where(eq(directoryEntry.staffId, staffId))
		.orderBy(asc(directoryEntry.createdAt));
}

/** A directory entry that may receive reports now (see {@link validEntriesForOrgans}). */
export interface ValidEntry {
	entryId: Uint8Array;
	staffId: string;
	organId: string;
	publicKey: Uint8Array;
}

const revocationCache = new WeakMap<Uint8Array, Revocations>();

/**
 * The revocations of the newest root-signed list, or none. The list was verified when stored; it is
 * verified again here (once per list) so a row written behind the server's back cannot revoke or
 * un-revoke anything.
 */
export async function currentRevocations(db: Db, rootPublicKey: Uint8Array): Promise<Revocations> {
	const latest = await latestRevocationList(db);
	if (!latest) return { entryIds: new Set(), publicKeys: new Set() };
	const known = revocationCache.get(latest.signed);
	if (known) return known;
	const parsed = verifyRevocationList(latest.signed, rootPublicKey, deploymentSuite().entries);
	revocationCache.set(latest.signed, parsed);
	return parsed;
}

/**
 * Entries of the given organs that a report may be sealed to at `now`: signed under the active root key,
 * notBefore ≤ now < notAfter, not revoked (by entry id or public key) by the newest revocation list,
 * and held by a current member (see currentMember: still in the organ with a handler role, account
 * active, no server-side revocation row). Ordered by organ, staff, entry.
 */
export async function validEntriesForOrgans(
	db: Db,
	organIds: readonly string[],
	now = new Date()
): Promise<ValidEntry[]> {
	if (organIds.length === 0) return [];
	const root = await getActiveRootKey(db);
	if (!root) return [];
	const [rows, revoked] = await Promise.all([
		db
			.select({
				entryId: directoryEntry.entryId,
				staffId: directoryEntry.staffId,
				organId: directoryEntry.organId,
				publicKey: directoryEntry.publicKey
			})
			.from(directoryEntry)
			.innerJoin(staffUser, eq(staffUser.id, directoryEntry.staffId))
			.innerJoin(
				organStaff,
				and(eq(organStaff.staffId, directoryEntry.staffId), eq(organStaff.organId, directoryEntry.organId))
			)
			.where(
				and(
					inArray(directoryEntry.organId, [...organIds]),
					eq(directoryEntry.rootKeyId, root.id),
					lte(directoryEntry.notBefore, now),
					gt(directoryEntry.notAfter, now),
					currentMember(db)
				)
			)
			.orderBy(asc(directoryEntry.organId), asc(directoryEntry.staffId), asc(directoryEntry.entryId)),
		currentRevocations(db, root.publicKey)
	]);
	return rows.filter((r) => !revoked.entryIds.has(toHex(r.entryId)) && !revoked.publicKeys.has(toHex(r.publicKey)));
}
