/**
 * The inbox summary (issue 16, "audited reading"): the few words the inbox list shows (the person
 * reported and a short subject), sealed by the reporter's browser apart from the full content so that
 * the inbox never needs the content ciphertext. The full content and the files are served only by the
 * audited open of one report (src/lib/server/backoffice/case-view.ts, `report.open`).
 *
 * Summary blob (format I, always SUMMARY_CIPHERTEXT_LENGTH bytes, so its size says nothing):
 *   01 49 | nonce (24, random) | secretbox(P, nonce, K_s) (|P| + 16)
 *   P   = length (u16 BE) | UTF-8 bytes | zero bytes, |P| = SUMMARY_PADDED_LENGTH (1 KiB)
 *   K_s = subkey(reportKey, "summary")   (HMAC-SHA-512 domain separation, ./keys.ts)
 *
 * Key choice: the summary is under the same report key (the same wraps open it) but under its own
 * sub-key and nonce, so a summary never opens as content or the reverse (the kind byte and the sub-key
 * both differ). The protection is the server's: the inbox hands out the summary and the caller's wrap,
 * never the content; reading the content takes an audited open. An inspector who keeps a copy of an
 * old content ciphertext can still decrypt it with the wrap: the audit covers what the server serves.
 *
 * GM suite (issue 21): ./gm/staff.ts, the same blob length (1 066 bytes) with byte 0 = 47 and SM4-GCM; the
 * functions below take the deployment's `suite` (absent: NaCl, byte for byte as before).
 */
import nacl from 'tweetnacl';
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
import { NONCE_LENGTH, TAG_LENGTH, checkKey, subkey } from './keys';
import { randomBytes } from './random';
import type { Suite } from './suite';

/** Padded plaintext length of every summary. */
export const SUMMARY_PADDED_LENGTH = 1024;
/** Largest summary plaintext (bytes). */
export const MAX_SUMMARY_LENGTH = SUMMARY_PADDED_LENGTH - 2;
/** The one length of a summary blob. */
export const SUMMARY_CIPHERTEXT_LENGTH = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH + SUMMARY_PADDED_LENGTH;

/** Encrypts with an explicit nonce (exported for tests; use `encryptSummary`). */
export function encryptSummaryWithNonce(reportKey: Uint8Array, summary: Uint8Array, nonce: Uint8Array): Uint8Array {
	checkKey(reportKey, 'report key');
	expectLength(nonce, NONCE_LENGTH, 'nonce');
	if (summary.length > MAX_SUMMARY_LENGTH)
		throw new CryptoFormatError('TOO_LARGE', `summary exceeds ${MAX_SUMMARY_LENGTH} bytes`);
	const padded = new Uint8Array(SUMMARY_PADDED_LENGTH);
	new DataView(padded.buffer).setUint16(0, summary.length);
	padded.set(summary, 2);
	const sealed = nacl.secretbox(padded, nonce, subkey(reportKey, 'summary'));
	return new ByteWriter(SUMMARY_CIPHERTEXT_LENGTH).header(Kind.summary).raw(nonce).raw(sealed).bytes;
}

/** Pads and encrypts an inbox summary under the report key (random nonce). */
export function encryptSummary(reportKey: Uint8Array, summary: Uint8Array, suite?: Suite): Uint8Array {
	if (suite && suite.id !== 'nacl') return suite.encryptSummary(reportKey, summary);
	return encryptSummaryWithNonce(reportKey, summary, randomBytes(NONCE_LENGTH));
}

/** True if `blob` is framed and sized as a summary (the server's check; it cannot decrypt). */
export function isSummaryCiphertext(blob: Uint8Array): boolean {
	return (
		blob.length === SUMMARY_CIPHERTEXT_LENGTH &&
		(blob[0] === FORMAT_VERSION || blob[0] === GM_FORMAT_VERSION) &&
		blob[1] === Kind.summary
	);
}

/**
 * Decrypts a summary blob. Throws `CryptoFormatError` for a wrong version, kind or length and
 * `CryptoAuthError('DECRYPT_FAILED')` for a wrong key or any modified byte.
 */
export function decryptSummary(reportKey: Uint8Array, blob: Uint8Array, suite?: Suite): Uint8Array {
	if (suite && suite.id !== 'nacl') return suite.decryptSummary(reportKey, blob);
	checkKey(reportKey, 'report key');
	checkHeader(blob, Kind.summary, 'summary');
	expectLength(blob, SUMMARY_CIPHERTEXT_LENGTH, 'summary');
	const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
	const padded = nacl.secretbox.open(blob.subarray(HEADER_LENGTH + NONCE_LENGTH), nonce, subkey(reportKey, 'summary'));
	if (!padded) throw new CryptoAuthError('DECRYPT_FAILED', 'summary: wrong key or tampered');
	const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint16(0);
	if (length > MAX_SUMMARY_LENGTH) throw new CryptoFormatError('MALFORMED', 'summary: length prefix out of range');
	for (let i = 2 + length; i < padded.length; i++) {
		if (padded[i] !== 0) throw new CryptoFormatError('MALFORMED', 'summary: non-zero padding');
	}
	return padded.slice(2, 2 + length);
}
