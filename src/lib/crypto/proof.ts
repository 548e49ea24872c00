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
 *   entry: base64 of the signed directory entry, signature: base64 of the 64-byte Ed25519 signature }.
 * `organName` is shown, not signed (the organ is identified by `organId`, which the entry binds).
 */
import nacl from 'tweetnacl';
import { decodeBase64, encodeBase64 } from '@oslojs/encoding';
import { DirectoryError, CryptoFormatError } from './errors';
import { utf8 } from './encoding';
import { SIGNATURE_LENGTH, SIGN_SECRET_KEY_LENGTH, verifyDirectoryEntry, type DirectoryEntry } from './directory';

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

/** Signs a proof with the organ's attestation key (64-byte Ed25519 secret key) and its signed entry. */
export function signProof(
	s: ProofStatement,
	organName: string,
	attestSecretKey: Uint8Array,
	signedEntry: Uint8Array
): ReportProof {
	if (attestSecretKey.length !== SIGN_SECRET_KEY_LENGTH)
		throw new CryptoFormatError('INVALID_ARGUMENT', 'proof: attestation key must be 64 bytes');
	const signature = nacl.sign.detached(proofStatementBytes(s), attestSecretKey);
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
	rootPublicKey: Uint8Array
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
	if (signature.length !== SIGNATURE_LENGTH) throw new CryptoFormatError('BAD_LENGTH', 'proof: bad signature length');
	const entry = verifyDirectoryEntry(entryBytes, rootPublicKey, {
		now: noonOf(statement.acknowledgedOn),
		organId: statement.organId
	});
	if (entry.role !== ATTEST_ROLE) throw new DirectoryError('WRONG_ORGAN', 'proof: the entry is not an attestation key');
	if (statement.acknowledgedOn < statement.receivedOn)
		throw new CryptoFormatError('MALFORMED', 'proof: acknowledged before received');
	if (!nacl.sign.detached.verify(bytes, signature, entry.publicKey))
		throw new DirectoryError('BAD_SIGNATURE', 'proof: the signature does not verify');
	return { statement, entry };
}
