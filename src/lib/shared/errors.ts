/**
 * The error codes of every JSON endpoint (public API, reporter API, staff API) and the one error body they
 * all answer with (docs/api.md, docs/reporting.md, docs/backoffice.md):
 *
 *   { "error": { "code": "invalid_field", "field": "routing.unit", "message": { "zh": "…", "en": "…" } } }
 *
 * `field` names the offending parameter or body field when there is one; a few codes carry more (below).
 * The messages live with the server (src/lib/server/http/messages.ts, one table); clients switch on `code`.
 */
import type { Bilingual } from './bilingual';
import { REFUSAL_REASONS, type RefusalReason } from './vocabulary/workflow';

/** Codes of the request plumbing and the reporter's API. */
export const REPORTER_ERROR_CODES = [
	'invalid_json',
	'unsupported_media_type',
	'body_too_large',
	'length_required',
	'invalid_field',
	'unsupported_version',
	'pow_required',
	'pow_invalid',
	'pow_expired',
	'pow_replayed',
	'too_many_files',
	'file_too_large',
	'report_too_large',
	'rate_limited',
	'unknown_intake',
	'bad_part',
	'incomplete_upload',
	'unknown_unit',
	'no_receiving_organ',
	'routing_changed',
	'no_recipients',
	'recipients_changed',
	'bad_content',
	'weak_kdf',
	'locator_taken',
	'receipt_not_recognised',
	'too_many_messages',
	'token_invalid',
	'not_found',
	// Issue 19: the proof of having reported is issued only once staff acknowledged the report, and only
	// where the operator configured the receiving organ's attestation key.
	'not_acknowledged',
	'proof_unavailable'
] as const;

/** Codes of the public query endpoints (units, routing, directory) beyond the reporter's. */
export const PUBLIC_ERROR_CODES = ['invalid_parameter', 'unknown_organ', 'no_root_key'] as const;

/** Codes of the staff API beyond the reporter's and the workflow's refusal reasons. */
export const STAFF_ERROR_CODES = [
	'unauthenticated',
	'forbidden',
	'bad_origin',
	'bad_staff',
	'bad_grant',
	'already_granted',
	'bad_link',
	'needs_wraps',
	'bad_wraps',
	'wraps_stale',
	'bad_target_organ'
] as const;

export type ErrorCode =
	| (typeof REPORTER_ERROR_CODES)[number]
	| (typeof PUBLIC_ERROR_CODES)[number]
	| (typeof STAFF_ERROR_CODES)[number]
	| RefusalReason;

/** Every error code, once. */
export const ERROR_CODES: readonly ErrorCode[] = [
	...REPORTER_ERROR_CODES,
	...PUBLIC_ERROR_CODES,
	...STAFF_ERROR_CODES,
	...REFUSAL_REASONS
];

export function isErrorCode(value: unknown): value is ErrorCode {
	return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The `error` object of an error answer. */
export interface ApiErrorDetail<C extends string = ErrorCode> {
	code: C;
	/** The parameter or body field at fault (`routing.unit`, `wraps[2].sealed`, `content-type`). */
	field?: string;
	message: Bilingual;
	/** too_many_files, file_too_large, report_too_large: the limit. */
	max?: number;
	/** bad_part: the length the part must have. */
	expected?: number;
	/** incomplete_upload: the parts still missing (the first 100). */
	missing?: { file: number; part: number }[];
	/** routing_changed: the organ routing chooses now. */
	organ?: string;
}

/** The body of every 4xx answer of the JSON endpoints. */
export interface ErrorBody<C extends string = ErrorCode> {
	error: ApiErrorDetail<C>;
}
