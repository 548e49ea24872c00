/**
 * Root-signed revocation lists: stored after checking their signature against the active root key; the
 * newest one is served with the directory so browsers refuse revoked entries and keys.
 */
import { and, desc, eq } from 'drizzle-orm';
import { CryptoError } from '$lib/crypto/errors';
import { verifyRevocationList } from '$lib/crypto/directory';
import type { Db } from '$lib/server/db';
import { directoryEntry, entryRevocation, keyRevocation, staffUser } from '$lib/server/db/schema';
import { getActiveRootKey } from './root-key';
import { deploymentSuite } from './suite';

export type StoreRevocationResult =
	{ ok: true; issuedAt: Date } | { ok: false; reason: 'no_root' | 'bad_list' | 'bad_signature' | 'stale' };

export async function storeRevocationList(
	db: Db,
	signed: Uint8Array,
	createdBy: string | null
): Promise<StoreRevocationResult> {
	const root = await getActiveRootKey(db);
	if (!root) return { ok: false, reason: 'no_root' };
	let issuedAt: number;
	try {
		issuedAt = verifyRevocationList(signed, root.publicKey, deploymentSuite().entries).issuedAt;
	} catch (e) {
		if (!(e instanceof CryptoError)) throw e;
		return { ok: false, reason: e.code === 'BAD_SIGNATURE' || e.code === 'UNSIGNED' ? 'bad_signature' : 'bad_list' };
	}
	const latest = await latestRevocationList(db);
	// A list replaces the previous one; an older one must not roll revocations back.
	if (latest && latest.issuedAt.getTime() >= issuedAt * 1000) return { ok: false, reason: 'stale' };
	const at = new Date(issuedAt * 1000);
	await db.insert(keyRevocation).values({ rootKeyId: root.id, issuedAt: at, signed, createdBy });
	return { ok: true, issuedAt: at };
}

/** The newest signed list under the active root key, or null. */
export async function latestRevocationList(db: Db): Promise<{ signed: Uint8Array; issuedAt: Date } | null> {
	const root = await getActiveRootKey(db);
	if (!root) return null;
	const [row] = await db
		.select({ signed: keyRevocation.signed, issuedAt: keyRevocation.issuedAt })
		.from(keyRevocation)
		.where(and(eq(keyRevocation.rootKeyId, root.id)))
		.orderBy(desc(keyRevocation.issuedAt))
		.limit(1);
	return row ?? null;
}

/** One server-side entry revocation as the admin key page lists it. */
export interface EntryRevocationRow {
	entryId: string;
	username: string | null;
	organId: string;
	reason: string;
	revokedAt: Date;
	/** Also on the newest root-signed revocation list (so browsers refuse it too). */
	signed: boolean;
}

/**
 * Server-side revocations (directory_entry_revocation, written by the membership and account triggers) of
 * entries still stored, newest first, each marked with whether the newest root-signed list carries it as well.
 */
export async function listEntryRevocations(
	db: Db,
	signedIds: ReadonlySet<string>,
	limit = 500
): Promise<EntryRevocationRow[]> {
	const rows = await db
		.select({
			entryId: entryRevocation.entryId,
			username: staffUser.username,
			organId: entryRevocation.organId,
			reason: entryRevocation.reason,
			revokedAt: entryRevocation.revokedAt
		})
		.from(entryRevocation)
		// Only entries still stored: an entry deleted with its organ (an org import) needs no revocation.
		.innerJoin(directoryEntry, eq(directoryEntry.entryId, entryRevocation.entryId))
		.leftJoin(staffUser, eq(staffUser.id, entryRevocation.staffId))
		.orderBy(desc(entryRevocation.revokedAt))
		.limit(limit);
	return rows.map((r) => {
		const id = Buffer.from(r.entryId).toString('hex');
		return { ...r, entryId: id, signed: signedIds.has(id) };
	});
}
