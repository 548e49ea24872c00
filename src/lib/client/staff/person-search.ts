/**
 * The inbox's search by person (被反映人, issue 18 item 3; docs/backoffice.md "The inbox"): the browser opens
 * the organ keys of the member's organs with the unlocked keyring (no upkeep here: that stays the register's,
 * leads-session.ts), computes the blind value of the typed name (and of name + unit when a unit is given)
 * with each organ's index key, and posts only those values. The name never leaves this tab.
 */
import { withSecretKey, isUnlocked } from '../keyring';
import type { OrganKeyState } from '../../shared/wire/leads';
import type { Converter } from '../../shared/person-name';
import { staffJson } from './api';
import { blindOf, forgetOrganKeys, openOrganKeys, type OrganKeys } from './leads-crypto';

/** The organs whose key opened, and how many did not (no register yet, or no version for this member). */
export interface PersonKeys {
	keys: OrganKeys[];
	missing: number;
}

/** Opens the organ keys of `organIds` the member holds; null when the keyring is locked. */
export async function openPersonKeys(organIds: string[]): Promise<PersonKeys | null> {
	if (!isUnlocked()) return null;
	const states = await Promise.all(
		organIds.map((id) => staffJson<OrganKeyState>(`/staff/api/leads/keys?organ=${encodeURIComponent(id)}`))
	);
	const keys: OrganKeys[] = [];
	for (const state of states) {
		const k = withSecretKey((pair) => openOrganKeys(state, pair));
		if (k) keys.push(k);
	}
	return { keys, missing: organIds.length - keys.length };
}

/** The inbox POST's `person` field: per organ, the blind value of the name (and of name + unit), base64. */
export function personField(keys: OrganKeys[], name: string, unit: string, t2s: Converter): string {
	const withUnit = unit.trim() !== '';
	return JSON.stringify(
		keys.map((k) => {
			const b = blindOf(k, { name: name.trim(), unit: unit.trim() }, t2s);
			return withUnit
				? { organ: k.organId, name: b.blindName, unit: b.blindNameUnit }
				: { organ: k.organId, name: b.blindName };
		})
	);
}

/** Zeroes the opened keys. */
export function forgetPersonKeys(p: PersonKeys | null): void {
	for (const k of p?.keys ?? []) forgetOrganKeys(k);
}
