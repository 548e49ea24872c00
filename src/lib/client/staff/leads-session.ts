/**
 * The register pages' key handling (issue 17): fetches the organ-key state, opens the member's versions
 * with the unlocked keyring, and does the upkeep any member's browser does on opening the register: a new
 * version when a holder of the current one left (rotation), and the versions new members lack (sealed to
 * the verified directory entries of the organ). The opened keys live in the page's memory only.
 */
import { isUnlocked, withSecretKey } from '../keyring';
import type { OrganKeyState } from '../../shared/wire/leads';
import type { Converter } from '../../shared/person-name';
import { staffJson } from './api';
import { loadT2s, openOrganKeys, sealMissing, sealNewVersion, type OrganKeys } from './leads-crypto';

export type OrganKeyStatus =
	| { kind: 'locked' }
	| { kind: 'none'; state: OrganKeyState }
	| { kind: 'no_access'; state: OrganKeyState }
	| { kind: 'ready'; keys: OrganKeys; upkept: boolean };

let t2sPromise: Promise<Converter> | null = null;
/** The traditional→simplified converter, loaded once per page. */
export function converter(): Promise<Converter> {
	t2sPromise ??= loadT2s();
	return t2sPromise;
}

const keysPath = (organId: string) => `/staff/api/leads/keys?organ=${encodeURIComponent(organId)}`;

async function directory(organId: string): Promise<unknown> {
	// POST: the organ stays out of URLs (as on the report page).
	return staffJson<unknown>('/api/v1/directory', { method: 'POST', json: { organ: organId } });
}

/** Opens the organ's keys, doing the upkeep (rotation, versions for new members) on the way. */
export async function organKeys(organId: string): Promise<OrganKeyStatus> {
	if (!isUnlocked()) return { kind: 'locked' };
	let state = await staffJson<OrganKeyState>(keysPath(organId));
	if (state.current === null) return { kind: 'none', state };
	let keys = withSecretKey((pair) => openOrganKeys(state, pair));
	if (!keys) return { kind: 'no_access', state };
	let upkept = false;
	if (state.rotationDue) {
		const { request } = sealNewVersion(state, await directory(organId), { now: Date.now() });
		await staffJson(`/staff/api/leads/keys`, { method: 'POST', json: request });
		upkept = true;
	}
	if (state.members.some((m) => m.missing.length)) {
		for (const request of sealMissing(state, keys, await directory(organId), { now: Date.now() }))
			await staffJson(`/staff/api/leads/keys`, { method: 'POST', json: request });
		upkept = true;
	}
	if (upkept) {
		state = await staffJson<OrganKeyState>(keysPath(organId));
		keys = withSecretKey((pair) => openOrganKeys(state, pair));
		if (!keys) return { kind: 'no_access', state };
		// Versions made in this round may lack members that the rotation added: one more pass.
		if (state.members.some((m) => m.missing.length))
			for (const request of sealMissing(state, keys, await directory(organId), { now: Date.now() }))
				await staffJson(`/staff/api/leads/keys`, { method: 'POST', json: request });
	}
	return { kind: 'ready', keys, upkept };
}

/** Starts the organ's register: version 1 sealed to every current member. */
export async function startRegister(organId: string): Promise<void> {
	const state = await staffJson<OrganKeyState>(keysPath(organId));
	const { request } = sealNewVersion(state, await directory(organId), { now: Date.now() });
	await staffJson(`/staff/api/leads/keys`, { method: 'POST', json: request });
}
