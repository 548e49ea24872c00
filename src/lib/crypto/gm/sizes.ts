/**
 * Sizes of the GM suite's formats that code outside ./ needs without loading 国密 code (the server's shape
 * checks, the staff side's `is…` predicates): plain numbers, no import of `sm-crypto-v2`. ./staff.test.ts
 * checks them against the lengths the GM formats actually write.
 */
import { HEADER_LENGTH } from '../format';

/** SM4-GCM nonce and tag (./primitives.ts has the same numbers for the cipher itself). */
const GCM_NONCE = 12;
const GCM_TAG = 16;

/** Bytes a GM content blob (and so a GM note) adds to its padded plaintext. */
export const GM_CONTENT_OVERHEAD_BYTES = HEADER_LENGTH + GCM_NONCE + GCM_TAG;
/** Entry id (16) and SM2 signature (r ‖ s, 64): a GM transfer proof is `47 54 | entryId | signature`. */
export const GM_TRANSFER_PROOF_LENGTH = HEADER_LENGTH + 16 + 64;
/**
 * The padded plaintext of a GM summary: chosen so that a GM summary blob has the NaCl summary's length
 * (1 066 bytes), so the wire's one summary length holds for both suites.
 */
export const GM_SUMMARY_PADDED_LENGTH = 1066 - HEADER_LENGTH - GCM_NONCE - GCM_TAG;
