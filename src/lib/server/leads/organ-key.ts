/**
 * The organ key on the server (issue 17, docs/crypto.md "Organ key and blind index"): the server stores
 * versions and their wraps (sealed in a member's browser) and checks who they are for; it never sees the
 * key. A new version must be sealed to exactly the organ's current members (valid directory entries:
 * src/lib/server/keys/directory.ts), so a member removed before it cannot open anything under it; an
 * existing version may be sealed to current members who lack it (a new member reads the older leads).
 */
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { CryptoError } from '$lib/crypto/errors';
import type { Db } from '$lib/server/db';
import { organKey, organKeyWrap, organStaff, staffUser } from '$lib/server/db/schema';
import { appendAudit, type Queryable } from '$lib/server/audit/log';
import { validEntriesForOrgans } from '$lib/server/keys/directory';
import { checkSealedKey } from '$lib/server/keys/suite-wire';
import { toBase64 } from '$lib/server/http/base64';
import { STAFF_BODIES_LEADS } from './bodies';
import { validate } from '$lib/server/http/body';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { HANDLER_ROLES } from '$lib/shared/vocabulary/org';
import { isId } from '$lib/shared/encoding';
import type { OrganKeyState } from '$lib/shared/wire/leads';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** True if `staffId` is an active inspector or head of `organId` (the register's members). */
export async function isLeadMember(db: Db, staffId: string, organId: string): Promise<boolean> {
	const rows = await db
		.select({ x: organStaff.staffId })
		.from(organStaff)
		.innerJoin(staffUser, eq(staffUser.id, organStaff.staffId))
		.where(
			and(
				eq(organStaff.staffId, staffId),
				eq(organStaff.organId, organId),
				inArray(organStaff.role, [...HANDLER_ROLES]),
				isNull(staffUser.disabledAt)
			)
		);
	return rows.length > 0;
}

/** The newest organ-key version, or null. */
export async function currentVersion(db: Db | Queryable, organId: string): Promise<number | null> {
	const [row] = await (db as Db)
		.select({ v: organKey.version })
		.from(organKey)
		.where(eq(organKey.organId, organId))
		.orderBy(desc(organKey.version))
		.limit(1);
	return row?.v ?? null;
}

/** True if `staffId` holds a wrap of version `version` of the organ's key. */
export async function holdsVersion(db: Db | Queryable, staffId: string, organId: string, version: number) {
	const rows = await (db as Db)
		.select({ x: organKeyWrap.staffId })
		.from(organKeyWrap)
		.where(
			and(eq(organKeyWrap.organId, organId), eq(organKeyWrap.version, version), eq(organKeyWrap.staffId, staffId))
		);
	return rows.length > 0;
}

/** True if a holder of version `version` is no longer a current member (a new version is due). */
export async function rotationDue(db: Db, organId: string, version: number, now: Date): Promise<boolean> {
	const [holders, entries] = await Promise.all([
		db
			.select({ staffId: organKeyWrap.staffId })
			.from(organKeyWrap)
			.where(and(eq(organKeyWrap.organId, organId), eq(organKeyWrap.version, version))),
		validEntriesForOrgans(db, [organId], now)
	]);
	const members = new Set(entries.map((e) => e.staffId));
	return holders.some((h) => !members.has(h.staffId));
}

/** GET …/leads/keys?organ=: the caller's wraps and the members lacking versions. */
export async function organKeyState(
	ctx: StaffCtx,
	organId: unknown
): Promise<Result<OrganKeyState, 'invalid_field' | 'not_found'>> {
	if (!isId(organId)) return refuse('invalid_field', { field: 'organ' });
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const [versions, wraps, entries] = await Promise.all([
		ctx.db.select({ v: organKey.version }).from(organKey).where(eq(organKey.organId, organId)),
		ctx.db
			.select({ v: organKeyWrap.version, staffId: organKeyWrap.staffId, sealed: organKeyWrap.sealed })
			.from(organKeyWrap)
			.where(eq(organKeyWrap.organId, organId)),
		validEntriesForOrgans(ctx.db, [organId], ctx.now)
	]);
	const all = versions.map((r) => r.v).sort((a, b) => a - b);
	const current = all.length ? all[all.length - 1]! : null;
	const held = new Map<string, Set<number>>();
	for (const w of wraps) {
		if (!held.has(w.staffId)) held.set(w.staffId, new Set());
		held.get(w.staffId)!.add(w.v);
	}
	const seen = new Set<string>();
	const members: OrganKeyState['members'] = [];
	for (const e of entries) {
		if (seen.has(e.staffId)) continue; // one entry per member is enough
		seen.add(e.staffId);
		const has = held.get(e.staffId) ?? new Set<number>();
		members.push({ staffId: e.staffId, missing: all.filter((v) => !has.has(v)) });
	}
	const rotationDue = current !== null && wraps.some((w) => w.v === current && !seen.has(w.staffId));
	return ok({
		organId,
		current,
		mine: wraps
			.filter((w) => w.staffId === ctx.user.id)
			.sort((a, b) => a.v - b.v)
			.map((w) => ({ version: w.v, sealed: toBase64(w.sealed) })),
		members,
		rotationDue
	});
}

/**
 * Wraps of a key for the members of `organId` (an organ-key version, an index-key escrow): each a sealed key
 * to a current member's valid directory entry, at most one per member. Each wrap must be a sealed key of the
 * deployment's suite (issue 21: byte 0 and length; NaCl by default, GM under QF_CRYPTO_SUITE=gm), so a browser
 * of the other suite cannot store keys no member could open. The members and the staff the wraps reach, or
 * null (`bad_wraps`).
 */
export async function checkMemberWraps(
	db: Db,
	organId: string,
	wraps: readonly { staffId: string; entryId: Uint8Array; sealed: Uint8Array }[],
	now: Date
): Promise<{ members: Set<string>; seen: Set<string> } | null> {
	for (const w of wraps) {
		try {
			checkSealedKey(w.sealed);
		} catch (e) {
			if (e instanceof CryptoError) return null;
			throw e;
		}
	}
	const entries = await validEntriesForOrgans(db, [organId], now);
	const entryOf = new Map(entries.map((e) => [hex(e.entryId), e]));
	const members = new Set(entries.map((e) => e.staffId));
	const seen = new Set<string>();
	for (const w of wraps) {
		const e = entryOf.get(hex(w.entryId));
		if (!e || e.staffId !== w.staffId || seen.has(w.staffId)) return null;
		seen.add(w.staffId);
	}
	return { members, seen };
}

/**
 * POST …/leads/keys: a new version (current + 1, sealed to every current member and nobody else), or
 * wraps of an existing version the caller holds for current members lacking it. Audited `leads.organ_key`.
 */
export async function storeOrganKey(
	ctx: StaffCtx,
	input: unknown
): Promise<Result<{ version: number }, 'invalid_field' | 'not_found' | 'forbidden' | 'bad_wraps' | 'wraps_stale'>> {
	const parsed = validate(STAFF_BODIES_LEADS.OrganKeyBody, input);
	if (!parsed.ok) return parsed;
	const { organId, version, wraps } = parsed.value;
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const checked = await checkMemberWraps(ctx.db, organId, wraps, ctx.now);
	if (!checked) return refuse('bad_wraps', { field: 'wraps' });
	const { members, seen: staffSeen } = checked;
	return ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const current = await currentVersion(tx, organId);
		if (version === (current ?? 0) + 1) {
			// A new version: exactly the current members.
			if (staffSeen.size !== members.size || !staffSeen.has(ctx.user.id))
				return refuse('wraps_stale', { extra: { members: [...members] } });
			await tx.insert(organKey).values({ organId, version, createdBy: ctx.user.id, createdAt: ctx.now });
		} else if (current !== null && version <= current) {
			if (!(await holdsVersion(tx, ctx.user.id, organId, version))) return refuse('forbidden');
			const existing = await tx
				.select({ staffId: organKeyWrap.staffId })
				.from(organKeyWrap)
				.where(and(eq(organKeyWrap.organId, organId), eq(organKeyWrap.version, version)));
			const has = new Set(existing.map((r) => r.staffId));
			if (wraps.some((w) => has.has(w.staffId))) return refuse('bad_wraps', { field: 'wraps' });
		} else {
			return refuse('wraps_stale', { field: 'version', extra: { current } });
		}
		await tx.insert(organKeyWrap).values(
			wraps.map((w) => ({
				organId,
				version,
				staffId: w.staffId,
				entryId: w.entryId,
				sealed: w.sealed,
				createdBy: ctx.user.id,
				createdAt: ctx.now
			}))
		);
		await appendAudit(tx, {
			at: ctx.now,
			actor: ctx.user.id,
			action: 'leads.organ_key',
			reportId: null,
			organId,
			details: { version, staff: wraps.map((w) => w.staffId).sort(), created: version === (current ?? 0) + 1 }
		});
		return ok({ version }, { status: 201 });
	});
}
