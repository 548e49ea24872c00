/**
 * Browser-side crypto of the lead register (issue 17, docs/crypto.md "Organ key and blind index"):
 * opening the organ-key versions the member holds, sealing a new version (or an old one for new members)
 * to the verified directory entries of the organ, building a lead's ciphertexts and blind values, and
 * reading them back. Pure functions (no fetch); the page passes the keyring's keypair, the served JSON,
 * the time and the traditional→simplified converter (`loadT2s`, loaded only on the register's pages).
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import {
	blindIndexKey,
	blindPerson,
	decryptLeadDetails,
	decryptLeadPerson,
	encryptLeadDetails,
	encryptLeadPerson,
	generateOrganKey
} from '../../crypto/organ-key';
import { openSealedKey, type BoxKeyPair } from '../../crypto/seal';
import type { DirectoryEntry } from '../../crypto/directory';
import { normalizeName, type Converter } from '../../shared/person-name';
import type { LeadSource } from '../../shared/vocabulary/leads';
import type { LeadSummary, NewLeadRequest, OrganKeyRequest, OrganKeyState } from '../../shared/wire/leads';
import { resealForOrgan } from './report-crypto';
import { deploymentSuite } from '../deployment-suite';

/** The organ-key versions a member opened, and the organ's blind-index key (from version 1). */
export interface OrganKeys {
	organId: string;
	current: number;
	versions: Map<number, Uint8Array>;
	indexKey: Uint8Array;
}

/** A person as staff enter it (inside the person's ciphertext). */
export interface LeadPersonInput {
	name: string;
	unit: string;
	post: string;
	level: string;
}

/** A lead's details (inside its ciphertext): the matter, and the source's fields. */
export interface LeadDetails {
	matter: string;
	sourceRef?: string;
	sourceNote?: string;
	/** A lead handed down by the higher organ (issue 17): the hand-down's id and key (base64), for the result report. */
	handdown?: { id: string; key: string };
}

/** The opencc-js traditional→simplified converter, loaded on demand (≈110 kB, staff pages only). */
export async function loadT2s(): Promise<Converter> {
	const { Converter } = await import('opencc-js/t2cn');
	return Converter({ from: 't', to: 'cn' });
}

/** Opens the member's own wraps; null when the organ has no key yet or the member lacks version 1 or the current one. */
export function openOrganKeys(state: OrganKeyState, pair: BoxKeyPair): OrganKeys | null {
	if (state.current === null) return null;
	const versions = new Map<number, Uint8Array>();
	for (const w of state.mine) {
		try {
			versions.set(w.version, (deploymentSuite()?.openSealedKey ?? openSealedKey)(decodeBase64(w.sealed), pair));
		} catch {
			/* a wrap that does not open is treated as missing */
		}
	}
	const first = versions.get(1);
	if (!first || !versions.has(state.current)) return null;
	return {
		organId: state.organId,
		current: state.current,
		versions,
		indexKey: blindIndexKey(first, state.organId, deploymentSuite())
	};
}

/**
 * A new organ-key version sealed to every verified entry of the served directory answer (one per
 * member). The first version when `keys` is null.
 */
export function sealNewVersion(
	state: OrganKeyState,
	directoryAnswer: unknown,
	options: { now: Date | number; pinnedRootPublicKey?: Uint8Array }
): { request: OrganKeyRequest; fingerprint: string } {
	const key = generateOrganKey();
	try {
		const r = resealForOrgan(key, directoryAnswer, { organId: state.organId, ...options });
		return {
			fingerprint: r.fingerprint,
			request: { organId: state.organId, version: (state.current ?? 0) + 1, wraps: r.wraps }
		};
	} finally {
		key.fill(0);
	}
}

/** Wraps of the versions the member holds for the current members who lack them (new members). */
export function sealMissing(
	state: OrganKeyState,
	keys: OrganKeys,
	directoryAnswer: unknown,
	options: { now: Date | number; pinnedRootPublicKey?: Uint8Array }
): OrganKeyRequest[] {
	const out: OrganKeyRequest[] = [];
	for (const [version, key] of keys.versions) {
		const lacking = new Set(state.members.filter((m) => m.missing.includes(version)).map((m) => m.staffId));
		if (!lacking.size) continue;
		const r = resealForOrgan(key, directoryAnswer, {
			organId: state.organId,
			...options,
			only: (e: DirectoryEntry) => lacking.has(e.staffId)
		});
		if (r.wraps.length) out.push({ organId: state.organId, version, wraps: r.wraps });
	}
	return out;
}

/** The blind values of a person (base64), for registering and for look-ups. */
export function blindOf(keys: OrganKeys, person: { name: string; unit: string }, t2s: Converter) {
	const b = blindPerson(
		keys.indexKey,
		normalizeName(person.name, t2s),
		normalizeName(person.unit, t2s),
		deploymentSuite()
	);
	return { blindName: encodeBase64(b.blindName), blindNameUnit: encodeBase64(b.blindNameUnit) };
}

/** Builds the request of a new lead: details and persons encrypted under the current version, blind values. */
export function buildLead(
	keys: OrganKeys,
	input: {
		id?: string;
		source: LeadSource;
		category?: string | null;
		details: LeadDetails;
		persons: (LeadPersonInput & { id?: string })[];
		reports?: string[];
	},
	t2s: Converter
): NewLeadRequest {
	const id = input.id ?? crypto.randomUUID();
	const key = keys.versions.get(keys.current)!;
	return {
		id,
		organId: keys.organId,
		source: input.source,
		category: (input.category ?? null) as NewLeadRequest['category'],
		keyVersion: keys.current,
		details: encodeBase64(encryptLeadDetails(key, keys.organId, id, input.details, deploymentSuite())),
		persons: input.persons.map((p) => {
			const pid = p.id ?? crypto.randomUUID();
			const person: LeadPersonInput = { name: p.name, unit: p.unit, post: p.post, level: p.level };
			return {
				id: pid,
				sealed: encodeBase64(encryptLeadPerson(key, keys.organId, id, pid, person, deploymentSuite())),
				...blindOf(keys, p, t2s)
			};
		}),
		reports: input.reports ?? []
	};
}

/** A lead as read: details and persons decrypted (null where a ciphertext does not open). */
export interface LeadAsRead {
	details: LeadDetails | null;
	persons: { id: string; leadId: string; person: LeadPersonInput | null }[];
}

/** Decrypts a served lead (summary or view) with the opened organ keys. */
export function readLead(keys: OrganKeys, lead: LeadSummary): LeadAsRead {
	const at = (v: number) => keys.versions.get(v);
	let details: LeadDetails | null = null;
	try {
		const k = at(lead.keyVersion);
		if (k)
			details = decryptLeadDetails<LeadDetails>(
				k,
				lead.organId,
				lead.id,
				decodeBase64(lead.details),
				deploymentSuite()
			);
	} catch {
		details = null;
	}
	return {
		details,
		persons: lead.persons.map((p) => {
			let person: LeadPersonInput | null = null;
			try {
				const k = at(p.keyVersion);
				if (k)
					person = decryptLeadPerson<LeadPersonInput>(
						k,
						lead.organId,
						p.leadId,
						p.id,
						decodeBase64(p.sealed),
						deploymentSuite()
					);
			} catch {
				person = null;
			}
			return { id: p.id, leadId: p.leadId, person };
		})
	};
}

/** Zeroes the opened keys (the page lets go of them). */
export function forgetOrganKeys(keys: OrganKeys | null): void {
	if (!keys) return;
	for (const k of keys.versions.values()) k.fill(0);
	keys.indexKey.fill(0);
}
