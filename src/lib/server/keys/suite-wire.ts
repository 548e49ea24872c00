/**
 * What the server checks of a suite's ciphertexts without a key (issue 21): byte 0, lengths and KDF costs of
 * the deployment's suite only, so a reporter's or a staff member's bytes of the other suite are refused.
 * Used by the intake's schema checks, the staff-key enrolment and the receipt follow-up.
 */
import { CONTENT_OVERHEAD } from '$lib/crypto/content';
import { FORMAT_VERSION, HEADER_LENGTH, Kind, checkHeader, expectLength } from '$lib/crypto/format';
import { isContentBucket } from '$lib/crypto/padding';
import { RECEIPT_KDF, isProductionParams } from '$lib/crypto/kdf';
import { decodeKdfSpec, encodeKdfSpec, passwordWrappedSpec } from '$lib/crypto/kdf-spec';
import { WRAPPED_KEY_LENGTH } from '$lib/crypto/keys';
import { SEALED_KEY_LENGTH } from '$lib/crypto/seal';
import { SUMMARY_CIPHERTEXT_LENGTH } from '$lib/crypto/summary';
import type { SuiteId } from '$lib/crypto/suite';
import {
	GM_CONTENT_OVERHEAD,
	GM_SEALED_KEY_LENGTH,
	GM_VERSION,
	GM_WRAPPED_KEY_LENGTH,
	SM2_PUBLIC_KEY_LENGTH
} from '$lib/crypto/gm/formats';
import {
	GM_RECEIPT_ITERATIONS,
	decodeGmKdfSpec,
	encodeGmKdfSpec,
	gmPasswordWrappedSpec,
	isGmKdfInBounds
} from '$lib/crypto/gm/kdf';
import { GM_SUMMARY_LENGTH } from '$lib/crypto/gm/staff';
import { TRANSFER_PROOF_LENGTH } from '$lib/crypto/transfer';
import { GM_LENGTHS } from '$lib/crypto/gm/lengths';
import { deploymentSuiteId } from './suite';

export interface SuiteWire {
	/** Byte 0 of every format of the suite. */
	version: number;
	/** Bytes a content blob adds to its padded bucket. */
	contentOverhead: number;
	summaryLength: number;
	sealedKeyLength: number;
	/** A transfer proof (format T): NaCl box of the statement / GM SM2 signature. */
	transferProofLength: number;
	wrappedKeyLength: number;
	/** A staff member's box public key (X25519 / SM2). */
	boxPublicKeyLength: number;
	/** Whether a receipt KDF spec has the production cost (GM: within the browser's floor and ceiling); throws a `CryptoError` when malformed. */
	receiptKdfIsProduction(kdfSpec: Uint8Array): boolean;
	/** The KDF spec (bytes) of a password-wrapped key and whether its cost is production; throws when malformed. */
	passwordWrap(wrapped: Uint8Array): { kdfSpec: Uint8Array; production: boolean };
	/** The KDF spec served for an unknown locator (production cost, the given 16-byte salt). */
	receiptSpecWithSalt(salt: Uint8Array): Uint8Array;
}

const NACL_WIRE: SuiteWire = Object.freeze({
	version: FORMAT_VERSION,
	contentOverhead: CONTENT_OVERHEAD,
	summaryLength: SUMMARY_CIPHERTEXT_LENGTH,
	sealedKeyLength: SEALED_KEY_LENGTH,
	transferProofLength: TRANSFER_PROOF_LENGTH,
	wrappedKeyLength: WRAPPED_KEY_LENGTH,
	boxPublicKeyLength: 32,
	receiptKdfIsProduction: (spec: Uint8Array) => isProductionParams(decodeKdfSpec(spec)),
	passwordWrap(wrapped: Uint8Array) {
		const spec = passwordWrappedSpec(wrapped);
		return { kdfSpec: encodeKdfSpec(spec), production: isProductionParams(spec) };
	},
	receiptSpecWithSalt: (salt: Uint8Array) => encodeKdfSpec({ ...RECEIPT_KDF, salt })
});

const GM_WIRE: SuiteWire = Object.freeze({
	version: GM_VERSION,
	contentOverhead: GM_CONTENT_OVERHEAD,
	summaryLength: GM_SUMMARY_LENGTH,
	sealedKeyLength: GM_SEALED_KEY_LENGTH,
	transferProofLength: GM_LENGTHS.transferProof,
	wrappedKeyLength: GM_WRAPPED_KEY_LENGTH,
	boxPublicKeyLength: SM2_PUBLIC_KEY_LENGTH,
	// Within the floor and the ceiling a browser accepts (gm/kdf.ts), so what is stored can be opened again.
	receiptKdfIsProduction: (spec: Uint8Array) => isGmKdfInBounds(decodeGmKdfSpec(spec).iterations),
	passwordWrap(wrapped: Uint8Array) {
		const spec = gmPasswordWrappedSpec(wrapped);
		return { kdfSpec: encodeGmKdfSpec(spec), production: isGmKdfInBounds(spec.iterations) };
	},
	receiptSpecWithSalt: (salt: Uint8Array) => encodeGmKdfSpec({ iterations: GM_RECEIPT_ITERATIONS, salt })
});

export function wireOf(id: SuiteId): SuiteWire {
	return id === 'gm' ? GM_WIRE : NACL_WIRE;
}

/** The deployment's suite's wire checks. */
export function deploymentWire(): SuiteWire {
	return wireOf(deploymentSuiteId());
}

/*
 * Shape checks of the deployment's suite for the back office and the lead register (issue 21): byte 0 must be
 * the deployment's, so a staff browser's bytes of the other suite are refused (both ways), and the length the
 * suite writes. The server cannot decrypt; these are the whole of its check.
 */

/** True if `blob` is framed as format `kind` of the deployment's suite. */
export function framedInSuite(blob: Uint8Array, kind: number, wire: SuiteWire = deploymentWire()): boolean {
	return blob.length > HEADER_LENGTH && blob[0] === wire.version && blob[1] === kind;
}

/**
 * Throws `CryptoFormatError` (`UNSUPPORTED_VERSION`, `WRONG_KIND`, `BAD_LENGTH`) unless `sealed` is a sealed key
 * (format S) of the deployment's suite: 82 bytes with byte 0 `01` (NaCl), 131 bytes with `47` (GM).
 */
export function checkSealedKey(sealed: Uint8Array, what = 'sealed key', wire: SuiteWire = deploymentWire()): void {
	checkHeader(sealed, Kind.sealedKey, what, wire.version);
	expectLength(sealed, wire.sealedKeyLength, what);
}

/** True if `sealed` is a sealed key (format S) of the deployment's suite. */
export function isSealedKeyInSuite(sealed: Uint8Array): boolean {
	const wire = deploymentWire();
	return sealed.length === wire.sealedKeyLength && framedInSuite(sealed, Kind.sealedKey, wire);
}

/** True if `wrapped` is a wrapped key (format W) of the deployment's suite (74 bytes NaCl, 62 GM). */
export function isWrappedKeyInSuite(wrapped: Uint8Array): boolean {
	const wire = deploymentWire();
	return wrapped.length === wire.wrappedKeyLength && framedInSuite(wrapped, Kind.wrappedKey, wire);
}

/** True if `blob` is a content ciphertext (format C) of the deployment's suite, of a bucketed length. */
export function isContentInSuite(blob: Uint8Array): boolean {
	const wire = deploymentWire();
	return framedInSuite(blob, Kind.content, wire) && isContentBucket(blob.length - wire.contentOverhead);
}

/** True if `blob` is a note (format N, issue 16) of the deployment's suite, of a bucketed length. */
export function isNoteInSuite(blob: Uint8Array): boolean {
	const wire = deploymentWire();
	return framedInSuite(blob, Kind.note, wire) && isContentBucket(blob.length - wire.contentOverhead);
}
