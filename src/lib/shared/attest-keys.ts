/**
 * The attestation keys behind the proof of having reported (issue 19; src/lib/crypto/proof.ts): one signing
 * key per organ in the root's suite (NaCl: Ed25519; GM: SM2, issue 21), whose directory entry (role `attest`)
 * the root signs at the ceremony, offline (`npm run root -- attest`). The operator's server reads them from
 * PROOF_KEYS_FILE:
 *   [{ "seed": "<64 hex>", "entry": "<base64 of the signed entry>" }, …]
 * `seed`: the Ed25519 seed (NaCl) or the SM2 private scalar (GM); the entry's byte 0 names the suite.
 * Pure functions (no file or network access): the ceremony script does the I/O.
 */
import { decodeBase64, encodeBase64, encodeHexLowerCase } from '@oslojs/encoding';
import { newEntryId, parseDirectoryEntry, signDirectoryEntry } from '$lib/crypto/directory';
import { ATTEST_ROLE } from '$lib/crypto/proof';
import { NACL_CEREMONY, type CeremonySuite } from './root-ceremony';

export interface AttestKeyLine {
	seed: string;
	entry: string;
}

const ORGAN_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * A new attestation key for `organId`, its entry signed by the root (valid from `now` for `years`), added to the
 * keys file's lines; a former key of the same organ is replaced (proofs it signed still verify: the reporter
 * keeps the entry inside the proof). Throws on an organ id that is not one, or on a file that is not a keys file
 * of this suite.
 */
export function addAttestKey(
	existing: string | null,
	organId: string,
	rootSeed: Uint8Array,
	now: Date,
	years = 2,
	suite: CeremonySuite = NACL_CEREMONY
): { text: string; publicKey: Uint8Array; replaced: boolean } {
	if (!ORGAN_ID.test(organId)) throw new Error(`not an organ id: ${organId}`);
	if (!Number.isInteger(years) || years < 1 || years > 10) throw new Error('years: 1 to 10');
	const lines: AttestKeyLine[] = existing === null || existing.trim() === '' ? [] : JSON.parse(existing);
	if (!Array.isArray(lines) || lines.some((l) => typeof l?.seed !== 'string' || typeof l?.entry !== 'string'))
		throw new Error('not a keys file: expected a JSON list of { seed, entry }');
	const kept = lines.filter((l) => {
		const bytes = decodeBase64(l.entry);
		if (bytes[0] !== suite.entries.version)
			throw new Error(`not a keys file of the ${suite.id} suite: an entry has another suite's format`);
		return parseDirectoryEntry(bytes, suite.entries).entry.organId !== organId;
	});
	const seed = suite.newSeed();
	const pair = suite.rootFromSeed(seed);
	pair.secretKey.fill(0);
	const root = suite.rootFromSeed(rootSeed);
	const from = Math.floor(now.getTime() / 1000);
	const entry = signDirectoryEntry(
		{
			entryId: newEntryId(),
			staffId: `organ:${organId}`,
			organId,
			role: ATTEST_ROLE,
			publicKey: pair.publicKey,
			notBefore: from,
			notAfter: from + years * 365 * 86400
		},
		root.secretKey,
		suite.entries
	);
	root.secretKey.fill(0);
	kept.push({ seed: encodeHexLowerCase(seed), entry: encodeBase64(entry) });
	return {
		text: JSON.stringify(kept, null, '\t') + '\n',
		publicKey: pair.publicKey,
		replaced: kept.length === lines.length
	};
}
