/**
 * Proof of having reported (已报告证明, issue 19; docs/crypto.md "Proof of having reported"). Once staff
 * acknowledge a report, the receiving organ's attestation key signs a short statement bound to the report's
 * locator (查询码) and received date, and to nothing else: no unit, person, kind, role or content. The
 * reporter keeps the proof (a small JSON file, or printed) and anyone can check it offline against the
 * pinned root key: the attestation key is certified by a directory entry the root signed (role `attest`,
 * its 32-byte key slot holding an Ed25519 public key, for the organ), valid on the day of acknowledgement.
 *
 * Statement (signed bytes, UTF-8):
 *   "qingfeng/v1/proof-of-report\n" locator "\n" receivedOn "\n" organId "\n" acknowledgedOn
 *   locator: the 10 Crockford characters without dash (checked here only as 1–32 letters or digits);
 *   dates: YYYY-MM-DD (China time).
 * Proof (JSON): { format: "qingfeng-proof-v1", locator, receivedOn, organId, organName, acknowledgedOn,
 *   entry: base64 of the signed directory entry, signature: base64 of the 64-byte signature }.
 * `organName` is shown, not signed (the organ is identified by `organId`, which the entry binds).
 *
 * In the deployment's cipher suite (issue 21): NaCl, an Ed25519 attestation key in a version-1 entry; GM, an
 * SM2 attestation key (65 bytes) in a GM entry (byte 0 = 47) the SM2 root signed, and an SM2 signature (SM3,
 * default id, r ‖ s). The verifier passes the pinned suite (`ProofScheme`; the GM one is the GM `Suite`, loaded
 * only on GM pages), so a proof of the other suite fails on the entry's byte 0 (`UNSUPPORTED_VERSION`).
 */
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { DirectoryError, CryptoFormatError } from './errors';
import { utf8 } from './encoding';
import {
	NACL_ENTRIES,
	SIGN_SECRET_KEY_LENGTH,
	verifyDirectoryEntry,
	type DirectoryEntry,
	type EntryScheme
} from './directory';
import { loadSuite } from './suite';
import type { SuiteId } from './suite-id';

/** The signature scheme of the attestation key and its entry in one suite (a `Suite` is one). */
export interface ProofScheme {
	readonly entries: EntryScheme;
	sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
	verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}

/** The NaCl suite's: Ed25519 (64-byte tweetnacl secret key). */
export const NACL_PROOF: ProofScheme = Object.freeze({
	entries: NACL_ENTRIES,
	sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
		if (secretKey.length !== SIGN_SECRET_KEY_LENGTH)
			throw new CryptoFormatError('INVALID_ARGUMENT', 'proof: attestation key must be 64 bytes');
		return nacl.sign.detached(message, secretKey);
	},
	verify: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean =>
		publicKey.length === NACL_ENTRIES.entryKeyLength && nacl.sign.detached.verify(message, signature, publicKey)
});

/** The scheme of a pinned suite: NaCl's at once, the GM suite fetched (a dynamic chunk) only on a GM page. */
export async function proofScheme(suite: SuiteId): Promise<ProofScheme> {
	return suite === 'gm' ? await loadSuite('gm') : NACL_PROOF;
}

export const PROOF_FORMAT = 'qingfeng-proof-v1';
/** The directory role of an organ's attestation key. */
export const ATTEST_ROLE = 'attest';

export interface ProofStatement {
	locator: string;
	receivedOn: string;
	organId: string;
	acknowledgedOn: string;
}

export interface ReportProof extends ProofStatement {
	format: typeof PROOF_FORMAT;
	organName: string;
	/** base64 of the root-signed directory entry of the attestation key. */
	entry: string;
	/** base64 of the Ed25519 signature over the statement. */
	signature: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkStatement(s: ProofStatement): void {
	if (!/^[0-9A-Za-z]{1,32}$/.test(s.locator)) throw new CryptoFormatError('INVALID_ARGUMENT', 'proof: bad locator');
	if (!DATE.test(s.receivedOn) || !DATE.test(s.acknowledgedOn))
		throw new CryptoFormatError('INVALID_ARGUMENT', 'proof: bad date');
	if (s.organId.length < 1 || s.organId.length > 255 || s.organId.includes('\n'))
		throw new CryptoFormatError('INVALID_ARGUMENT', 'proof: bad organ id');
}

/** The exact bytes the attestation key signs. */
export function proofStatementBytes(s: ProofStatement): Uint8Array {
	checkStatement(s);
	return utf8(`qingfeng/v1/proof-of-report\n${s.locator}\n${s.receivedOn}\n${s.organId}\n${s.acknowledgedOn}`);
}

/**
 * Signs a proof with the organ's attestation key and its signed entry, in a suite (NaCl: the 64-byte Ed25519
 * secret key; GM: the 32-byte SM2 scalar).
 */
export function signProof(
	s: ProofStatement,
	organName: string,
	attestSecretKey: Uint8Array,
	signedEntry: Uint8Array,
	scheme: ProofScheme = NACL_PROOF
): ReportProof {
	if (signedEntry[0] !== scheme.entries.version)
		throw new CryptoFormatError('INVALID_ARGUMENT', 'proof: the entry is not of this suite');
	const signature = scheme.sign(proofStatementBytes(s), attestSecretKey);
	return {
		format: PROOF_FORMAT,
		locator: s.locator,
		receivedOn: s.receivedOn,
		organId: s.organId,
		organName,
		acknowledgedOn: s.acknowledgedOn,
		entry: encodeBase64(signedEntry),
		signature: encodeBase64(signature)
	};
}

/** Noon (China, UTC+8) of a YYYY-MM-DD date, as Unix milliseconds. */
function noonOf(date: string): number {
	return Date.parse(`${date}T04:00:00Z`);
}

/**
 * Verifies a proof offline against the pinned root public key and returns the statement and the
 * certifying entry. Throws `CryptoFormatError` for a malformed proof and `DirectoryError` when the entry
 * is not the root's, not an attestation key of the proof's organ, or not valid on the acknowledgement
 * day; `DirectoryError('BAD_SIGNATURE')` when any signed field was changed.
 */
export function verifyProof(
	proof: unknown,
	rootPublicKey: Uint8Array,
	scheme: ProofScheme = NACL_PROOF
): { statement: ProofStatement; entry: DirectoryEntry } {
	const p = proof as Partial<ReportProof> | null;
	if (!p || typeof p !== 'object' || p.format !== PROOF_FORMAT)
		throw new CryptoFormatError('MALFORMED', 'not a proof of having reported');
	for (const k of ['locator', 'receivedOn', 'organId', 'acknowledgedOn', 'entry', 'signature'] as const)
		if (typeof p[k] !== 'string') throw new CryptoFormatError('MALFORMED', `proof: ${k} missing`);
	const statement: ProofStatement = {
		locator: p.locator!,
		receivedOn: p.receivedOn!,
		organId: p.organId!,
		acknowledgedOn: p.acknowledgedOn!
	};
	const bytes = proofStatementBytes(statement);
	let entryBytes: Uint8Array;
	let signature: Uint8Array;
	try {
		entryBytes = decodeBase64(p.entry!);
		signature = decodeBase64(p.signature!);
	} catch {
		throw new CryptoFormatError('MALFORMED', 'proof: bad base64');
	}
	if (signature.length !== scheme.entries.signatureLength)
		throw new CryptoFormatError('BAD_LENGTH', 'proof: bad signature length');
	const entry = verifyDirectoryEntry(entryBytes, rootPublicKey, {
		now: noonOf(statement.acknowledgedOn),
		organId: statement.organId,
		scheme: scheme.entries
	});
	if (entry.role !== ATTEST_ROLE) throw new DirectoryError('WRONG_ORGAN', 'proof: the entry is not an attestation key');
	if (statement.acknowledgedOn < statement.receivedOn)
		throw new CryptoFormatError('MALFORMED', 'proof: acknowledged before received');
	if (!scheme.verify(bytes, signature, entry.publicKey))
		throw new DirectoryError('BAD_SIGNATURE', 'proof: the signature does not verify');
	return { statement, entry };
}
