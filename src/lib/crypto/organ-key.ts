/**
 * The organ key (issue 17, docs/crypto.md "Organ key and blind index"): a symmetric key per discipline
 * organ and version, generated in a staff browser and sealed (format S, ./seal.ts) to each current
 * member's box key. Lead details and the persons of a lead are encrypted under keys derived from it:
 *
 *   K_lead   = subkey(K_organ[v], "lead v1", organId ‖ 0 ‖ leadId)
 *   details  = content(subkey(K_lead, "details"), JSON)          (format C, padded)
 *   person   = content(subkey(K_lead, "person", personId), JSON) (format C, padded)
 *
 * so a blob decrypts only as that part of that lead of that organ. The blind index is a keyed hash of a
 * normalised name (src/lib/shared/person-name.ts) under the organ's index key:
 *
 *   K_index  = subkey(K_organ[1], "blind index v1", organId)      (the first version: stable across rotations)
 *   blind(x) = HMAC-SHA-512(K_index, label ‖ 0 ‖ x)[0..32]
 *
 * The server stores the blind values and never sees K_index; equal names within one organ give equal values
 * (what the index leaks), and the same name gives different values in two organs.
 *
 * GM suite (issue 21): the same derivations with subkey_gm, the GM content format and HMAC-SM3 for the blind
 * value (32 bytes, no truncation); every function takes the deployment's `suite` last (absent: NaCl, as before).
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA512 } from '@oslojs/crypto/sha2';
import { decryptContent, encryptContent } from './content';
import { fromUtf8, utf8 } from './encoding';
import { CryptoFormatError } from './errors';
import { checkKey, generateReportKey, subkey as naclSubkey } from './keys';
import type { Suite } from './suite';

const other = (suite?: Suite) => (suite && suite.id !== 'nacl' ? suite : undefined);
const subkeyOf = (suite?: Suite) => other(suite)?.subkey ?? naclSubkey;

/** Length of a blind-index value. */
export const BLIND_LENGTH = 32;

/** A fresh organ key (32 random bytes). */
export function generateOrganKey(): Uint8Array {
	return generateReportKey();
}

function ctx(...parts: string[]): Uint8Array {
	for (const p of parts)
		if (p.includes('\u0000')) throw new CryptoFormatError('INVALID_ARGUMENT', 'context holds a NUL');
	return utf8(parts.join('\u0000'));
}

/** The key of one lead under one organ-key version. */
export function leadKey(organKey: Uint8Array, organId: string, leadId: string, suite?: Suite): Uint8Array {
	checkKey(organKey, 'organ key');
	return subkeyOf(suite)(organKey, 'lead v1', ctx(organId, leadId));
}

function sealJson(key: Uint8Array, value: unknown, suite?: Suite): Uint8Array {
	try {
		return (other(suite)?.encryptContent ?? encryptContent)(key, utf8(JSON.stringify(value)));
	} finally {
		key.fill(0);
	}
}

function openJson<T>(key: Uint8Array, blob: Uint8Array, suite?: Suite): T {
	try {
		return JSON.parse(fromUtf8((other(suite)?.decryptContent ?? decryptContent)(key, blob))) as T;
	} finally {
		key.fill(0);
	}
}

/** Encrypts a lead's details (any JSON value). */
export function encryptLeadDetails(
	organKey: Uint8Array,
	organId: string,
	leadId: string,
	details: unknown,
	suite?: Suite
): Uint8Array {
	const k = leadKey(organKey, organId, leadId, suite);
	try {
		return sealJson(subkeyOf(suite)(k, 'details'), details, suite);
	} finally {
		k.fill(0);
	}
}

/** Decrypts a lead's details; CryptoAuthError if the blob is not this lead's. */
export function decryptLeadDetails<T = unknown>(
	organKey: Uint8Array,
	organId: string,
	leadId: string,
	blob: Uint8Array,
	suite?: Suite
): T {
	const k = leadKey(organKey, organId, leadId, suite);
	try {
		return openJson<T>(subkeyOf(suite)(k, 'details'), blob, suite);
	} finally {
		k.fill(0);
	}
}

/** Encrypts one person of a lead. */
export function encryptLeadPerson(
	organKey: Uint8Array,
	organId: string,
	leadId: string,
	personId: string,
	person: unknown,
	suite?: Suite
): Uint8Array {
	const k = leadKey(organKey, organId, leadId, suite);
	try {
		return sealJson(subkeyOf(suite)(k, 'person', utf8(personId)), person, suite);
	} finally {
		k.fill(0);
	}
}

/** Decrypts one person of a lead; CryptoAuthError if the blob is not this person of this lead. */
export function decryptLeadPerson<T = unknown>(
	organKey: Uint8Array,
	organId: string,
	leadId: string,
	personId: string,
	blob: Uint8Array,
	suite?: Suite
): T {
	const k = leadKey(organKey, organId, leadId, suite);
	try {
		return openJson<T>(subkeyOf(suite)(k, 'person', utf8(personId)), blob, suite);
	} finally {
		k.fill(0);
	}
}

/** The organ's blind-index key, from its first organ-key version. */
export function blindIndexKey(firstOrganKey: Uint8Array, organId: string, suite?: Suite): Uint8Array {
	checkKey(firstOrganKey, 'organ key');
	return subkeyOf(suite)(firstOrganKey, 'blind index v1', ctx(organId));
}

/** A blind-index value of an already normalised text under the index key, for one label ('name' | 'name+unit'). */
export function blindValue(
	indexKey: Uint8Array,
	label: 'name' | 'name+unit',
	normalized: string,
	suite?: Suite
): Uint8Array {
	checkKey(indexKey, 'index key');
	const data = utf8(`${label}\u0000${normalized}`);
	const gm = other(suite);
	if (gm) return gm.mac(indexKey, data);
	return hmac(SHA512, indexKey, data).subarray(0, BLIND_LENGTH);
}

/** The two blind values of a person: of the name, and of the name with the unit. */
export function blindPerson(
	indexKey: Uint8Array,
	normalizedName: string,
	normalizedUnit: string,
	suite?: Suite
): { blindName: Uint8Array; blindNameUnit: Uint8Array } {
	return {
		blindName: blindValue(indexKey, 'name', normalizedName, suite),
		blindNameUnit: blindValue(indexKey, 'name+unit', `${normalizedName}\u0000${normalizedUnit}`, suite)
	};
}
