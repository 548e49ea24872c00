/**
 * The hash chain of the audit log (architecture invariant 5). Pure: no database. The writer appends
 * `nextEntry(head, fields)`; `npm run audit:verify` streams the rows in seq order into `verifyChain`.
 *
 * hash = SHA-256 over the canonical encoding of every field, prev_hash included (format in docs/workflow.md):
 *   field(FORMAT) field(seq) field(at) field(actor) field(action) opt(reportId) opt(organId)
 *   field(canonicalJson(details)) field(prevHash as 32 raw bytes)
 * where field(x) = 4-byte big-endian byte length ‖ bytes (UTF-8 for text), opt(null) = 0x00 and
 * opt(x) = 0x01 ‖ field(x). Hashes are stored as 64 lowercase hex digits.
 *
 * What the chain proves: any change, deletion, insertion or reordering of rows breaks it at the first
 * affected row, unless whoever changed it also recomputed every later hash. Against that (anyone with write
 * access to the database can do it: SHA-256 has no key) only an anchor kept elsewhere helps: the count and
 * head hash noted outside the database (printed by the verify command, exported, or signed). With an anchor,
 * rewriting or cutting anything up to it is detected too.
 */
import {
	encoder,
	ZERO_HASH,
	FIRST_SEQ,
	type Json,
	type AuditFields,
	type AuditEntry,
	AuditFormatError,
	canonicalJson,
	normalizeSeq,
	normalizeAt,
	computeHash
} from './chain-format';

export {
	FORMAT,
	ZERO_HASH,
	FIRST_SEQ,
	type Json,
	type AuditFields,
	type AuditEntry,
	type ChainFailureReason,
	type VerifyResult,
	type ChainAnchor,
	type VerifyOptions,
	AuditFormatError,
	genesisHash,
	canonicalJson,
	normalizeSeq,
	normalizeAt,
	encodeEntry,
	computeHash
} from './chain-format';
export { ChainVerifier, verifyChainSync, verifyChain } from './chain-verify';

const FORBIDDEN_DETAIL_KEYS = new Set(
	[
		'plaintext',
		'content',
		'body',
		'text',
		'message',
		'subject',
		'title',
		'ip',
		'ipaddress',
		'remoteaddress',
		'useragent',
		'email',
		'phone',
		'reporter',
		'reportername',
		'contact',
		'password',
		'secret',
		'receipt'
	].map((k) => k.toLowerCase())
);
export const MAX_DETAILS_BYTES = 8192;

function checkDetails(value: Json, depth = 0): void {
	if (depth > 6) throw new AuditFormatError('details: nested too deep');
	if (typeof value === 'string' && value.includes('\u0000'))
		throw new AuditFormatError('details: NUL cannot be stored');
	if (Array.isArray(value)) for (const v of value as readonly Json[]) checkDetails(v, depth + 1);
	else if (typeof value === 'object' && value !== null) {
		for (const [k, v] of Object.entries(value)) {
			if (FORBIDDEN_DETAIL_KEYS.has(k.toLowerCase()))
				throw new AuditFormatError(`details: key "${k}" is not allowed in the audit log`);
			if (k.includes('\u0000')) throw new AuditFormatError('details: NUL cannot be stored');
			checkDetails(v, depth + 1);
		}
	}
}

/**
 * The entry that follows `head` (null for the first entry of the log). Also refuses details that cannot be
 * stored (NUL), are too large, or carry a key from the forbidden list.
 */
export function nextEntry(
	head: { readonly seq: bigint | number | string; readonly hash: string } | null,
	fields: AuditFields,
	options: { readonly genesis?: string; readonly firstSeq?: bigint | number } = {}
): AuditEntry {
	for (const [name, v] of [
		['actor', fields.actor],
		['action', fields.action],
		['reportId', fields.reportId],
		['organId', fields.organId]
	] as const) {
		if (typeof v === 'string' && v.includes('\u0000')) throw new AuditFormatError(`${name}: NUL cannot be stored`);
	}
	checkDetails(fields.details);
	const json = canonicalJson(fields.details);
	if (encoder.encode(json).length > MAX_DETAILS_BYTES)
		throw new AuditFormatError(`details: more than ${MAX_DETAILS_BYTES} bytes`);
	const seq = head ? normalizeSeq(head.seq) + 1n : normalizeSeq(options.firstSeq ?? FIRST_SEQ);
	const prevHash = head ? head.hash : (options.genesis ?? ZERO_HASH);
	const base = {
		seq,
		at: normalizeAt(fields.at),
		actor: fields.actor,
		action: fields.action,
		reportId: fields.reportId,
		organId: fields.organId,
		details: JSON.parse(json) as Json,
		prevHash
	};
	return { ...base, hash: computeHash(base) };
}
