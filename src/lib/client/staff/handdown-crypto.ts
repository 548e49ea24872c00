/**
 * Browser-side crypto of a hand-down (交办, issue 17; docs/crypto.md "Hand-down"). The higher organ's
 * browser makes a fresh hand-down key K_h, puts the lead's content (source, category, details, persons)
 * in one content ciphertext under it, seals K_h to each verified member of the lower organ (format S, as a
 * report transfer does) and wraps it under its own organ key so its members can read the result:
 *
 *   package  = content(subkey(K_h, "handdown package", handdownId), JSON)
 *   fromWrap = wrap(K_h, subkey(K_organ[v], "handdown v1", organId ‖ 0 ‖ handdownId))
 *   result   = content(subkey(K_h, "handdown result", handdownId), {text})
 *
 * The lower organ's browser opens K_h, re-encrypts the content as a lead of its own under its own organ
 * key and blind index (keeping K_h inside the new lead's details for the result). Pure functions.
 */
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { decryptContent, encryptContent } from '../../crypto/content';
import { fromUtf8, utf8 } from '../../crypto/encoding';
import { generateReportKey, subkey, unwrapKey, wrapKey } from '../../crypto/keys';
import { encryptLeadDetails } from '../../crypto/organ-key';
import { openSealedKey, type BoxKeyPair } from '../../crypto/seal';
import type { Converter } from '../../shared/person-name';
import type { LeadSource } from '../../shared/vocabulary/leads';
import type { OutcomeCode } from '../../shared/vocabulary/workflow';
import type { LeadSummary } from '../../shared/wire/leads';
import type {
	AcceptRequest,
	HanddownRequest,
	IncomingHanddown,
	OutgoingHanddown,
	ResultRequest
} from '../../shared/wire/leads-handdown';
import { buildLead, type LeadAsRead, type LeadDetails, type LeadPersonInput, type OrganKeys } from './leads-crypto';
import { resealForOrgan } from './report-crypto';
import { deploymentSuite } from '../deployment-suite';

/* In the deployment's cipher suite (issue 21): NaCl as before, or the GM suite's sub-keys, content and wraps. */
const sub = (key: Uint8Array, label: string, ctx?: Uint8Array) =>
	(deploymentSuite()?.subkey ?? subkey)(key, label, ctx);

/** What travels to the lower organ inside the package. */
export interface HanddownPackage {
	source: LeadSource;
	category: string | null;
	details: LeadDetails;
	persons: LeadPersonInput[];
	receivedOn: string;
}

function fromKek(organKey: Uint8Array, organId: string, handdownId: string): Uint8Array {
	return sub(organKey, 'handdown v1', utf8(`${organId}\u0000${handdownId}`));
}

function sealJson(key: Uint8Array, label: string, id: string, value: unknown): Uint8Array {
	const k = sub(key, label, utf8(id));
	try {
		return (deploymentSuite()?.encryptContent ?? encryptContent)(k, utf8(JSON.stringify(value)));
	} finally {
		k.fill(0);
	}
}

function openJson<T>(key: Uint8Array, label: string, id: string, blob: Uint8Array): T {
	const k = sub(key, label, utf8(id));
	try {
		return JSON.parse(fromUtf8((deploymentSuite()?.decryptContent ?? decryptContent)(k, blob))) as T;
	} finally {
		k.fill(0);
	}
}

/**
 * The hand-down request of a lead the member has read: the package for the lower organ, K_h sealed to the
 * lower organ's verified directory entries, wrapped under the higher organ's current key; without a copy,
 * the lead's new details (an empty matter). Throws DirectoryAnswerError for an answer that cannot be trusted.
 */
export function buildHanddown(
	keys: OrganKeys,
	lead: LeadSummary,
	read: LeadAsRead,
	options: {
		id?: string;
		toOrganId: string;
		deadline: string;
		keepCopy: boolean;
		directoryAnswer: unknown;
		now: Date | number;
		pinnedRootPublicKey?: Uint8Array;
	}
): HanddownRequest {
	if (!read.details || read.persons.some((p) => !p.person)) throw new Error('the lead does not open');
	const id = options.id ?? crypto.randomUUID();
	const kh = generateReportKey();
	const organKey = keys.versions.get(keys.current)!;
	const kek = fromKek(organKey, keys.organId, id);
	try {
		const pkg: HanddownPackage = {
			source: lead.source as LeadSource,
			category: lead.category,
			details: { matter: read.details.matter, sourceRef: read.details.sourceRef, sourceNote: read.details.sourceNote },
			persons: read.persons.map((p) => p.person!),
			receivedOn: lead.receivedOn
		};
		const sealed = resealForOrgan(kh, options.directoryAnswer, {
			organId: options.toOrganId,
			now: options.now,
			pinnedRootPublicKey: options.pinnedRootPublicKey
		});
		return {
			id,
			toOrganId: options.toOrganId,
			deadline: options.deadline,
			keyVersion: keys.current,
			fromWrap: encodeBase64((deploymentSuite()?.wrapKey ?? wrapKey)(kh, kek)),
			package: encodeBase64(sealJson(kh, 'handdown package', id, pkg)),
			wraps: sealed.wraps,
			keepCopy: options.keepCopy,
			...(options.keepCopy
				? {}
				: {
						redactedDetails: encodeBase64(
							encryptLeadDetails(organKey, keys.organId, lead.id, { matter: '' }, deploymentSuite())
						)
					})
		};
	} finally {
		kh.fill(0);
		kek.fill(0);
	}
}

/** Opens an incoming hand-down with the member's key pair: K_h and the package. */
export function openHanddown(h: IncomingHanddown, pair: BoxKeyPair): { key: Uint8Array; pkg: HanddownPackage } {
	if (!h.sealed || !h.package) throw new Error('nothing to open');
	const key = (deploymentSuite()?.openSealedKey ?? openSealedKey)(decodeBase64(h.sealed), pair);
	return { key, pkg: openJson<HanddownPackage>(key, 'handdown package', h.id, decodeBase64(h.package)) };
}

/** The lower organ's acceptance: the content as a new lead of its own (source `higher_organ`), K_h kept in its details. */
export function buildAcceptance(keys: OrganKeys, h: IncomingHanddown, pair: BoxKeyPair, t2s: Converter): AcceptRequest {
	const { key, pkg } = openHanddown(h, pair);
	try {
		const lead = buildLead(
			keys,
			{
				source: 'higher_organ',
				category: pkg.category,
				details: {
					...pkg.details,
					sourceNote: [pkg.details.sourceNote, h.fromOrganName].filter(Boolean).join(' · '),
					handdown: { id: h.id, key: encodeBase64(key) }
				},
				persons: pkg.persons,
				reports: []
			},
			t2s
		);
		return { lead };
	} finally {
		key.fill(0);
	}
}

/** The lower organ's result report, from its lead's details (which hold K_h). */
export function buildResult(details: LeadDetails, outcome: OutcomeCode, text: string): ResultRequest {
	if (!details.handdown) throw new Error('not a handed-down lead');
	const key = decodeBase64(details.handdown.key);
	try {
		return { outcome, result: encodeBase64(sealJson(key, 'handdown result', details.handdown.id, { text })) };
	} finally {
		key.fill(0);
	}
}

/** The result text as the higher organ reads it (null when there is none or it does not open). */
export function readResult(keys: OrganKeys, h: OutgoingHanddown): string | null {
	const organKey = keys.versions.get(h.fromKeyVersion);
	if (!h.result || !organKey) return null;
	const kek = fromKek(organKey, keys.organId, h.id);
	try {
		const key = (deploymentSuite()?.unwrapKey ?? unwrapKey)(decodeBase64(h.fromWrap), kek);
		try {
			return openJson<{ text: string }>(key, 'handdown result', h.id, decodeBase64(h.result)).text;
		} finally {
			key.fill(0);
		}
	} catch {
		return null;
	} finally {
		kek.fill(0);
	}
}
