/**
 * The escrow of an organ's blind-index key to its ancestor organs (issue 17, docs/crypto.md "Across the
 * jurisdiction"). A member's browser of the lower organ seals K_index (format S) to the verified directory
 * entries of each ancestor organ's members, straight to every ancestor (not through the parent, whose
 * members never hold the lower organ's organ key); the server checks, as for an organ-key version, that
 * each wrap is for a current member's valid entry of that ancestor, and refuses any organ outside the
 * parent chain. K_index never rotates (it comes from organ-key version 1), so an escrow never goes stale:
 * new members of the ancestor get it sealed by the next lower browser that opens its register.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '$lib/server/db';
import { disciplineOrgan, leadPerson, organIndexEscrow } from '$lib/server/db/schema';
import { appendAudit } from '$lib/server/audit/log';
import { validEntriesForOrgans } from '$lib/server/keys/directory';
import { nodeBase64, toBase64 } from '$lib/server/http/base64';
import { validate } from '$lib/server/http/body';
import { ok, refuse, type Result } from '$lib/server/http/result';
import type { StaffCtx } from '$lib/server/backoffice/context';
import { isId } from '$lib/shared/encoding';
import { escrowBodies, type EscrowState, type HeldEscrows } from '$lib/shared/wire/leads-escrow';
import { checkMemberWraps, currentVersion, isLeadMember } from './organ-key';

export const ESCROW_BODIES = escrowBodies(nodeBase64.decode);

/** The organ's ancestors, top first ([] for an unknown organ). */
export async function ancestorsOf(db: Db, organId: string): Promise<string[]> {
	const [row] = await db
		.select({ a: disciplineOrgan.ancestorIds })
		.from(disciplineOrgan)
		.where(eq(disciplineOrgan.id, organId));
	return row?.a ?? [];
}

/** The organs below `organId` (every depth), with their names. */
export async function descendantsOf(db: Db, organId: string): Promise<{ id: string; name: string }[]> {
	return db
		.select({ id: disciplineOrgan.id, name: disciplineOrgan.name })
		.from(disciplineOrgan)
		.where(sql`${organId} = any(${disciplineOrgan.ancestorIds})`)
		.orderBy(disciplineOrgan.id);
}

/** GET …/leads/escrow?organ=: the ancestors' current members who hold no escrow of this organ's index key. */
export async function escrowState(
	ctx: StaffCtx,
	organId: unknown
): Promise<Result<EscrowState, 'invalid_field' | 'not_found'>> {
	if (!isId(organId)) return refuse('invalid_field', { field: 'organ' });
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const ancestors = await ancestorsOf(ctx.db, organId);
	if (!ancestors.length || (await currentVersion(ctx.db, organId)) === null) return ok({ organId, due: [] });
	const [entries, rows] = await Promise.all([
		validEntriesForOrgans(ctx.db, ancestors, ctx.now),
		ctx.db
			.select({ holder: organIndexEscrow.holderOrganId, staffId: organIndexEscrow.staffId })
			.from(organIndexEscrow)
			.where(eq(organIndexEscrow.organId, organId))
	]);
	const has = new Set(rows.map((r) => `${r.holder} ${r.staffId}`));
	const due: EscrowState['due'] = [];
	for (const holderOrganId of ancestors) {
		const staff = [...new Set(entries.filter((e) => e.organId === holderOrganId).map((e) => e.staffId))].filter(
			(s) => !has.has(`${holderOrganId} ${s}`)
		);
		if (staff.length) due.push({ holderOrganId, staff: staff.sort() });
	}
	return ok({ organId, due });
}

/**
 * POST …/leads/escrow: K_index of the caller's organ sealed to members of one ancestor organ. The first
 * escrow to an ancestor must reach exactly its current members; later ones only members who lack it.
 * Audited `leads.index_escrow` under the lower organ.
 */
export async function storeEscrow(
	ctx: StaffCtx,
	input: unknown
): Promise<
	Result<
		{ holderOrganId: string; staff: number },
		'invalid_field' | 'not_found' | 'forbidden' | 'bad_wraps' | 'wraps_stale'
	>
> {
	const parsed = validate(ESCROW_BODIES.EscrowBody, input);
	if (!parsed.ok) return parsed;
	const { organId, holderOrganId, wraps } = parsed.value;
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	if ((await currentVersion(ctx.db, organId)) === null) return refuse('forbidden');
	// Only the real parent chain: never a sibling, a lower organ, an unrelated one or the organ itself.
	if (!(await ancestorsOf(ctx.db, organId)).includes(holderOrganId))
		return refuse('forbidden', { field: 'holderOrganId' });
	const checked = await checkMemberWraps(ctx.db, holderOrganId, wraps, ctx.now);
	if (!checked) return refuse('bad_wraps', { field: 'wraps' });
	const { members, seen } = checked;
	return ctx.db.transaction(async (txRaw) => {
		const tx = txRaw as unknown as Db;
		const existing = await tx
			.select({ staffId: organIndexEscrow.staffId })
			.from(organIndexEscrow)
			.where(and(eq(organIndexEscrow.organId, organId), eq(organIndexEscrow.holderOrganId, holderOrganId)));
		const has = new Set(existing.map((r) => r.staffId));
		if (wraps.some((w) => has.has(w.staffId))) return refuse('bad_wraps', { field: 'wraps' });
		if (!existing.length && seen.size !== members.size)
			return refuse('wraps_stale', { extra: { members: [...members] } });
		await tx.insert(organIndexEscrow).values(
			wraps.map((w) => ({
				organId,
				holderOrganId,
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
			action: 'leads.index_escrow',
			reportId: null,
			organId,
			details: { holderOrganId, staff: wraps.map((w) => w.staffId).sort() }
		});
		return ok({ holderOrganId, staff: wraps.length }, { status: 201 });
	});
}

/** The lower organs whose index key the caller holds in escrow for `organId` (checked by the look-up). */
export async function escrowedTo(db: Db, staffId: string, organId: string): Promise<Set<string>> {
	const rows = await db
		.select({ organId: organIndexEscrow.organId })
		.from(organIndexEscrow)
		.where(and(eq(organIndexEscrow.holderOrganId, organId), eq(organIndexEscrow.staffId, staffId)));
	return new Set(rows.map((r) => r.organId));
}

/** GET …/leads/escrow/held?organ=: the escrowed index keys of the organs below, sealed to the caller. */
export async function heldEscrows(
	ctx: StaffCtx,
	organId: unknown
): Promise<Result<HeldEscrows, 'invalid_field' | 'not_found'>> {
	if (!isId(organId)) return refuse('invalid_field', { field: 'organ' });
	if (!(await isLeadMember(ctx.db, ctx.user.id, organId))) return refuse('not_found');
	const below = await descendantsOf(ctx.db, organId);
	if (!below.length) return ok({ organId, held: [], missing: [] });
	const ids = below.map((o) => o.id);
	const [rows, withLeads] = await Promise.all([
		ctx.db
			.select({ organId: organIndexEscrow.organId, sealed: organIndexEscrow.sealed })
			.from(organIndexEscrow)
			.where(
				and(
					eq(organIndexEscrow.holderOrganId, organId),
					eq(organIndexEscrow.staffId, ctx.user.id),
					inArray(organIndexEscrow.organId, ids)
				)
			),
		ctx.db.selectDistinct({ organId: leadPerson.organId }).from(leadPerson).where(inArray(leadPerson.organId, ids))
	]);
	const sealedOf = new Map(rows.map((r) => [r.organId, r.sealed]));
	const registers = new Set(withLeads.map((r) => r.organId));
	return ok({
		organId,
		held: below
			.filter((o) => sealedOf.has(o.id))
			.map((o) => ({ organId: o.id, name: o.name, sealed: toBase64(sealedOf.get(o.id)!) })),
		missing: below
			.filter((o) => !sealedOf.has(o.id) && registers.has(o.id))
			.map((o) => ({ organId: o.id, name: o.name }))
	});
}
