/**
 * What a submission must look like before anything is stored (docs/reporting.md §2–3): the settings that
 * bound it, the lengths the attachment format produces, the framing of the ciphertexts, and the checks of
 * a report body beyond its wire schema (src/lib/shared/wire/reporter.ts). Pure: no database.
 */
import { ATTACHMENT_HEADER_LENGTH, CHUNK_CIPHERTEXT_SIZE, CHUNK_SIZE } from '$lib/crypto/attachment';
import { CryptoError } from '$lib/crypto/errors';
import { Kind } from '$lib/crypto/format';
import { deploymentWire } from '$lib/server/keys/suite-wire';
import { TAG_LENGTH } from '$lib/crypto/keys';
import { attachmentBucket, isContentBucket } from '$lib/crypto/padding';
import { fromBase64Url } from '$lib/shared/encoding';
import { INLINE_MAX_BYTES, INTAKE_ID_LENGTH, PART_SIZE } from '$lib/shared/limits';
import type { ReportBody } from '$lib/shared/wire/reporter';
import { ok, refuse, type Refusal, type Result } from '$lib/server/http/result';

export interface IntakeSettings {
	maxFiles: number;
	maxFileBytes: number;
	maxReportBytes: number;
	timezone: string;
	/**
	 * How long (ms) a commit may reuse the routing and the recipients it computed for the same unit and
	 * organ (config ROUTING_CACHE_MS; 0 or absent: every commit reads them). A directory change (a
	 * revoked key, a declared conflict) reaches commits at most this late.
	 */
	routingCacheMs?: number;
}

/** Why the files of a submission are refused. */
export type SizeRefusal = Refusal<'too_many_files' | 'file_too_large' | 'invalid_field' | 'report_too_large'>;

/** True if `n` is the length of an attachment stream (header, padded bucket, one tag per 64 KiB chunk). */
export function isAttachmentStreamLength(n: number): boolean {
	if (!Number.isSafeInteger(n)) return false;
	const body = n - ATTACHMENT_HEADER_LENGTH;
	if (body <= 0) return false;
	const chunks = Math.ceil(body / CHUNK_CIPHERTEXT_SIZE);
	const padded = body - chunks * TAG_LENGTH;
	return padded > 0 && Math.ceil(padded / CHUNK_SIZE) === chunks && attachmentBucket(padded) === padded;
}

/** Number of parts of a file of `bytes` bytes, and the length of part `i`. */
export function partCount(bytes: number): number {
	return Math.ceil(bytes / PART_SIZE);
}
export function partLength(bytes: number, i: number): number {
	return Math.min(PART_SIZE, bytes - i * PART_SIZE);
}

/** Checks the sizes of the files of a submission; null when they are acceptable. */
export function checkFileSizes(
	sizes: readonly number[],
	settings: IntakeSettings,
	field: (i: number) => string,
	max = settings.maxReportBytes
): SizeRefusal | null {
	if (sizes.length > settings.maxFiles)
		return refuse('too_many_files', { field: 'files', extra: { max: settings.maxFiles } });
	let total = 0;
	for (const [i, bytes] of sizes.entries()) {
		if (bytes > settings.maxFileBytes)
			return refuse('file_too_large', { field: field(i), extra: { max: settings.maxFileBytes } });
		if (!isAttachmentStreamLength(bytes)) return refuse('invalid_field', { field: field(i) });
		total += bytes;
	}
	if (total > max) return refuse('report_too_large', { field: 'files', extra: { max } });
	return null;
}

/** True if `blob` is framed as format `kind` of the deployment's suite (issue 21: the other suite's are refused). */
export function framed(blob: Uint8Array, kind: number): boolean {
	return blob[0] === deploymentWire().version && blob[1] === kind;
}

/** True if `blob` is a content ciphertext of a bucketed length. */
export function isContentCiphertext(blob: Uint8Array): boolean {
	return framed(blob, Kind.content) && isContentBucket(blob.length - deploymentWire().contentOverhead);
}

/** Decodes an intake id; null unless it is one. */
export function intakeIdOf(text: string): Uint8Array | null {
	const id = fromBase64Url(text, INTAKE_ID_LENGTH);
	return id && id.length === INTAKE_ID_LENGTH ? id : null;
}

/** Where a report's files come from: an intake (by id), or inline in the body. */
export type FilesSource = { intakeId: Uint8Array } | { inline: Uint8Array[] };

export type BodyRefusal = Refusal<'bad_content' | 'invalid_field' | 'weak_kdf'> | SizeRefusal;

/**
 * The checks of a report body that its wire schema cannot make: the framing and padding of every
 * ciphertext, production KDF parameters for the receipt, and one source of files (an intake, or inline
 * files within INLINE_MAX_BYTES).
 */
export function checkReportBody(body: ReportBody, settings: IntakeSettings): Result<FilesSource, BodyRefusal['code']> {
	if (!isContentCiphertext(body.content)) return refuse('bad_content', { field: 'content' });
	const wire = deploymentWire();
	if (body.summary !== undefined && !(framed(body.summary, Kind.summary) && body.summary.length === wire.summaryLength))
		return refuse('bad_content', { field: 'summary' });
	for (const [i, w] of body.wraps.entries()) {
		if (!framed(w.sealed, Kind.sealedKey) || w.sealed.length !== wire.sealedKeyLength)
			return refuse('invalid_field', { field: `wraps[${i}].sealed` });
	}
	if (!framed(body.receipt.wrappedKey, Kind.wrappedKey) || body.receipt.wrappedKey.length !== wire.wrappedKeyLength)
		return refuse('invalid_field', { field: 'receipt.wrappedKey' });
	try {
		if (!wire.receiptKdfIsProduction(body.receipt.kdfSpec)) return refuse('weak_kdf', { field: 'receipt.kdfSpec' });
	} catch (e) {
		if (e instanceof CryptoError) return refuse('invalid_field', { field: 'receipt.kdfSpec' });
		throw e;
	}
	if (body.intake !== undefined) {
		if (body.files !== undefined) return refuse('invalid_field', { field: 'files' });
		if (body.pow !== undefined) return refuse('invalid_field', { field: 'pow' });
		const intakeId = intakeIdOf(body.intake);
		return intakeId ? ok({ intakeId }) : refuse('invalid_field', { field: 'intake' });
	}
	if (body.files === undefined) return refuse('invalid_field', { field: 'intake' });
	const sizes = checkFileSizes(
		body.files.map((f) => f.length),
		settings,
		(i) => `files[${i}]`,
		Math.min(INLINE_MAX_BYTES, settings.maxReportBytes)
	);
	if (sizes) return sizes;
	for (const [i, f] of body.files.entries())
		if (!framed(f, Kind.attachment)) return refuse('invalid_field', { field: `files[${i}]` });
	return ok({ inline: body.files });
}
