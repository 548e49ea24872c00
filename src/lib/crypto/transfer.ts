/**
 * Transfer proofs (format T, issue 16): a transfer re-seals the report key for the receiving organ's
 * recipients (format S, ./seal.ts). A sealed key says nothing about who sealed it, so the receiving side
 * could not tell a wrap made by a colleague who holds the report from one a server (or anyone) made with
 * another key, for another report, or for someone else. Each transfer wrap now comes with a proof:
 *
 *   proof, 122 bytes: 01 54 | senderEntryId (16) | nonce (24) | box(statement (64), nonce, recipientPK, senderSK) (80)
 *   statement = keyCommit (32) ‖ binding (32)
 *     keyCommit = SHA-512(01 54 ‖ "key" ‖ reportKey)[0..32]
 *     binding   = SHA-512(01 54 ‖ "bind" ‖ len ‖ reportId ‖ recipientEntryId (16) ‖ sealed (82))[0..32]
 *
 * `box` with the sender's static X25519 key authenticates the statement to the recipient: only the holder
 * of the sender entry's secret key (or the recipient) can make a box that opens with the sender's public key
 * and the recipient's secret key. The recipient checks the sender entry against the root-signed directory
 * (src/lib/client/staff/report-crypto.ts), the binding against the report id, their own entry id and the
 * sealed key they received, and the commitment against the key the sealed wrap opens to; then the key
 * against the report's content. A wrap moved to another report, another recipient or swapped for another
 * key fails; so does a proof made with any key but the named sender's.
 *
 * GM suite (issue 21): ./gm/staff.ts, an SM2 signature by the sender's staff key over the same statement
 * (82 bytes); the functions below take the deployment's `suite` (absent: NaCl, byte for byte as before).
 */
import nacl from 'tweetnacl';
import { BOX_KEY_LENGTH, SEALED_KEY_LENGTH, type BoxKeyPair } from './seal';
import { CryptoAuthError, CryptoFormatError } from './errors';
import {
	ByteWriter,
	FORMAT_VERSION,
	GM_FORMAT_VERSION,
	HEADER_LENGTH,
	Kind,
	checkHeader,
	expectLength
} from './format';
import { GM_TRANSFER_PROOF_LENGTH } from './gm/sizes';
import type { Suite } from './suite';
import { concatBytes, utf8, bytesEqual } from './encoding';
import { checkKey, NONCE_LENGTH, TAG_LENGTH } from './keys';
import { randomBytes } from './random';
import { ENTRY_ID_LENGTH } from './directory';

const STATEMENT_LENGTH = 64;
export const TRANSFER_PROOF_LENGTH = HEADER_LENGTH + ENTRY_ID_LENGTH + NONCE_LENGTH + STATEMENT_LENGTH + TAG_LENGTH;

const PREFIX = new Uint8Array([FORMAT_VERSION, Kind.transferProof]);

const other = (suite?: Suite) => (suite && suite.id !== 'nacl' ? suite : undefined);

/** True if `b` is framed and sized as a transfer proof of either suite (the server's check; it cannot verify). */
export function isTransferProof(b: Uint8Array | undefined): boolean {
	if (b === undefined || b.length < HEADER_LENGTH || b[1] !== Kind.transferProof) return false;
	if (b[0] === FORMAT_VERSION) return b.length === TRANSFER_PROOF_LENGTH;
	return b[0] === GM_FORMAT_VERSION && b.length === GM_TRANSFER_PROOF_LENGTH;
}

/** What a proof binds: the report, the recipient's entry and the sealed key they get. */
export interface TransferBinding {
	reportId: string;
	recipientEntryId: Uint8Array;
	sealed: Uint8Array;
}

function keyCommit(reportKey: Uint8Array): Uint8Array {
	return nacl.hash(concatBytes(PREFIX, utf8('key'), reportKey)).subarray(0, 32);
}

function binding(b: TransferBinding): Uint8Array {
	expectLength(b.recipientEntryId, ENTRY_ID_LENGTH, 'recipient entry id');
	expectLength(b.sealed, SEALED_KEY_LENGTH, 'sealed key');
	const id = utf8(b.reportId);
	if (id.length < 1 || id.length > 255) throw new CryptoFormatError('INVALID_ARGUMENT', 'report id: 1–255 bytes');
	return nacl
		.hash(concatBytes(PREFIX, utf8('bind'), new Uint8Array([id.length]), id, b.recipientEntryId, b.sealed))
		.subarray(0, 32);
}

/** Makes the proof for one transfer wrap, with the sender's unlocked keypair and entry id. */
export function makeTransferProof(
	reportKey: Uint8Array,
	b: TransferBinding,
	sender: { entryId: Uint8Array; keyPair: BoxKeyPair },
	recipientPublicKey: Uint8Array,
	suite?: Suite
): Uint8Array {
	const gm = other(suite);
	if (gm) return gm.makeTransferProof(reportKey, b, sender, recipientPublicKey);
	checkKey(reportKey);
	expectLength(sender.entryId, ENTRY_ID_LENGTH, 'sender entry id');
	expectLength(recipientPublicKey, BOX_KEY_LENGTH, 'recipient public key');
	const nonce = randomBytes(NONCE_LENGTH);
	const boxed = nacl.box(
		concatBytes(keyCommit(reportKey), binding(b)),
		nonce,
		recipientPublicKey,
		sender.keyPair.secretKey
	);
	return new ByteWriter(TRANSFER_PROOF_LENGTH).header(Kind.transferProof).raw(sender.entryId).raw(nonce).raw(boxed)
		.bytes;
}

/** The sender entry a proof names (to look up and verify in the signed directory before `checkTransferProof`). */
export function transferProofSender(proof: Uint8Array, suite?: Suite): Uint8Array {
	const gm = other(suite);
	if (gm) return gm.transferProofSender(proof);
	checkHeader(proof, Kind.transferProof, 'transfer proof');
	expectLength(proof, TRANSFER_PROOF_LENGTH, 'transfer proof');
	return proof.slice(HEADER_LENGTH, HEADER_LENGTH + ENTRY_ID_LENGTH);
}

/**
 * Checks a proof as the recipient: made by `senderPublicKey` (from the verified entry the proof names), for
 * this report, this recipient entry and this sealed key, committing to `reportKey`. Throws
 * CryptoAuthError('DECRYPT_FAILED') when any of it does not hold.
 */
export function checkTransferProof(
	proof: Uint8Array,
	reportKey: Uint8Array,
	b: TransferBinding,
	senderPublicKey: Uint8Array,
	recipient: BoxKeyPair,
	suite?: Suite
): void {
	const gm = other(suite);
	if (gm) return gm.checkTransferProof(proof, reportKey, b, senderPublicKey, recipient);
	transferProofSender(proof);
	expectLength(senderPublicKey, BOX_KEY_LENGTH, 'sender public key');
	const at = HEADER_LENGTH + ENTRY_ID_LENGTH;
	const statement = nacl.box.open(
		proof.subarray(at + NONCE_LENGTH),
		proof.subarray(at, at + NONCE_LENGTH),
		senderPublicKey,
		recipient.secretKey
	);
	if (!statement || statement.length !== STATEMENT_LENGTH)
		throw new CryptoAuthError('DECRYPT_FAILED', 'transfer proof: not made by the named sender for this recipient');
	if (!bytesEqual(statement.subarray(32), binding(b)))
		throw new CryptoAuthError('DECRYPT_FAILED', 'transfer proof: made for another report, recipient or wrap');
	if (!bytesEqual(statement.subarray(0, 32), keyCommit(reportKey)))
		throw new CryptoAuthError('DECRYPT_FAILED', 'transfer proof: the wrap holds another key');
}
