/**
 * Browser side of the index-key escrow (issue 17, docs/crypto.md "Across the jurisdiction"). Pure parts
 * (`sealEscrows`, `openEscrows`, `blindAcross`) take the served JSON and keys; `upkeepEscrow` and
 * `heldIndexKeys` do the fetching. A member of a lower organ who opens the register seals the organ's
 * blind-index key to the verified directory entries of each ancestor organ's members who lack it; a member
 * of a higher organ opens the keys escrowed to them and computes the person's blind values once per organ.
 */
import { decodeBase64 } from '@oslojs/encoding';
import { openSealedKey, type BoxKeyPair } from '../../crypto/seal';
import type { DirectoryEntry } from '../../crypto/directory';
import type { Converter } from '../../shared/person-name';
import type { EscrowRequest, EscrowState, HeldEscrows } from '../../shared/wire/leads-escrow';
import { isUnlocked, withSecretKey } from '../keyring';
import { staffJson } from './api';
import { blindOf, type OrganKeys } from './leads-crypto';
import { resealForOrgan } from './report-crypto';

/** The escrow requests for one ancestor organ: the index key sealed to its members who lack it. */
export function sealEscrows(
	keys: OrganKeys,
	due: EscrowState['due'][number],
	directoryAnswer: unknown,
	options: { now: Date | number; pinnedRootPublicKey?: Uint8Array }
): EscrowRequest | null {
	const lacking = new Set(due.staff);
	const r = resealForOrgan(keys.indexKey, directoryAnswer, {
		organId: due.holderOrganId,
		...options,
		only: (e: DirectoryEntry) => lacking.has(e.staffId)
	});
	return r.wraps.length ? { organId: keys.organId, holderOrganId: due.holderOrganId, wraps: r.wraps } : null;
}

/** The index keys escrowed to the member (a wrap that does not open is left out). */
export function openEscrows(
	held: HeldEscrows,
	pair: BoxKeyPair
): { organId: string; name: string; indexKey: Uint8Array }[] {
	const out: { organId: string; name: string; indexKey: Uint8Array }[] = [];
	for (const h of held.held) {
		try {
			out.push({ organId: h.organId, name: h.name, indexKey: openSealedKey(decodeBase64(h.sealed), pair) });
		} catch {
			/* not openable with this keypair: that organ is not searched */
		}
	}
	return out;
}

/** The person's blind values under each lower organ's index key, for the opinion's `lower`. */
export function blindAcross(
	lower: { organId: string; indexKey: Uint8Array }[],
	person: { name: string; unit: string },
	t2s: Converter
) {
	return lower.map((l) => ({
		organId: l.organId,
		...blindOf({ organId: l.organId, current: 1, versions: new Map(), indexKey: l.indexKey }, person, t2s)
	}));
}

async function directory(organId: string): Promise<unknown> {
	return staffJson<unknown>('/api/v1/directory', { method: 'POST', json: { organ: organId } });
}

const inflight = new Map<string, Promise<number>>();

/** Escrows the organ's index key to every ancestor's members who lack it; returns how many ancestors got wraps. */
export function upkeepEscrow(keys: OrganKeys): Promise<number> {
	// One round per organ at a time: two refreshes of the page must not post the same wraps twice.
	let p = inflight.get(keys.organId);
	if (!p) {
		p = escrowRound(keys).finally(() => inflight.delete(keys.organId));
		inflight.set(keys.organId, p);
	}
	return p;
}

async function escrowRound(keys: OrganKeys): Promise<number> {
	const state = await staffJson<EscrowState>(`/staff/api/leads/escrow?organ=${encodeURIComponent(keys.organId)}`);
	let posted = 0;
	for (const due of state.due) {
		const request = sealEscrows(keys, due, await directory(due.holderOrganId), { now: Date.now() });
		if (!request) continue;
		await staffJson('/staff/api/leads/escrow', { method: 'POST', json: request });
		posted++;
	}
	return posted;
}

/** The lower organs' index keys escrowed to the member, and the lower registers not searchable yet. */
export async function heldIndexKeys(organId: string) {
	const held = await staffJson<HeldEscrows>(`/staff/api/leads/escrow/held?organ=${encodeURIComponent(organId)}`);
	const lower = isUnlocked() ? withSecretKey((pair) => openEscrows(held, pair)) : [];
	return { lower, missing: held.missing };
}

/** Forgets opened index keys. */
export function forgetIndexKeys(lower: { indexKey: Uint8Array }[]): void {
	for (const l of lower) l.indexKey.fill(0);
}
