/**
 * The GM suite's inbox summary (format I; the NaCl one is ../summary.ts): the same padded plaintext, SM4-GCM
 * under its own sub-key of the report key.
 *
 *   summary = 47 49 | nonce (12, random) | SM4-GCM(subkey_gm(reportKey, "summary")[0..16], nonce, P, AD = 47 49)
 *   P       = length (u16 BE) | UTF-8 bytes | zero bytes, |P| = 1 KiB                              1054 bytes
 */
import { CryptoAuthError, CryptoFormatError } from '../errors';
import { ByteWriter, HEADER_LENGTH, Kind, checkHeader, expectLength } from '../format';
import { checkKey } from '../keys';
import { randomBytes } from '../random';
import { MAX_SUMMARY_LENGTH, SUMMARY_PADDED_LENGTH } from '../summary';
import { GM_VERSION, sm4Key } from './formats';
import { SM4_GCM_NONCE_BYTES, SM4_GCM_TAG_BYTES, sm4GcmOpen, sm4GcmSeal } from './primitives';

/** The one length of a GM summary blob. */
export const GM_SUMMARY_LENGTH = HEADER_LENGTH + SM4_GCM_NONCE_BYTES + SM4_GCM_TAG_BYTES + SUMMARY_PADDED_LENGTH;

const AD = new Uint8Array([GM_VERSION, Kind.summary]);

/** Encrypts with an explicit nonce (tests; use `gmEncryptSummary`). */
export function gmEncryptSummaryWithNonce(reportKey: Uint8Array, summary: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	expectLength(nonce, SM4_GCM_NONCE_BYTES, 'nonce');
	if (summary.length > MAX_SUMMARY_LENGTH)
		throw new CryptoFormatError('TOO_LARGE', `summary exceeds ${MAX_SUMMARY_LENGTH} bytes`);
	const padded = new Uint8Array(SUMMARY_PADDED_LENGTH);
	new DataView(padded.buffer).setUint16(0, summary.length);
	padded.set(summary, 2);
	const sealed = sm4GcmSeal(sm4Key(reportKey, 'summary'), nonce, padded, AD);
	return new ByteWriter(GM_SUMMARY_LENGTH).header(Kind.summary, GM_VERSION).raw(nonce).raw(sealed).bytes;
}

export function gmEncryptSummary(reportKey: Uint8Array, summary: Uint8Array): Uint8Array {
	return gmEncryptSummaryWithNonce(reportKey, summary, randomBytes(SM4_GCM_NONCE_BYTES));
}

export function gmDecryptSummary(reportKey: Uint8Array, blob: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	checkHeader(blob, Kind.summary, 'summary', GM_VERSION);
	expectLength(blob, GM_SUMMARY_LENGTH, 'summary');
	const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + SM4_GCM_NONCE_BYTES);
	const padded = sm4GcmOpen(
		sm4Key(reportKey, 'summary'),
		nonce,
		blob.subarray(HEADER_LENGTH + SM4_GCM_NONCE_BYTES),
		AD
	);
	if (!padded) throw new CryptoAuthError('DECRYPT_FAILED', 'summary: wrong key or tampered');
	const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint16(0);
	if (length > MAX_SUMMARY_LENGTH) throw new CryptoFormatError('MALFORMED', 'summary: length prefix out of range');
	for (let i = 2 + length; i < padded.length; i++)
		if (padded[i] !== 0) throw new CryptoFormatError('MALFORMED', 'summary: non-zero padding');
	return padded.slice(2, 2 + length);
}
