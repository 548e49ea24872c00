/**
 * The GM suite's staff-side formats (国密, issue 21; docs/crypto.md, "The GM suite: staff side"):
 *
 *   summary  = 47 49 | nonce (12, random) | SM4-GCM(subkey_gm(reportKey, "summary")[0..16], nonce, P, AD = 47 49)
 *              P = length (u16 BE) | UTF-8 | zero bytes, |P| = 1 036, so the blob is 1 066 bytes as in NaCl
 *   proof    = 47 54 | senderEntryId (16) | SM2-Sign(senderSK, 47 54 ‖ "transfer" ‖ keyCommit ‖ binding) (64)   82 bytes
 *     keyCommit = SM3(47 54 ‖ "key" ‖ reportKey)
 *     binding   = SM3(47 54 ‖ "bind" ‖ len ‖ reportId ‖ recipientEntryId (16) ‖ sealed (131))
 *   mac(K, x) = HMAC-SM3(K, x)   (blind index)
 *
 * The NaCl proof is a box from the sender's to the recipient's X25519 key; SM2 has no such box, so the GM
 * proof is an SM2 signature with the sender's staff key (the key of its signed directory entry). The
 * statement is not sent: the recipient recomputes it from the key the wrap opens to and checks the signature.
 */
import { CryptoAuthError, CryptoFormatError } from '../errors';
import { ByteWriter, HEADER_LENGTH, Kind, checkHeader, expectLength } from '../format';
import { concatBytes, utf8 } from '../encoding';
import { checkKey } from '../keys';
import { randomBytes } from '../random';
import { ENTRY_ID_LENGTH } from '../directory';
import type { TransferBinding } from '../transfer';
import type { BoxKeyPair } from '../seal';
import { SM4_GCM_NONCE_BYTES, hmacSm3, sm3, sm4GcmOpen, sm4GcmSeal } from './primitives';
import { GM_SEALED_KEY_LENGTH, GM_VERSION, SM2_PUBLIC_KEY_LENGTH, sm4Key } from './formats';
import { gmSign, gmVerify } from './directory';
import { GM_SUMMARY_PADDED_LENGTH, GM_TRANSFER_PROOF_LENGTH } from './sizes';

export { GM_SUMMARY_PADDED_LENGTH, GM_TRANSFER_PROOF_LENGTH };
/** Largest GM summary plaintext (bytes). */
export const GM_MAX_SUMMARY_LENGTH = GM_SUMMARY_PADDED_LENGTH - 2;
/** The one length of a GM summary blob. */
export const GM_SUMMARY_LENGTH = HEADER_LENGTH + SM4_GCM_NONCE_BYTES + 16 + GM_SUMMARY_PADDED_LENGTH;

const header = (kind: number) => new Uint8Array([GM_VERSION, kind]);

/** HMAC-SM3 under a 32-byte key (the blind index of the GM suite). */
export function gmMac(key: Uint8Array, data: Uint8Array): Uint8Array {
	checkKey(key);
	return hmacSm3(key, data);
}

/** A GM summary with an explicit nonce (vectors; use `gmEncryptSummary`). */
export function gmEncryptSummaryWithNonce(reportKey: Uint8Array, summary: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	expectLength(nonce, SM4_GCM_NONCE_BYTES, 'nonce');
	if (summary.length > GM_MAX_SUMMARY_LENGTH)
		throw new CryptoFormatError('TOO_LARGE', `summary exceeds ${GM_MAX_SUMMARY_LENGTH} bytes`);
	const padded = new Uint8Array(GM_SUMMARY_PADDED_LENGTH);
	new DataView(padded.buffer).setUint16(0, summary.length);
	padded.set(summary, 2);
	const sealed = sm4GcmSeal(sm4Key(reportKey, 'summary'), nonce, padded, header(Kind.summary));
	return new ByteWriter(GM_SUMMARY_LENGTH).header(Kind.summary, GM_VERSION).raw(nonce).raw(sealed).bytes;
}

export function gmEncryptSummary(reportKey: Uint8Array, summary: Uint8Array): Uint8Array {
	return gmEncryptSummaryWithNonce(reportKey, summary, randomBytes(SM4_GCM_NONCE_BYTES));
}

/** Decrypts a GM summary; typed errors as the NaCl `decryptSummary`. */
export function gmDecryptSummary(reportKey: Uint8Array, blob: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	checkHeader(blob, Kind.summary, 'summary', GM_VERSION);
	expectLength(blob, GM_SUMMARY_LENGTH, 'summary');
	const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + SM4_GCM_NONCE_BYTES);
	const padded = sm4GcmOpen(
		sm4Key(reportKey, 'summary'),
		nonce,
		blob.subarray(HEADER_LENGTH + SM4_GCM_NONCE_BYTES),
		header(Kind.summary)
	);
	if (!padded) throw new CryptoAuthError('DECRYPT_FAILED', 'summary: wrong key or tampered');
	const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint16(0);
	if (length > GM_MAX_SUMMARY_LENGTH) throw new CryptoFormatError('MALFORMED', 'summary: length prefix out of range');
	for (let i = 2 + length; i < padded.length; i++)
		if (padded[i] !== 0) throw new CryptoFormatError('MALFORMED', 'summary: non-zero padding');
	return padded.slice(2, 2 + length);
}

const PREFIX = header(Kind.transferProof);

function statement(reportKey: Uint8Array, b: TransferBinding): Uint8Array {
	expectLength(b.recipientEntryId, ENTRY_ID_LENGTH, 'recipient entry id');
	expectLength(b.sealed, GM_SEALED_KEY_LENGTH, 'sealed key');
	const id = utf8(b.reportId);
	if (id.length < 1 || id.length > 255) throw new CryptoFormatError('INVALID_ARGUMENT', 'report id: 1–255 bytes');
	const keyCommit = sm3(concatBytes(PREFIX, utf8('key'), reportKey));
	const binding = sm3(concatBytes(PREFIX, utf8('bind'), new Uint8Array([id.length]), id, b.recipientEntryId, b.sealed));
	return concatBytes(PREFIX, utf8('transfer'), keyCommit, binding);
}

/** The sender entry a GM proof names. */
export function gmTransferProofSender(proof: Uint8Array): Uint8Array {
	checkHeader(proof, Kind.transferProof, 'transfer proof', GM_VERSION);
	expectLength(proof, GM_TRANSFER_PROOF_LENGTH, 'transfer proof');
	return proof.slice(HEADER_LENGTH, HEADER_LENGTH + ENTRY_ID_LENGTH);
}

/** Makes a GM transfer proof: an SM2 signature by the sender's staff key over the statement. */
export function gmMakeTransferProof(
	reportKey: Uint8Array,
	b: TransferBinding,
	sender: { entryId: Uint8Array; keyPair: BoxKeyPair },
	recipientPublicKey: Uint8Array
): Uint8Array {
	checkKey(reportKey);
	expectLength(sender.entryId, ENTRY_ID_LENGTH, 'sender entry id');
	expectLength(recipientPublicKey, SM2_PUBLIC_KEY_LENGTH, 'recipient public key');
	const signature = gmSign(statement(reportKey, b), sender.keyPair.secretKey);
	return new ByteWriter(GM_TRANSFER_PROOF_LENGTH)
		.header(Kind.transferProof, GM_VERSION)
		.raw(sender.entryId)
		.raw(signature).bytes;
}

/** Checks a GM transfer proof; CryptoAuthError('DECRYPT_FAILED') when any of it does not hold. */
export function gmCheckTransferProof(
	proof: Uint8Array,
	reportKey: Uint8Array,
	b: TransferBinding,
	senderPublicKey: Uint8Array,
	recipient: BoxKeyPair
): void {
	gmTransferProofSender(proof);
	checkKey(reportKey);
	expectLength(senderPublicKey, SM2_PUBLIC_KEY_LENGTH, 'sender public key');
	expectLength(recipient.publicKey, SM2_PUBLIC_KEY_LENGTH, 'recipient public key');
	const signature = proof.subarray(HEADER_LENGTH + ENTRY_ID_LENGTH);
	if (!gmVerify(statement(reportKey, b), signature, senderPublicKey))
		throw new CryptoAuthError(
			'DECRYPT_FAILED',
			'transfer proof: not signed by the named sender for this report, recipient, wrap and key'
		);
}
