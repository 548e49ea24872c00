/**
 * The server's side of the root ceremony (docs/keys.md): `exportPending` lists what the root should sign
 * (a directory entry for every handler whose enrolled key has no current entry for their organ, and a
 * revocation list when staff are to be revoked); `importSigned` stores what the ceremony signed, each
 * item checked against the pinned root like an upload from the admin page.
 */
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { newEntryId } from '$lib/crypto/directory';
import { toHex } from '$lib/crypto/encoding';
import { toBase64, fromBase64 } from '$lib/shared/encoding';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import {
	PENDING_FILE_FORMAT,
	type PendingEntry,
	type PendingFile,
	type PendingRevocations,
	type SignedFile
} from '$lib/shared/root-ceremony';
import type { Db } from '$lib/server/db';
import { directoryEntry, organStaff, staffKey, staffUser } from '$lib/server/db/schema';
import { currentRevocations, storeDirectoryEntry, type StoreEntryResult } from './directory';
import { storeRevocationList, type StoreRevocationResult } from './revocations';
import { getActiveRootKey } from './root-key';
import { deploymentSuite } from './suite';

export interface ExportOptions {
	/** Validity of new entries in days (default 365). */
	days?: number;
	/** Staff whose entries and keys the new revocation list revokes. */
	revokeStaff?: readonly string[];
	now?: Date;
}

/** What the pinned root should sign now; null when no root is pinned and recorded. */
export async function exportPending(db: Db, opts: ExportOptions = {}): Promise<PendingFile | null> {
	const root = await getActiveRootKey(db);
	if (!root) return null;
	const now = opts.now ?? new Date();
	const nowS = Math.floor(now.getTime() / 1000);
	const days = opts.days ?? 365;
	const revoke = new Set(opts.revokeStaff ?? []);
	const handlers = await db
		.select({
			staffId: organStaff.staffId,
			organId: organStaff.organId,
			role: organStaff.role,
			username: staffUser.username,
			publicKey: staffKey.publicKey
		})
		.from(organStaff)
		.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
		.innerJoin(staffKey, eq(staffKey.staffId, organStaff.staffId))
		.where(and(inArray(organStaff.role, HANDLER_ROLES), isNull(staffUser.disabledAt)))
		.orderBy(asc(organStaff.organId), asc(staffUser.username));
	const current = await db
		.select({
			entryId: directoryEntry.entryId,
			staffId: directoryEntry.staffId,
			organId: directoryEntry.organId,
			role: directoryEntry.role,
			publicKey: directoryEntry.publicKey
		})
		.from(directoryEntry)
		.where(and(eq(directoryEntry.rootKeyId, root.id), gt(directoryEntry.notAfter, now)));
	const revoked = await currentRevocations(db, root.publicKey);
	const live = current.filter(
		(c) => !revoked.entryIds.has(toHex(c.entryId)) && !revoked.publicKeys.has(toHex(c.publicKey))
	);
	const entries: PendingEntry[] = [];
	for (const h of handlers) {
		if (revoke.has(h.staffId) || revoked.publicKeys.has(toHex(h.publicKey))) continue;
		const has = live.some(
			(c) =>
				c.staffId === h.staffId &&
				c.organId === h.organId &&
				c.role === h.role &&
				toBase64(c.publicKey) === toBase64(h.publicKey)
		);
		if (has) continue;
		entries.push({
			entryId: toHex(newEntryId()),
			staffId: h.staffId,
			username: h.username,
			organId: h.organId,
			role: h.role,
			publicKey: toBase64(h.publicKey),
			notBefore: nowS - 300,
			notAfter: nowS + days * 86_400
		});
	}
	let revocations: PendingRevocations | null = null;
	if (revoke.size > 0) {
		const ids = new Set(revoked.entryIds);
		const keys = new Set(revoked.publicKeys);
		for (const c of current) if (revoke.has(c.staffId)) ids.add(toHex(c.entryId));
		for (const h of handlers) if (revoke.has(h.staffId)) keys.add(toHex(h.publicKey));
		for (const c of current) if (revoke.has(c.staffId)) keys.add(toHex(c.publicKey));
		revocations = {
			issuedAt: nowS,
			entryIds: [...ids].sort(),
			publicKeys: [...keys].sort().map((hex) => toBase64(Uint8Array.from(Buffer.from(hex, 'hex'))))
		};
	}
	return {
		format: PENDING_FILE_FORMAT,
		rootFingerprint: deploymentSuite().rootFingerprint(root.publicKey),
		entries,
		revocations
	};
}

export interface ImportResult {
	stored: number;
	refused: { index: number; reason: Exclude<StoreEntryResult, { ok: true }>['reason'] | 'malformed' }[];
	revocations: StoreRevocationResult | null;
}

/** Stores a signed file: each entry and the revocation list only if it verifies against the pinned root. */
export async function importSigned(
	db: Db,
	signed: SignedFile,
	createdBy: string | null = null,
	now = new Date()
): Promise<ImportResult> {
	const result: ImportResult = { stored: 0, refused: [], revocations: null };
	for (const [index, b64] of signed.entries.entries()) {
		const bytes = fromBase64(b64);
		if (!bytes) {
			result.refused.push({ index, reason: 'malformed' });
			continue;
		}
		const r = await storeDirectoryEntry(db, bytes, now);
		if (r.ok) result.stored++;
		else result.refused.push({ index, reason: r.reason });
	}
	if (signed.revocations !== null) {
		const bytes = fromBase64(signed.revocations);
		result.revocations = bytes
			? await storeRevocationList(db, bytes, createdBy)
			: { ok: false, reason: 'bad_list' as const };
	}
	return result;
}
